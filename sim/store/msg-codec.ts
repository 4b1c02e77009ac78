// Small encodings the store needs, kept out of the hot classes.
//
// Fault model: none (pure functions).
//
// - javaStringHashCode: Java's String.hashCode (s[0]*31^(n-1) + … + s[n-1], 32-bit
//   wrap-around). RocketMQ's CQ tagsCode is the tag's hashCode
//   (common/message/MessageExtBrokerInner#tagsString2tagsCode), 0 without a tag.
// - msgId packing: a client msgId (common/message/MessageClientIDSetter#createUniqID)
//   is 16 bytes written as 32 upper-case hex characters. The store keeps it as four
//   Int32 words (16 bytes, no string kept per message) and rebuilds the string on
//   read. Anything that is not 32 hex digits is kept as its string instead.
// - storedSize: the CommitLog record size (CommitLog#calMsgLength, 4.9.8 and 5.x),
//   with an estimate of the properties string the broker stores.

import { hex32 } from "../core/hex.js";

/** Java String.hashCode (UTF-16 code units, 32-bit overflow). */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** CQ tagsCode of a tag: its hashCode, 0 when there is no tag. */
export function tagsCodeOf(tags: string | undefined): number {
  return tags ? javaStringHashCode(tags) : 0;
}

/** Nibble of each UTF-16 code unit: 0-9, A-F → 0..15, anything else (lower case too) negative. */
const NIBBLE = new Int32Array(65536).fill(-256);
for (let c = 48; c <= 57; c++) NIBBLE[c] = c - 48;
for (let c = 65; c <= 70; c++) NIBBLE[c] = c - 55;

/**
 * Pack a 32-hex-digit id into `out[at..at+3]` (big-endian words). Returns false
 * (and leaves `out` unspecified) if the id is not 32 upper-case hex digits — lower
 * case is refused too, so that unpacking gives back the very same string.
 */
export function packMsgId(id: string, out: Int32Array, at: number): boolean {
  if (id.length !== 32) return false;
  const T = NIBBLE;
  let bad = 0;
  for (let w = 0; w < 4; w++) {
    const b = w * 8;
    const d0 = T[id.charCodeAt(b)], d1 = T[id.charCodeAt(b + 1)], d2 = T[id.charCodeAt(b + 2)], d3 = T[id.charCodeAt(b + 3)];
    const d4 = T[id.charCodeAt(b + 4)], d5 = T[id.charCodeAt(b + 5)], d6 = T[id.charCodeAt(b + 6)], d7 = T[id.charCodeAt(b + 7)];
    bad |= d0 | d1 | d2 | d3 | d4 | d5 | d6 | d7;
    out[at + w] = (d0 << 28) | (d1 << 24) | (d2 << 20) | (d3 << 16) | (d4 << 12) | (d5 << 8) | (d6 << 4) | d7;
  }
  return bad >= 0;
}


/** The 32-hex-digit string of four packed words. */
export function unpackMsgId(words: Int32Array, at: number): string {
  const a = words[at], b = words[at + 1], c = words[at + 2], d = words[at + 3];
  return hex32(a) + hex32(b) + hex32(c) + hex32(d);
}

/** Fixed part of a CommitLog record, IPv4 hosts (CommitLog#calMsgLength): 91 bytes. */
export const RECORD_FIXED_BYTES =
  4 /* TOTALSIZE */ + 4 /* MAGICCODE */ + 4 /* BODYCRC */ + 4 /* QUEUEID */ + 4 /* FLAG */ + 8 /* QUEUEOFFSET */
  + 8 /* PHYSICALOFFSET */ + 4 /* SYSFLAG */ + 8 /* BORNTIMESTAMP */ + 8 /* BORNHOST */ + 8 /* STORETIMESTAMP */
  + 8 /* STOREHOSTADDRESS */ + 4 /* RECONSUMETIMES */ + 8 /* PREPARED TX OFFSET */ + 4 /* BODY length */
  + 1 /* TOPIC length */ + 2 /* PROPERTIES length */;

/** "KEY\u0001VALUE\u0002" as MessageDecoder#messageProperties2String writes each property. */
const prop = (k: number, v: number): number => k + v + 2;

/**
 * Properties every message carries: UNIQ_KEY (32-hex msgId, set by the client; 42 B),
 * WAIT=true (Message default; 10 B), CLUSTER=<cluster> (SendMessageProcessor#sendMessage;
 * 23 B for DefaultCluster).
 */
export function baseProps(clusterName: string): number {
  return prop(8, 32) + prop(4, 4) + prop(7, clusterName.length);
}

/**
 * Bytes a message occupies in the CommitLog: 91 fixed + body + topic + properties
 * (base properties, TAGS, KEYS and any extra property). Lengths are UTF-16 lengths
 * (ASCII assumed).
 */
export function storedSize(bodySize: number, topicLen: number, base: number, tags: string | undefined,
  keys: string | undefined, props: Record<string, string> | undefined): number {
  let p = base;
  if (tags) p += prop(4, tags.length);
  if (keys) p += prop(4, keys.length);
  if (props !== undefined) for (const k in props) p += prop(k.length, props[k].length);
  return RECORD_FIXED_BYTES + bodySize + topicLen + p;
}

/** Interns a few distinct strings (tags, producer groups) to small integers. */
export class Interner {
  readonly list: string[] = [];
  /** Java hashCode of each interned string (the tagsCode of a tag). */
  readonly hash: number[] = [];
  private map = new Map<string, number>();

  /** Index of `s`, -1 for undefined/empty. */
  idx(s: string | undefined): number {
    if (!s) return -1;
    let i = this.map.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.hash.push(javaStringHashCode(s));
      this.map.set(s, i);
    }
    return i;
  }

  get(i: number): string | undefined {
    return i < 0 ? undefined : this.list[i];
  }
}

// The consistent-hash ring behind CONSISTENT_HASH.
// Port of org.apache.rocketmq.common.consistenthash.ConsistentHashRouter
// (with its private MD5Hash and VirtualNode#getKey).
//
// Details that decide which consumer owns a queue, all kept from the source:
// - MD5Hash: MD5 of the key's UTF-8 bytes, digest bytes 0..3 read as an
//   unsigned big-endian 32-bit number (a Java long in [0, 2^32)).
// - Virtual node i of client "cid" is keyed "cid-i"; i starts after the
//   replicas the client already has, so a cid listed twice adds "cid-10".."cid-19".
// - The ring is a TreeMap: two virtual nodes with equal hashes keep the key
//   but the later one replaces the owner.
// - routeNode: the first ring key >= hash(objectKey), else the first key.

import { createHash } from "node:crypto";

/** HashFunction: String -> long. Results are compared as numbers. */
export type HashFunction = (key: string) => number;

// Java's String.getBytes(UTF_8) writes '?' for an unpaired surrogate where
// Node writes U+FFFD (3 bytes); replace them first so the bytes are Java's.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Rebalancing re-hashes the same queue and client strings every 20 s of
// simulated time for every consumer; a bounded memo keeps that cheap. MD5 is
// pure, so the memo cannot change any result.
const memo = new Map<string, number>();
const MEMO_LIMIT = 100_000;

export const md5Hash: HashFunction = (key) => {
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const digest = createHash("md5").update(key.replace(LONE_SURROGATE, "?"), "utf8").digest();
  const h = digest.readUInt32BE(0);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, h);
  return h;
};

export class HashRing {
  private readonly owners = new Map<number, string>(); // ring key -> physical node key
  private sortedKeys: number[] | null = [];

  constructor(private readonly hash: HashFunction = md5Hash) {}

  /** ConsistentHashRouter#addNode. */
  addNode(nodeKey: string, vNodeCount: number): void {
    if (vNodeCount < 0) throw new Error(`illegal virtual node counts :${vNodeCount}`);
    let existingReplicas = 0;
    for (const owner of this.owners.values()) if (owner === nodeKey) existingReplicas++;
    for (let i = 0; i < vNodeCount; i++) {
      this.owners.set(this.hash(`${nodeKey}-${i + existingReplicas}`), nodeKey);
    }
    this.sortedKeys = null;
  }

  /** ConsistentHashRouter#routeNode: the owning node key, or null on an empty ring. */
  routeNode(objectKey: string): string | null {
    const keys = this.keys();
    if (keys.length === 0) return null;
    const h = this.hash(objectKey);
    // Binary search for the first key >= h (TreeMap.tailMap(h).firstKey()).
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < h) lo = mid + 1; else hi = mid;
    }
    return this.owners.get(keys[lo === keys.length ? 0 : lo])!;
  }

  get size(): number {
    return this.owners.size;
  }

  private keys(): number[] {
    if (this.sortedKeys === null) this.sortedKeys = [...this.owners.keys()].sort((a, b) => a - b);
    return this.sortedKeys;
  }
}

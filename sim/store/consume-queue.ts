// ConsumeQueue: one per (topic, queueId), logical offsets 0, 1, 2, … (ST/ConsumeQueue.java,
// 20-byte units commitLogOffset | size | tagsCode).
//
// Fault model: lives on the node's disk (survives process crashes). A power loss cuts
// its tail back to the durable CommitLog (ST/CommitLog#recoverAbnormally +
// DefaultMessageStore#recover: RocketMQ truncates CQ entries pointing past the
// recovered CommitLog and re-dispatches missing ones — i.e. after recovery a CQ
// holds exactly the durable messages), see store-files.ts.
//
// Simulator storage trick: the message record itself (what the CQ entry points to in
// the CommitLog) is stored next to its CQ entry, column-wise in typed-array chunks of
// 1024 entries, so that one slow queue pins only its own memory. The CommitLog
// (commit-log.ts) keeps just the global order. Per entry: 4 float64 (phy, tagsCode,
// bornUs, storeUs) + 9 int32 (size, bodySize, tag, reconsumeTimes, producer group,
// msgId as 4 words) = 68 bytes; keys / props go to sparse side arrays allocated only
// for chunks that have some.
// msgId: by default (`pack`) parsed into the 4 words (16 B, no string kept; ~0.1 µs per
// put and per read), ids that are not 32 upper-case hex digits staying strings in a
// side array. Without `pack` the producer's string is referenced while the entry is held
// (no parsing, but ~100 B of string per held entry and more GC work: slower overall in
// test/bench/store-bench.mjs).
//
// Offsets: `nextOffset` is assigned at append (CommitLog's topicQueueTable);
// `maxOffset` is what is dispatched (visible to getMessage); `minOffset` the first
// entry still held (older chunks are dropped by retention, store-files.ts).
// Offsets must stay below 2^32 (chunk index uses >>>).

import { packMsgId, unpackMsgId, type Interner } from "./msg-codec.js";
import type { PutRequest, StoredMessage } from "./types.js";

export const CQ_CHUNK_BITS = 10;
export const CQ_CHUNK = 1 << CQ_CHUNK_BITS;
const MASK = CQ_CHUNK - 1;
const F = 4; // float64 stride: phy, tagsCode, bornUs, storeUs
const N = 9; // int32 stride: size, bodySize, tagIdx, reconsumeTimes, groupIdx, id0..id3

export class CqChunk {
  readonly f = new Float64Array(CQ_CHUNK * F);
  readonly n = new Int32Array(CQ_CHUNK * N);
  keys: (string | undefined)[] | null = null;
  props: (Record<string, string> | undefined)[] | null = null;
  /** msgId strings (all of them unless packed; else only those that cannot be packed). */
  ids: (string | undefined)[] | null = null;
}

export class ConsumeQueue {
  minOffset = 0;
  maxOffset = 0;
  nextOffset = 0;
  readonly topicLen: number;
  /** Chunk k (entries k*1024…) is chunks[k - chunkBase]; dropped chunks are null. */
  private chunkBase = 0;
  private chunks: (CqChunk | null)[] = [];
  // Hot-path cache: the last tag seen on this queue.
  lastTag: string | undefined = undefined;
  lastTagIdx = -1;

  constructor(readonly id: number, readonly topic: string, readonly queueId: number) {
    this.topicLen = topic.length;
  }

  chunkOf(off: number): CqChunk {
    return this.chunks[(off >>> CQ_CHUNK_BITS) - this.chunkBase]!;
  }

  /** Append a record at `nextOffset`; returns its queue offset. */
  append(req: PutRequest, phy: number, size: number, tagIdx: number, tagsCode: number, groupIdx: number,
    storeUs: number, pack: boolean): number {
    const off = this.nextOffset++;
    const k = (off >>> CQ_CHUNK_BITS) - this.chunkBase;
    let c = this.chunks[k];
    if (c === undefined || c === null) { c = new CqChunk(); this.chunks[k] = c; }
    const i = off & MASK;
    const f = c.f, fi = i * F;
    f[fi] = phy; f[fi + 1] = tagsCode; f[fi + 2] = req.bornUs; f[fi + 3] = storeUs;
    const n = c.n, ni = i * N;
    n[ni] = size; n[ni + 1] = req.bodySize; n[ni + 2] = tagIdx; n[ni + 3] = req.reconsumeTimes ?? 0; n[ni + 4] = groupIdx;
    if (!pack || !packMsgId(req.msgId, n, ni + 5)) (c.ids ??= new Array(CQ_CHUNK))[i] = req.msgId;
    else if (c.ids !== null) c.ids[i] = undefined;
    if (req.keys) (c.keys ??= new Array(CQ_CHUNK))[i] = req.keys;
    else if (c.keys !== null) c.keys[i] = undefined;
    if (req.props) (c.props ??= new Array(CQ_CHUNK))[i] = req.props;
    else if (c.props !== null) c.props[i] = undefined;
    return off;
  }

  phyAt(off: number): number {
    return this.chunkOf(off).f[(off & MASK) * F];
  }

  sizeAt(off: number): number {
    return this.chunkOf(off).n[(off & MASK) * N];
  }

  tagsCodeAt(off: number): number {
    return this.chunkOf(off).f[(off & MASK) * F + 1];
  }

  keysAt(off: number): string | undefined {
    const k = this.chunkOf(off).keys;
    return k === null ? undefined : k[off & MASK];
  }

  /** A fresh message object for entry `off` (which must be held). */
  read(off: number, tags: Interner, groups: Interner): StoredMessage {
    const c = this.chunkOf(off), i = off & MASK;
    const f = c.f, fi = i * F, n = c.n, ni = i * N;
    const id = c.ids === null ? undefined : c.ids[i];
    const m: StoredMessage = {
      topic: this.topic, queueId: this.queueId,
      msgId: id ?? unpackMsgId(n, ni + 5),
      queueOffset: off, commitLogOffset: f[fi], storeSize: n[ni],
      tags: tags.get(n[ni + 2]), tagsCode: f[fi + 1],
      keys: c.keys === null ? undefined : c.keys[i],
      bornUs: f[fi + 2], storeUs: f[fi + 3], bodySize: n[ni + 1], reconsumeTimes: n[ni + 3],
      producerGroup: groups.get(n[ni + 4]),
    };
    const p = c.props === null ? undefined : c.props[i];
    if (p !== undefined) m.props = p;
    return m;
  }

  /** Whether `off` is held in memory (between min and next). */
  holds(off: number): boolean {
    return off >= this.minOffset && off < this.nextOffset;
  }

  /** An empty queue starts at `offset` (a slave that begins replicating mid-log). */
  startAt(offset: number): void {
    this.minOffset = this.maxOffset = this.nextOffset = offset;
    this.chunks = [];
    this.chunkBase = offset >>> CQ_CHUNK_BITS;
  }

  /** The first offset whose entry lies at or past physical offset `phy` (entries are in phy order). */
  offsetAtPhy(phy: number): number {
    let lo = this.minOffset, hi = this.nextOffset;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.phyAt(mid) < phy) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Drop whole chunks entirely below `offset` (and dispatched). Returns the entries dropped. */
  evictBelow(offset: number): number {
    const limit = Math.min(offset, this.maxOffset);
    const before = this.minOffset;
    let k = this.minOffset >>> CQ_CHUNK_BITS;
    while ((k + 1) * CQ_CHUNK <= limit) {
      this.chunks[k - this.chunkBase] = null;
      k++;
      this.minOffset = k * CQ_CHUNK;
    }
    // Compact the chunk list once its dropped prefix is long.
    const dead = k - this.chunkBase;
    if (dead >= 64) { this.chunks.splice(0, dead); this.chunkBase = k; }
    return this.minOffset - before;
  }

  /** Power loss: forget entries from `offset` on (they were never durable). */
  truncateTo(offset: number): void {
    if (offset >= this.nextOffset) return;
    this.nextOffset = offset;
    if (this.maxOffset > offset) this.maxOffset = offset;
    if (this.minOffset > offset) {
      // Retention had already dropped entries now lost: the queue restarts empty at `offset`.
      this.minOffset = offset;
      this.chunks = [];
      this.chunkBase = offset >>> CQ_CHUNK_BITS;
      return;
    }
    const keep = ((offset + MASK) >>> CQ_CHUNK_BITS) - this.chunkBase; // chunks still holding entries
    if (this.chunks.length > keep) this.chunks.length = keep;
  }

  /** Chunks currently allocated (memory accounting). */
  get liveChunks(): number {
    let n = 0;
    for (const c of this.chunks) if (c) n++;
    return n;
  }
}

/** topic → queueId → ConsumeQueue (DefaultMessageStore#consumeQueueTable), plus an id index. */
export class CqTable {
  readonly byId: ConsumeQueue[] = [];
  private topics = new Map<string, ConsumeQueue[]>();
  private lastTopic: string | null = null;
  private lastQueues: ConsumeQueue[] = [];

  private queuesOf(topic: string, create: boolean): ConsumeQueue[] | undefined {
    if (topic === this.lastTopic) return this.lastQueues;
    let qs = this.topics.get(topic);
    if (!qs) {
      if (!create) return undefined;
      qs = [];
      this.topics.set(topic, qs);
    }
    this.lastTopic = topic;
    this.lastQueues = qs;
    return qs;
  }

  /** The queues of a topic (sparse by queueId). */
  ofTopic(topic: string): readonly (ConsumeQueue | undefined)[] {
    return this.queuesOf(topic, false) ?? [];
  }

  get(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.queuesOf(topic, false)?.[queueId];
  }

  getOrCreate(topic: string, queueId: number): ConsumeQueue {
    const qs = this.queuesOf(topic, true)!;
    let q = qs[queueId];
    if (q === undefined) {
      q = new ConsumeQueue(this.byId.length, topic, queueId);
      this.byId.push(q);
      qs[queueId] = q;
    }
    return q;
  }
}

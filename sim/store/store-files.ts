// What a broker's store keeps on its node's disk (`node.disk.get("store")`): the
// CommitLog, the ConsumeQueues, the key index and the string tables they use.
//
// Fault model:
// - process crash: nothing here is lost — the OS page cache outlives the process;
//   a restarted store recovers everything appended (recoverAbnormally finds it all).
// - power loss (onPowerLoss): everything not fsynced is gone. The CommitLog is cut
//   back to its flushed offset and each ConsumeQueue to the entries that point below it
//   (ST/CommitLog#recoverAbnormally + DefaultMessageStore#recover /
//   truncateDirtyLogicFiles: CQs end up consistent with the recovered CommitLog).
//   Queue offsets are reused from the cut on, as RocketMQ's topicQueueTable is rebuilt
//   from the CQs.
// - retention (deliberate simplification): RocketMQ deletes CommitLog files older than
//   fileReservedTime (72 h) and then the CQ entries pointing into them
//   (CleanCommitLogService, CleanConsumeQueueService). To keep memory bounded the
//   simulator instead drops, per queue, whole 1024-entry chunks more than
//   `retainPerQueue` (default 10 000) messages behind the slowest known consumer
//   offset of that queue (or behind the queue's max offset when no consumer is known).
//   getMessage below the new min offset answers
//   OFFSET_TOO_SMALL, as after a file deletion. The CommitLog's order index is
//   released below min(dispatched, flushed, count − commitLogRetain). Neither goes past the
//   offset a connected slave still needs (replicaFloor, from the HA service), so a slave
//   catching up finds its records; a slave that stays away longer than retention cannot.

import type { Node } from "../core/node.js";
import { CommitLog } from "./commit-log.js";
import { CqTable } from "./consume-queue.js";
import { diskOf } from "./disk.js";
import { KeyIndex } from "./key-index.js";
import { Interner } from "./msg-codec.js";
import type { StoredMessage } from "./types.js";

export const STORE_KEY = "store";

/** Returns the lowest offset some reader of (topic, queueId) still needs, or undefined if none is known. */
export type MinOffsetFn = (topic: string, queueId: number) => number | undefined;

export interface RetentionOptions {
  /** Messages kept per queue behind the slowest known reader. Default 10 000. */
  retainPerQueue?: number;
  /** CommitLog order entries kept behind the head (for replication reads). Default 65 536. */
  commitLogRetain?: number;
  /** Physical offset a connected slave still needs (HA): nothing at or past it is dropped. */
  replicaFloor?: number;
}

export class StoreFiles {
  readonly log = new CommitLog();
  readonly cqs = new CqTable();
  readonly tags = new Interner();
  readonly groups = new Interner();
  index: KeyIndex | null = null;
  /** Counters (tests, displays). */
  evictedEntries = 0;
  powerLosses = 0;
  lostMessages = 0;

  /** Power loss: cut to the durable prefix. */
  truncateToFlushed(): void {
    const byId = this.cqs.byId;
    const before = this.log.count;
    this.log.truncateTo(this.log.flushedPos, (cqId, qoff) => byId[cqId].truncateTo(qoff));
    this.lostMessages += before - this.log.count;
    this.powerLosses++;
  }

  /**
   * failover: controller: a slave whose log diverged from its new master's cuts it back to
   * `offset` (AutoSwitchHAClient#doTruncate -> DefaultMessageStore#truncateFiles: CommitLog
   * and ConsumeQueues). Returns the messages removed.
   */
  truncateTo(offset: number): number {
    const byId = this.cqs.byId;
    const before = this.log.count;
    this.log.truncateTo(offset, (cqId, qoff) => byId[cqId].truncateTo(qoff));
    if (this.log.flushedPos > this.log.writePos) this.log.flushedPos = this.log.writePos;
    return before - this.log.count;
  }

  /** One retention pass over every queue. Returns the CQ entries dropped. */
  retain(minOffset: MinOffsetFn, opts: RetentionOptions = {}): number {
    const per = opts.retainPerQueue ?? 10_000;
    const log = this.log;
    const repl = opts.replicaFloor !== undefined && opts.replicaFloor < log.writePos ? opts.replicaFloor : undefined;
    let dropped = 0;
    for (const cq of this.cqs.byId) {
      if (cq.maxOffset - cq.minOffset <= per) continue;
      const need = minOffset(cq.topic, cq.queueId);
      let floor = Math.min(need ?? cq.maxOffset, cq.maxOffset) - per;
      if (repl !== undefined && floor > cq.minOffset) floor = Math.min(floor, cq.offsetAtPhy(repl));
      if (floor > cq.minOffset) dropped += cq.evictBelow(floor);
    }
    this.evictedEntries += dropped;
    const keep = Math.max(0, log.count - (opts.commitLogRetain ?? 65_536));
    let below = Math.min(log.dispatched, log.flushedIdx, keep);
    if (repl !== undefined) below = Math.min(below, log.indexAtOrAfter(repl));
    log.releaseBelow(below);
    return dropped;
  }

  /** Drop one queue's entries below `offset` (whole chunks). */
  evictBelow(topic: string, queueId: number, offset: number): number {
    const cq = this.cqs.get(topic, queueId);
    if (!cq) return 0;
    const n = cq.evictBelow(offset);
    this.evictedEntries += n;
    return n;
  }

  /** Messages whose KEYS contain `key`: from the index if built, else by scanning the held entries. */
  queryByKey(topic: string, key: string, max: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    if (this.index !== null) {
      for (const h of this.index.query(topic, key, max)) {
        const cq = this.cqs.byId[h.cqId];
        if (h.queueOffset >= cq.minOffset && h.queueOffset < cq.maxOffset) out.push(cq.read(h.queueOffset, this.tags, this.groups));
      }
      return out;
    }
    for (const cq of this.cqs.ofTopic(topic)) {
      if (cq === undefined) continue;
      for (let o = cq.maxOffset - 1; o >= cq.minOffset; o--) {
        const k = cq.keysAt(o);
        if (k !== undefined && (k === key || k.split(" ").includes(key))) out.push(cq.read(o, this.tags, this.groups));
      }
    }
    return out.sort((a, b) => b.commitLogOffset - a.commitLogOffset).slice(0, max);
  }

  /** Memory accounting. */
  stats(): StoreStats {
    let cqChunks = 0, cqHeld = 0;
    for (const cq of this.cqs.byId) { cqChunks += cq.liveChunks; cqHeld += cq.nextOffset - cq.minOffset; }
    const log = this.log;
    return {
      messages: log.count, writePos: log.writePos, flushedPos: log.flushedPos, dispatched: log.dispatched,
      queues: this.cqs.byId.length, cqChunks, cqEntriesHeld: cqHeld, logChunks: log.liveChunks,
      logEntriesHeld: log.heldMessages, evictedEntries: this.evictedEntries, indexEntries: this.index?.size ?? 0,
      tags: this.tags.list.length, lostMessages: this.lostMessages,
      // 68 B per CQ slot (consume-queue.ts) and 20 B per order slot (commit-log.ts);
      // msgId strings, keys and props referenced by held entries come on top.
      approxBytes: cqChunks * 1024 * 68 + log.liveChunks * 8192 * 20,
    };
  }
}

export interface StoreStats {
  messages: number;
  writePos: number;
  flushedPos: number;
  dispatched: number;
  queues: number;
  cqChunks: number;
  cqEntriesHeld: number;
  logChunks: number;
  logEntriesHeld: number;
  evictedEntries: number;
  indexEntries: number;
  tags: number;
  lostMessages: number;
  approxBytes: number;
}

/** The node's store files, created on first use. */
export function storeFilesOf(node: Node): StoreFiles {
  let f = node.disk.get(STORE_KEY) as StoreFiles | undefined;
  if (!f) { f = new StoreFiles(); node.disk.set(STORE_KEY, f); }
  return f;
}

/**
 * The fault layer calls this when `node` loses power (after node.kill("power-off")):
 * in-flight fsyncs never land and everything not yet durable is dropped.
 */
export function onPowerLoss(node: Node): void {
  diskOf(node).powerLoss();
  const f = node.disk.get(STORE_KEY) as StoreFiles | undefined;
  if (f) f.truncateToFlushed();
}

// A consumer's cache of pulled, not yet consumed messages for one queue
// (client/impl/consumer/ProcessQueue). The committed offset is the smallest
// offset still in flight (or the highest cached + 1 when empty), so a consumer
// never commits past a message it has not finished — at-least-once delivery,
// and duplicates after a rebalance or crash, as in RocketMQ.

import type { StoredMessage } from "../broker/store-port.js";
import type { MessageQueue } from "./message-queue.js";

export class ProcessQueue {
  /** In offset order: pulls return increasing offsets, and Map keeps insertion order. */
  private readonly cached = new Map<number, StoredMessage>();
  private maxOffset = -1;
  dropped = false;
  nextOffset: number;
  lastPullUs = 0;
  // ---- orderly consumption (ConsumeMessageOrderlyService; ProcessQueue's lock fields) ----
  /** Holds the broker's lock for this queue, as of the last lock answer. */
  locked = false;
  /** When that lock was last granted (REBALANCE_LOCK_MAX_LIVE_TIME = 30 s on the client). */
  lastLockUs = 0;
  /** PullRequest.previouslyLocked: the first pull after locking re-reads the offset. */
  previouslyLocked = false;
  /** A consume request is running or queued for this queue (putMessage's dispatchToConsume). */
  consuming = false;
  /** Taken for consumption, not committed yet (consumingMsgOrderlyTreeMap), in offset order. */
  private taken: StoredMessage[] | null = null;

  constructor(readonly mq: MessageQueue, nextOffset: number) {
    this.nextOffset = nextOffset;
  }

  get msgCount(): number {
    return this.taken === null ? this.cached.size : this.cached.size + this.taken.length;
  }

  /** Offsets spanned by the cache (consumeConcurrentlyMaxSpan flow control). */
  get maxSpan(): number {
    if (this.cached.size === 0) return 0;
    return this.maxOffset - this.cached.keys().next().value!;
  }

  put(msgs: StoredMessage[]): void {
    for (const m of msgs) {
      this.cached.set(m.queueOffset, m);
      if (m.queueOffset > this.maxOffset) this.maxOffset = m.queueOffset;
    }
  }

  /** removeMessage: returns the offset to commit, or -1 if nothing was cached. */
  remove(offset: number): number {
    if (!this.cached.delete(offset) && this.maxOffset < 0) return -1;
    if (this.cached.size === 0) return this.maxOffset + 1;
    return this.cached.keys().next().value!;
  }

  /** removeMessage(msgs) for one listener call: msgs[from, from + count) out, then one offset to commit. */
  removeAll(msgs: readonly StoredMessage[], from: number, count: number): number {
    if (count === 1) return this.remove(msgs[from].queueOffset);
    if (this.maxOffset < 0) return -1;
    for (let i = from; i < from + count; i++) this.cached.delete(msgs[i].queueOffset);
    if (this.cached.size === 0) return this.maxOffset + 1;
    return this.cached.keys().next().value!;
  }

  // ---- orderly ----

  /**
   * takeMessages(batchSize): up to `batchSize` messages from the head of the cache, held aside
   * until commit(). Messages given back by again() are the smallest offsets, so they come first
   * (RocketMQ puts them back into msgTreeMap), topped up from the cache.
   */
  take(batchSize: number): StoredMessage[] | null {
    const out = this.taken ?? [];
    const given = out.length; // already out of the cache
    for (const m of this.cached.values()) {
      if (out.length >= batchSize) break;
      out.push(m);
    }
    if (out.length === 0) return null;
    for (let i = given; i < out.length; i++) this.cached.delete(out[i].queueOffset);
    this.taken = out;
    return out;
  }

  /** commit(): the offset after the last consumed message (-1 when none). */
  commit(): number {
    const t = this.taken;
    this.taken = null;
    return t ? t[t.length - 1].queueOffset + 1 : -1;
  }

  /** makeMessageToConsumeAgain: the taken messages are consumed again (copies with reconsumeTimes + 1). */
  again(): void {
    if (this.taken) this.taken = this.taken.map((m) => ({ ...m, reconsumeTimes: m.reconsumeTimes + 1 }));
  }

  /** hasTempMessage: cached messages not consumed yet. */
  get hasTemp(): boolean {
    return this.cached.size > 0;
  }
}

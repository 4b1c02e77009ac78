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

  constructor(readonly mq: MessageQueue, nextOffset: number) {
    this.nextOffset = nextOffset;
  }

  get msgCount(): number {
    return this.cached.size;
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
}

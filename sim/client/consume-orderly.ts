// ConsumeMessageOrderlyService (4.9.8 client/impl/consumer/): one queue consumed by
// one thread at a time, in offset order, up to consumeMessageBatchMaxSize messages per
// listener call (ConsumeRequest#run: processQueue.takeMessages(consumeBatchSize)). A consume
// request for a queue is queued when messages arrive and none is pending
// (ProcessQueue#putMessage's dispatchToConsume); on a pool thread it loops over the
// queue's messages while the queue holds its broker lock (clustering): not locked,
// or the lock older than 30 s → try to lock again after 100 ms (10 ms inside the loop)
// and retry the request 10 ms after a success or 3 s after a failure
// (tryLockLaterAndReconsume); after 60 s of continuous consumption it yields 10 ms
// (MAX_TIME_CONSUME_CONTINUOUSLY). SUCCESS commits (the offset after the call's last
// message, ProcessQueue#commit); SUSPEND_CURRENT_QUEUE_A_MOMENT puts the whole call's
// messages back (makeMessageToConsumeAgain) and retries the queue after
// suspendCurrentQueueTimeMillis (1 s), forever (maxReconsumeTimes is
// Integer.MAX_VALUE for orderly listeners).

import type { Node } from "../core/node.js";
import type { StoredMessage } from "../broker/store-port.js";
import type { ProcessQueue } from "./process-queue.js";

const LOCK_MAX_LIVE_US = 30_000_000; // ProcessQueue.REBALANCE_LOCK_MAX_LIVE_TIME
const MAX_CONTINUOUS_US = 60_000_000; // MAX_TIME_CONSUME_CONTINUOUSLY
const SUSPEND_US = 1_000_000; // suspendCurrentQueueTimeMillis

export interface OrderlyHost {
  node: Node;
  threads: number;
  clustering: boolean;
  /** consumeMessageBatchMaxSize: messages per listener call. */
  batchSize: number;
  /** The listener's time for one message; a call takes one draw per message, summed. */
  consumeTimeUs(): number;
  /** The listener's answer for one call: true = SUCCESS, false = SUSPEND_CURRENT_QUEUE_A_MOMENT. */
  listen(): boolean;
  /** A message of a listener call of `count` messages starts. */
  onStart(pq: ProcessQueue, msg: StoredMessage, count: number): void;
  /** updateOffset(mq, offset, increaseOnly = false), unless the queue was dropped. */
  commit(pq: ProcessQueue, offset: number): void;
  /** lockOneMQ: LOCK_BATCH_MQ for this queue at its master. */
  lockOne(pq: ProcessQueue, done: (ok: boolean) => void): void;
}

export class ConsumeOrderlyService {
  private busy = 0;
  private readonly ready: ProcessQueue[] = [];
  private head = 0;

  constructor(private readonly h: OrderlyHost) {}

  /** Pulled messages are in the queue's cache: start a consume request unless one is pending. */
  submit(pq: ProcessQueue): void {
    if (pq.consuming) return;
    pq.consuming = true;
    this.enqueue(pq);
  }

  isLockedNow(pq: ProcessQueue): boolean {
    return !this.h.clustering || (pq.locked && this.h.node.engine.nowUs - pq.lastLockUs <= LOCK_MAX_LIVE_US);
  }

  private enqueue(pq: ProcessQueue): void {
    this.ready.push(pq);
    this.drain();
  }

  /** submitConsumeRequestLater. */
  private later(pq: ProcessQueue, delayUs: number): void {
    this.h.node.after(delayUs, () => this.enqueue(pq));
  }

  private tryLockLater(pq: ProcessQueue, delayUs: number): void {
    this.h.node.after(delayUs, () => this.h.lockOne(pq, (ok) => this.later(pq, ok ? 10_000 : 3_000_000)));
  }

  private drain(): void {
    while (this.busy < this.h.threads && this.head < this.ready.length) {
      const pq = this.ready[this.head++];
      if (this.head > 1024 && this.head * 2 > this.ready.length) { this.ready.splice(0, this.head); this.head = 0; }
      this.run(pq);
    }
  }

  /** ConsumeRequest#run on a pool thread. */
  private run(pq: ProcessQueue): void {
    if (pq.dropped) { pq.consuming = false; return; }
    if (!this.isLockedNow(pq)) { this.tryLockLater(pq, 100_000); return; }
    this.busy++;
    this.loop(pq, this.h.node.engine.nowUs);
  }

  private loop(pq: ProcessQueue, beginUs: number): void {
    const end = (): void => { this.busy--; this.drain(); };
    if (pq.dropped) { pq.consuming = false; end(); return; }
    if (!this.isLockedNow(pq)) { this.tryLockLater(pq, 10_000); end(); return; }
    if (this.h.node.engine.nowUs - beginUs > MAX_CONTINUOUS_US) { this.later(pq, 10_000); end(); return; }
    const msgs = pq.take(this.h.batchSize);
    if (msgs === null) { pq.consuming = false; end(); return; } // takeMessages found nothing: consuming = false
    let us = 0;
    for (const m of msgs) { this.h.onStart(pq, m, msgs.length); us += this.h.consumeTimeUs(); }
    this.h.node.after(us, () => {
      if (this.h.listen()) {
        this.h.commit(pq, pq.commit());
        this.loop(pq, beginUs);
        return;
      }
      pq.again(); // makeMessageToConsumeAgain; the queue waits
      this.later(pq, SUSPEND_US);
      end();
    });
  }
}

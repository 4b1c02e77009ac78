// ConsumeMessageConcurrentlyService: up to consumeThreadMax messages in the
// listener at once (consumeMessageBatchMaxSize = 1), each taking `consumeTime`;
// waiting requests queue in order. The listener's answer (CONSUME_SUCCESS, or
// RECONSUME_LATER with probability consumeFailRate) goes to processConsumeResult,
// which runs on the same consume thread: a send-back holds the thread until it
// finishes, so `onDone` gets a `release` to call when the thread is free again.

import type { Node } from "../core/node.js";
import type { StoredMessage } from "../broker/store-port.js";
import type { ProcessQueue } from "./process-queue.js";

export type ConsumeDone = (pq: ProcessQueue, msg: StoredMessage, ok: boolean, release: () => void) => void;

export class ConsumeService {
  private busy = 0;
  // Waiting requests as two parallel queues (no object per message), consumed from `head`.
  private readonly queuePq: ProcessQueue[] = [];
  private readonly queueMsg: StoredMessage[] = [];
  private head = 0;

  constructor(private readonly node: Node, private readonly threads: number,
              private readonly consumeTimeUs: () => number,
              /** The listener's answer for one delivery: true = CONSUME_SUCCESS. */
              private readonly listen: (msg: StoredMessage) => boolean,
              private readonly onStart: (pq: ProcessQueue, msg: StoredMessage) => void,
              private readonly onDone: ConsumeDone) {}

  submit(pq: ProcessQueue, msgs: StoredMessage[]): void {
    for (const msg of msgs) { this.queuePq.push(pq); this.queueMsg.push(msg); }
    this.drain();
  }

  /** submitConsumeRequestLater: the same message again after `delayUs` (a failed send-back). */
  submitLater(pq: ProcessQueue, msg: StoredMessage, delayUs: number): void {
    this.node.after(delayUs, () => this.submit(pq, [msg]));
  }

  private readonly release = (): void => {
    this.busy--;
    this.drain();
  };

  private drain(): void {
    const pqs = this.queuePq, msgs = this.queueMsg;
    while (this.busy < this.threads && this.head < pqs.length) {
      const pq = pqs[this.head], msg = msgs[this.head];
      this.head++;
      if (this.head > 1024 && this.head * 2 > pqs.length) { pqs.splice(0, this.head); msgs.splice(0, this.head); this.head = 0; }
      if (pq.dropped) continue; // the queue was rebalanced away: RocketMQ skips it too
      this.busy++;
      this.onStart(pq, msg);
      this.node.after(this.consumeTimeUs(), () => this.onDone(pq, msg, this.listen(msg), this.release));
    }
  }
}

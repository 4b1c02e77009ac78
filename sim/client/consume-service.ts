// ConsumeMessageConcurrentlyService: up to consumeThreadMax listener calls at once,
// waiting requests queued in order. submitConsumeRequest splits each pulled list into
// chunks of consumeMessageBatchMaxSize (default 1) — one ConsumeRequest, one listener
// call, per chunk. ConsumeRequest#run hands the chunk to the listener, which takes
// `consumeTime` per message: a chunk takes the sum of one draw per message (the
// listener walks its list; the key's own definition is per message, so a chunk of 1
// is exactly the old model). The listener's answer is one per call (CONSUME_SUCCESS,
// or RECONSUME_LATER with probability consumeFailRate) and goes to
// processConsumeResult, which runs on the same consume thread: send-backs hold the
// thread until they finish, so `onDone` gets a `release` to call when it is free.
//
// One engine event per listener call: a chunk is (list, from, count) into the pulled
// list, kept in parallel queues — no object or closure per message.

import type { Node } from "../core/node.js";
import type { StoredMessage } from "../broker/store-port.js";
import type { ProcessQueue } from "./process-queue.js";

/** A listener call's result for msgs[from, from + count): ok = CONSUME_SUCCESS. */
export type ConsumeDone = (pq: ProcessQueue, msgs: readonly StoredMessage[], from: number, count: number,
  ok: boolean, release: () => void) => void;

export class ConsumeService {
  private busy = 0;
  // Waiting requests as parallel queues (no object per request), consumed from `head`.
  private readonly queuePq: ProcessQueue[] = [];
  private readonly queueList: (readonly StoredMessage[])[] = [];
  private readonly queueFrom: number[] = [];
  private readonly queueCount: number[] = [];
  private head = 0;

  constructor(private readonly node: Node, private readonly threads: number,
              /** consumeMessageBatchMaxSize. */
              private readonly batchSize: number,
              /** The listener's time for one message, µs. */
              private readonly consumeTimeUs: () => number,
              /** The listener's answer for one call: true = CONSUME_SUCCESS. */
              private readonly listen: () => boolean,
              private readonly onStart: (pq: ProcessQueue, msg: StoredMessage, count: number) => void,
              private readonly onDone: ConsumeDone) {}

  /** submitConsumeRequest: the list in chunks of at most batchSize. */
  submit(pq: ProcessQueue, msgs: readonly StoredMessage[]): void {
    const n = this.batchSize;
    for (let i = 0; i < msgs.length; i += n) {
      this.queuePq.push(pq); this.queueList.push(msgs); this.queueFrom.push(i); this.queueCount.push(Math.min(n, msgs.length - i));
    }
    this.drain();
  }

  /** submitConsumeRequestLater: these messages again after `delayUs` (failed send-backs), chunked anew. */
  submitLater(pq: ProcessQueue, msgs: readonly StoredMessage[], delayUs: number): void {
    this.node.after(delayUs, () => this.submit(pq, msgs));
  }

  private readonly release = (): void => {
    this.busy--;
    this.drain();
  };

  private drain(): void {
    const pqs = this.queuePq, lists = this.queueList, froms = this.queueFrom, counts = this.queueCount;
    while (this.busy < this.threads && this.head < pqs.length) {
      const pq = pqs[this.head], list = lists[this.head], from = froms[this.head], count = counts[this.head];
      this.head++;
      if (this.head > 1024 && this.head * 2 > pqs.length) {
        pqs.splice(0, this.head); lists.splice(0, this.head); froms.splice(0, this.head); counts.splice(0, this.head); this.head = 0;
      }
      if (pq.dropped) continue; // ConsumeRequest#run: the queue was rebalanced away, the request is skipped
      this.busy++;
      let us = 0;
      for (let i = from; i < from + count; i++) { this.onStart(pq, list[i], count); us += this.consumeTimeUs(); }
      this.node.after(us, () => this.onDone(pq, list, from, count, this.listen(), this.release));
    }
  }
}

// ConsumeMessageConcurrentlyService: up to consumeThreadMax messages in the
// listener at once (consumeMessageBatchMaxSize = 1), each taking `consumeTime`;
// waiting requests queue in order. Success commits via the process queue. The
// listener always answers CONSUME_SUCCESS (retries through %RETRY% topics are not
// modelled yet).

import type { Node } from "../core/node.js";
import type { StoredMessage } from "../broker/store-port.js";
import type { ProcessQueue } from "./process-queue.js";

interface Work { pq: ProcessQueue; msg: StoredMessage }

export class ConsumeService {
  private busy = 0;
  private readonly queue: Work[] = [];
  private head = 0;

  constructor(private readonly node: Node, private readonly threads: number,
              private readonly consumeTimeUs: () => number,
              private readonly onStart: (pq: ProcessQueue, msg: StoredMessage) => void,
              private readonly onDone: (pq: ProcessQueue, msg: StoredMessage) => void) {}

  submit(pq: ProcessQueue, msgs: StoredMessage[]): void {
    for (const msg of msgs) this.queue.push({ pq, msg });
    this.drain();
  }

  private drain(): void {
    while (this.busy < this.threads && this.head < this.queue.length) {
      const w = this.queue[this.head++];
      if (this.head > 1024 && this.head * 2 > this.queue.length) { this.queue.splice(0, this.head); this.head = 0; }
      if (w.pq.dropped) continue; // the queue was rebalanced away: RocketMQ skips it too
      this.busy++;
      this.onStart(w.pq, w.msg);
      this.node.after(this.consumeTimeUs(), () => {
        this.busy--;
        this.onDone(w.pq, w.msg);
        this.drain();
      });
    }
  }
}

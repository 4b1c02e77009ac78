// Batch sends (DefaultMQProducer#send(Collection), SEND_BATCH_MESSAGE): what the trace
// says about batches as wholes. The message checks themselves (lost, duplicates,
// latency) count every inner message on its own and need nothing from here.
//
// - batchesSent: `send` events that open a batch (batchIndex 0);
// - batchesStored: puts of a batch on a broker (a retried batch is stored twice);
// - batchesSplit: stored batches whose inner messages are not all in ONE queue at
//   consecutive queue offsets and consecutive CommitLog records (RocketMQ appends a
//   batch as one block: CommitLog#asyncPutMessages). Must be 0.
// A batch's `store` events are emitted together by the broker, nothing in between.
//
// Memory: one open batch per broker node.

import type { TraceEvent } from "../trace/schema.js";

type Ev<T extends TraceEvent["type"]> = Extract<TraceEvent, { type: T }>;

interface OpenBatch { size: number; seen: number; topic: string; queueId: number; nextOffset: number; lastPhy: number; split: boolean }

export class BatchTracker {
  sent = 0;
  stored = 0;
  split = 0;
  private readonly open = new Map<string, OpenBatch>(); // broker node -> the batch being stored

  onSend(e: Ev<"send">): void {
    if (e.batchIndex === 0) this.sent++;
  }

  onStore(e: Ev<"store">): void {
    if (e.batch === undefined) return;
    let b = this.open.get(e.node);
    if (b === undefined || b.seen >= b.size) {
      b = { size: e.batch, seen: 0, topic: e.topic, queueId: e.queueId, nextOffset: e.queueOffset, lastPhy: -1, split: false };
      this.open.set(e.node, b);
      this.stored++;
    }
    if (e.topic !== b.topic || e.queueId !== b.queueId || e.queueOffset !== b.nextOffset || e.commitLogOffset <= b.lastPhy || e.batch !== b.size) {
      if (!b.split) this.split++;
      b.split = true;
    }
    b.seen++;
    b.nextOffset = e.queueOffset + 1;
    b.lastPhy = e.commitLogOffset;
  }
}

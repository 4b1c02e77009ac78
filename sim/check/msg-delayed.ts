// Delayed messages (a producer's delayLevel). RocketMQ acknowledges them with the
// position of their copy in SCHEDULE_TOPIC_XXXX (SendResult.queueOffset is that
// queue's offset) and stores them at their real position only when the delay ends
// (ScheduleMessageService). So their send.result says nothing about where consumers
// will find them: the checker takes the real position from the `store` event of the
// delivery (topic = the message's own), and a delayed message acknowledged but never
// delivered by the end of the run counts as lost for every subscribed group.
// Memory: one entry per delayed message between its send and its delivery.

interface Pending { topic: string; acked: boolean; tag: string | undefined }

export class DelayedMessages {
  private readonly pending = new Map<string, Pending>();

  get size(): number { return this.pending.size; }

  onSend(msgId: string, topic: string): void {
    this.pending.set(msgId, { topic, acked: false, tag: undefined });
  }

  has(msgId: string): boolean { return this.pending.has(msgId); }

  /** The send call returned: keep an acknowledged one until its delivery, forget a failed one. */
  onResult(msgId: string, stored: boolean, tag: string | undefined): void {
    const p = this.pending.get(msgId);
    if (!p) return;
    if (!stored) { this.pending.delete(msgId); return; }
    p.acked = true;
    p.tag = tag;
  }

  /** A `store` event: the delivery of an acknowledged delayed message to its real topic, if it is one. */
  onStore(msgId: string, topic: string): Pending | undefined {
    const p = this.pending.get(msgId);
    if (!p || !p.acked || p.topic !== topic) return undefined;
    this.pending.delete(msgId);
    return p;
  }

  /** Acknowledged, never delivered to their topic. */
  *undelivered(): Iterable<Pending> {
    for (const p of this.pending.values()) if (p.acked) yield p;
  }
}

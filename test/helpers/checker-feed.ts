// A synthetic trace feed for MessageChecker tests: consistent msgIds and per-queue offsets.
import { MessageChecker, type Subscription } from "../../sim/check/messages.js";
import type { TraceEvent } from "../../sim/trace/schema.js";
export const MS = 1000;
export const TOPIC = "T";

export interface Msg { msgId: string; brokerName: string; queueId: number; queueOffset: number; bornUs: number }
export interface SendOpts { at: number; tags?: string; broker?: string; queue?: number; status?: string;
  stored?: boolean; attempts?: number; topic?: string;
  /** Store at this offset (a log cut back below it hands it out again); later sends follow it. */
  offset?: number }

/** Emits synthetic events with consistent msgIds and per-queue offsets. */
export class Feed {
  private seq = 0;
  private offsets = new Map<string, number>();
  constructor(readonly c: MessageChecker) {}

  emit(e: Record<string, unknown>): void {
    this.c.observe(e as unknown as TraceEvent);
  }

  nodes(...specs: Record<string, unknown>[]): void {
    for (const s of specs) this.emit({ t: 0, type: "node.add", ip: "10.0.0.1", ...s });
  }

  /** A send and its result `latency` µs later (see `begin`). */
  send(o: SendOpts, latency = 1 * MS): Msg {
    const p = this.begin(o);
    p.land(o.at + latency);
    return p.msg;
  }

  /**
   * A send whose result `land(t)` emits: deliveries can come in between. Stores at the next
   * offset of the queue (or at `offset`) unless the send failed.
   */
  begin(o: SendOpts): { msg: Msg; land: (t: number) => void } {
    const msgId = `m${++this.seq}`;
    const topic = o.topic ?? TOPIC;
    const brokerName = o.broker ?? "broker-a";
    const queueId = o.queue ?? 0;
    this.emit({ t: o.at, node: "producer-0", type: "send", group: "pg", msgId, topic, tags: o.tags, size: 10 });
    const stored = o.stored ?? true;
    const key = `${topic}/${brokerName}/${queueId}`;
    const queueOffset = o.offset ?? this.offsets.get(key) ?? 0;
    if (stored) this.offsets.set(key, queueOffset + 1);
    const land = (t: number) => this.emit({ t, node: "producer-0", type: "send.result", msgId, topic,
      status: o.status ?? "SEND_OK", stored, attempts: o.attempts ?? 1, latencyUs: t - o.at,
      ...(stored ? { brokerName, queueId, queueOffset } : {}) });
    return { msg: { msgId, brokerName, queueId, queueOffset, bornUs: o.at }, land };
  }

  consume(m: Msg, at: number, group = "cg", node = "consumer-0", reconsumeTimes = 0): void {
    this.emit({ t: at, node, type: "consume", group, msgId: m.msgId, topic: TOPIC, brokerName: m.brokerName,
      queueId: m.queueId, queueOffset: m.queueOffset, bornUs: m.bornUs, reconsumeTimes });
  }

  rebalance(at: number, node: string, queues: [string, number][], group = "cg"): void {
    this.emit({ t: at, node, type: "rebalance", group, topic: TOPIC,
      queues: queues.map(([brokerName, queueId]) => ({ brokerName, queueId })) });
  }
}

export function setup(subs: Subscription[] = [{ group: "cg", topic: TOPIC }]): Feed {
  return new Feed(new MessageChecker(subs));
}

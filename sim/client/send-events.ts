// The producer's per-message trace events, `send` and `send.result`, for single and batch
// sends alike. Built key by key (the order a literal would give, so traces are stable):
// no spread or copy on this per-message path.

import type { TraceEvent } from "../trace/schema.js";
import type { Tracer } from "../trace/tracer.js";
import type { Msg } from "./producer.js";
import type { SendOutcome } from "./send-status.js";

/** The application handed `m` to send(); `batch` > 0: it is message `index` of a batch of that size. */
export function emitSend(tracer: Tracer, now: number, node: string, group: string, m: Msg, batch = 0, index = 0): void {
  const ev: Record<string, unknown> = { t: now, type: "send", node, group, msgId: m.msgId, topic: m.topic };
  if (m.tags !== undefined) ev.tags = m.tags;
  if (m.keys !== undefined) ev.keys = m.keys;
  ev.size = m.size;
  if (m.delayLevel !== undefined) ev.delayLevel = m.delayLevel;
  if (batch > 0) { ev.batch = batch; ev.batchIndex = index; }
  tracer.emitEvent(ev as TraceEvent);
}

/** The send call returned `out` for `m`, stored (if it was) at `queueOffset` as `offsetMsgId`. */
export function emitSendResult(tracer: Tracer, now: number, node: string, m: Msg, out: SendOutcome, attempts: number,
  latencyUs: number, queueOffset: number | undefined, offsetMsgId: string | undefined, batch = 0, index = 0): void {
  const ev: Record<string, unknown> = { t: now, type: "send.result", node, msgId: m.msgId, topic: m.topic,
    status: out.status, stored: out.stored };
  if (out.stored) { ev.brokerName = out.brokerName; ev.queueId = out.queueId; ev.queueOffset = queueOffset; ev.offsetMsgId = offsetMsgId; }
  ev.attempts = attempts;
  ev.latencyUs = latencyUs;
  if (batch > 0) { ev.batch = batch; ev.batchIndex = index; }
  tracer.emitEvent(ev as TraceEvent);
}

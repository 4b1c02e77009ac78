// Message-level checks over a run, in the vocabulary of OpenChaos (RocketMQ's
// chaos framework): lost, duplicated and out-of-order messages, end-to-end
// latency, send availability. A trace listener: it sees each event once, in
// order, and keeps memory bounded by topology (queues × groups × consumer nodes)
// and by in-flight messages, not by the number of messages. Three exceptions: a
// tag-filtered group's sets hold one run per gap in its unconsumed backlog when
// tags interleave (they heal as it catches up); resent and failed msgIds sit in a
// table capped at 65 536 entries; and each message acknowledged at a reused
// position (below) is kept with its msgId, so that costs the size of the log
// cut-backs (lost tails, split-brain writes), not the run's length.
//
// Definitions (see the helper files for details):
//  - acknowledged: a `send.result` with stored=true (SEND_OK, FLUSH_DISK_TIMEOUT,
//    FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE: all mean the master stored it).
//  - a message is its position (topic, brokerName, queueId, queueOffset) and its
//    msgId. A position holds one acknowledged message unless the broker group's
//    log was cut back and the offset handed out again (promotion of a shorter
//    slave, power loss, truncation on a leader change, two masters): a second
//    acknowledgment at a position is such a reuse (msg-queue.ts). A delivery at a
//    reused position is the later message whose msgId it carries, else the first.
//    A delivery of a message still in flight (no `send.result` yet) waits for the
//    result to say where, if anywhere, it was acknowledged (msg-ids.ts); one of a
//    failed send never counts for a position. Known blind spot: a delivery whose
//    msgId is not tracked (a oneway send, one evicted from the table, one without
//    a `send` in the trace) at a reused position is taken for the first message.
//    `store` events are not used: one comes only when the put completes, which
//    can be after the delivery (waiting for flush or a slave) or never (the
//    broker died waiting).
//  - lost: an acknowledged message whose tag a subscribed group accepts, never
//    delivered to that group (to every instance, when BROADCASTING) by the end of
//    the run. Failed sends are never lost; an acknowledged message whose offset
//    another one reused still counts (delivered before the reuse, or later from
//    a stale copy, it is not lost).
//  - duplicate: a first delivery (reconsumeTimes 0) of a message the group (the
//    instance, when BROADCASTING) already had, or of a second stored copy of a
//    msgId the producer sent in more than one attempt. Delivering a new message at
//    a reused offset is not a duplicate.
//  - order violation: see msg-order.ts.
//  - filter violation: a delivery whose `tags` the group's subscription rejects.
//  Deliveries with reconsumeTimes > 0 are the retry mechanism at work: counted
//  (`redelivered`), not checked.

import { BatchTracker } from "./msg-batches.js";
import type { TraceEvent } from "../trace/schema.js";
import { DLQ_PREFIX, RETRY_PREFIX } from "../remoting/topics.js";
import { GroupState, type GroupSummary, type Subscription } from "./msg-groups.js";
import { LatencyHistogram, type LatencySummaryMs, ms3 } from "./msg-histogram.js";
import { DelayedMessages } from "./msg-delayed.js";
import { MessageIds } from "./msg-ids.js";
import { QueueState } from "./msg-queue.js";
import { OrderTracker, QueueKeys } from "./msg-order.js";
import { type RecoveryRow, SendAvailability } from "./msg-outage.js";

export type { Subscription, GroupSummary } from "./msg-groups.js";
export type { RecoveryRow } from "./msg-outage.js";
export { checkMetric } from "./msg-metric.js";

type Ev<T extends TraceEvent["type"]> = Extract<TraceEvent, { type: T }>;

export interface MessageSummary {
  sent: number;
  acknowledged: number;
  consumed: number;
  lost: number;
  duplicates: number;
  orderViolations: number;
  e2eLatencyMs: LatencySummaryMs;
  /** stored=false results by status / error name. */
  sendFailures: Record<string, number>;
  /** stored=true results whose status is not SEND_OK, by status (already in `acknowledged`). */
  storedNotOk: Record<string, number>;
  longestSendOutageMs: number;
  sendOutageWindowMs: [number, number] | null;
  byGroup: Record<string, GroupSummary>;
  recovery: RecoveryRow[];
  redelivered: number;
  /** Failed deliveries of every group, by outcome (retry, dlq, fallback, local, dropped). */
  consumeFailures: Record<string, number>;
  /** Messages stored in a %DLQ% topic (by either send-back path). */
  deadLettered: number;
  resendDuplicates: number;
  filterViolations: number;
  /** Acknowledged without brokerName/queueId/queueOffset: cannot be checked for loss. */
  untrackedAcks: number;
  /** Resent or failed msgIds dropped from the msgId table (cap reached): checked by position only. */
  resendTrackingEvicted: number;
  /** Oneway sends: no answer, so never acknowledged, never failed, never lost. */
  oneway: number;
  /** Batch sends (msg-batches.ts): batches sent, puts of a batch on brokers, stored batches not in one block (must be 0). */
  batchesSent: number;
  batchesStored: number;
  batchesSplit: number;
}

export interface MessageCheckerOptions {
  /** Lag sampling period in virtual µs (default 1 s). */
  sampleUs?: number;
  /** Lag series cap per group (default 2000). */
  maxLagPoints?: number;
}

/** Sizes of the internal structures, to show memory does not grow with messages. */
export interface MessageCheckerStats {
  queues: number;
  ackedIntervals: number;
  coveredIntervals: number;
  inFlight: number;
  /** Resent or failed msgIds still tracked (capped). */
  remembered: number;
  /** Positions that held more than one acknowledged message. */
  reusedPositions: number;
  orderRefs: number;
  lagPoints: number;
}

export class MessageChecker {
  private readonly groups = new Map<string, GroupState>();
  private readonly byTopic = new Map<string, GroupState[]>();
  private readonly queues = new Map<string, QueueState>(); // queue key -> acknowledged offsets
  private readonly ids = new MessageIds();
  private readonly delayed = new DelayedMessages();
  private readonly brokerNameOf = new Map<string, string>(); // broker node -> brokerName
  private readonly order = new OrderTracker();
  private readonly queueKeys = new QueueKeys();
  private readonly avail = new SendAvailability();
  private readonly latency = new LatencyHistogram();
  private readonly batches = new BatchTracker();
  private readonly sendFailures = new Map<string, number>();
  private readonly storedNotOk = new Map<string, number>();
  private readonly sampleUs: number;
  private readonly maxLagPoints: number;
  private nextSampleUs = 0;
  private lastSampleUs = -1;
  private sent = 0;
  private acknowledged = 0;
  private consumed = 0;
  private untrackedAcks = 0;
  private oneway = 0;

  constructor(subscriptions: Subscription[] = [], opts: MessageCheckerOptions = {}) {
    this.sampleUs = opts.sampleUs ?? 1_000_000;
    this.maxLagPoints = opts.maxLagPoints ?? 2000;
    for (const s of subscriptions) {
      const g = this.group(s.group);
      if (!g.filters.has(s.topic)) push(this.byTopic, s.topic, g);
      g.subscribe(s);
    }
  }

  observe = (e: TraceEvent): void => {
    if (e.t >= this.nextSampleUs) this.sampleUpTo(e.t);
    switch (e.type) {
      case "node.add": return this.onNodeAdd(e);
      case "fault": return this.avail.onFault(e);
      case "send": return this.onSend(e);
      case "send.result": return this.onSendResult(e);
      case "consume": return this.onConsume(e);
      case "rebalance": return this.order.onRebalance(e);
      case "sendback": return bump(this.group(e.group).consumeFailures, e.result);
      case "store": return this.onStore(e);
      default: return;
    }
  };

  /** The summary at `endUs` (the run's end). Call once, after the last event. */
  finish(endUs: number): MessageSummary {
    if (endUs >= this.nextSampleUs) this.sampleUpTo(endUs);
    if (this.lastSampleUs !== endUs) this.sample(endUs);
    for (const d of this.delayed.undelivered()) {
      for (const g of this.byTopic.get(d.topic) ?? []) if (g.accepts(d.topic, d.tag)) g.undelivered++;
    }
    const byGroup: Record<string, GroupSummary> = {};
    for (const name of [...this.groups.keys()].sort()) byGroup[name] = this.groups.get(name)!.summary();
    const sum = (f: (g: GroupSummary) => number) => Object.values(byGroup).reduce((n, g) => n + f(g), 0);
    return {
      sent: this.sent, acknowledged: this.acknowledged, consumed: this.consumed,
      lost: sum((g) => g.lost), duplicates: sum((g) => g.duplicates), orderViolations: sum((g) => g.orderViolations),
      e2eLatencyMs: this.latency.summaryMs(),
      sendFailures: sortedRecord(this.sendFailures), storedNotOk: sortedRecord(this.storedNotOk),
      ...this.avail.finish(endUs, this.ids.inFlightSize > 0),
      byGroup, recovery: this.avail.recovery(),
      redelivered: sum((g) => g.redelivered), deadLettered: sum((g) => g.deadLettered), consumeFailures: mergeCounts(Object.values(byGroup).map((g) => g.consumeFailures)),
      resendDuplicates: sum((g) => g.resendDuplicates),
      filterViolations: sum((g) => g.filterViolations),
      untrackedAcks: this.untrackedAcks, resendTrackingEvicted: this.ids.evicted, oneway: this.oneway,
      batchesSent: this.batches.sent, batchesStored: this.batches.stored, batchesSplit: this.batches.split,
    };
  }

  stats(): MessageCheckerStats {
    let ackedIntervals = 0;
    let reusedPositions = 0;
    for (const q of this.queues.values()) { ackedIntervals += q.acked.intervals; reusedPositions += q.reusedPositions; }
    let coveredIntervals = 0;
    let lagPoints = 0;
    for (const g of this.groups.values()) { coveredIntervals += g.intervals(); lagPoints += g.lag.length; }
    return { queues: this.queues.size, ackedIntervals, coveredIntervals, inFlight: this.ids.inFlightSize,
      remembered: this.ids.rememberedSize, reusedPositions, orderRefs: this.order.size, lagPoints };
  }

  private onNodeAdd(e: Ev<"node.add">): void {
    if (e.kind === "broker" && e.brokerName !== undefined) { this.avail.onBrokerNode(e.node, e.brokerName); this.brokerNameOf.set(e.node, e.brokerName); }
    // Knowing BROADCASTING instances up front lets one that never consumes show as loss.
    const g = e.kind === "consumer" && e.group !== undefined ? this.groups.get(e.group) : undefined;
    if (g?.broadcast) g.unit(e.node);
  }

  private onSend(e: Ev<"send">): void {
    this.sent++;
    this.avail.onSend(e.t);
    this.ids.onSend(e.msgId, e.tags);
    if (e.batch !== undefined) this.batches.onSend(e);
    if (e.delayLevel !== undefined) this.delayed.onSend(e.msgId, e.topic);
  }

  /** Dead letters, and the real position of a delayed message when its delay ends. */
  private onStore(e: Ev<"store">): void {
    if (e.batch !== undefined) this.batches.onStore(e);
    if (e.topic.startsWith(DLQ_PREFIX)) { this.group(e.topic.slice(DLQ_PREFIX.length)).deadLettered++; return; }
    if (this.delayed.size === 0) return;
    const d = this.delayed.onStore(e.msgId, e.topic);
    const brokerName = this.brokerNameOf.get(e.node);
    if (d && brokerName !== undefined) this.ackAt(e.topic, brokerName, e.queueId, e.queueOffset, e.msgId, d.tag, undefined);
  }

  private onSendResult(e: Ev<"send.result">): void {
    const flight = this.ids.land(e.msgId);
    const tag = flight?.tag;
    if (e.status === "ONEWAY") { this.oneway++; this.delayed.onResult(e.msgId, false, undefined); return; } // no answer: neither acknowledged nor failed
    if (!e.stored) {
      this.delayed.onResult(e.msgId, false, undefined);
      bump(this.sendFailures, e.status);
      this.avail.onFailed(e.t);
      // A timeout may come after the broker stored it: its deliveries must not credit a position.
      this.ids.remember(e.msgId, flight, null);
      return;
    }
    this.acknowledged++;
    if (e.status !== "SEND_OK") bump(this.storedNotOk, e.status);
    this.avail.onStored(e.t, e.brokerName);
    // A delayed message's position comes with its delivery (onStore), not with this result.
    if (this.delayed.size > 0 && this.delayed.has(e.msgId)) { this.delayed.onResult(e.msgId, true, tag); return; }
    if (e.brokerName === undefined || e.queueId === undefined || e.queueOffset === undefined) {
      this.untrackedAcks++;
      if (e.attempts > 1) this.ids.remember(e.msgId, flight, null);
      return;
    }
    if (e.attempts > 1) this.ids.remember(e.msgId, flight, { qk: this.queueKeys.of(e.topic, e.brokerName, e.queueId), offset: e.queueOffset });
    this.ackAt(e.topic, e.brokerName, e.queueId, e.queueOffset, e.msgId, tag, flight);
  }

  /** An acknowledged message is at this position: groups expect it there. */
  private ackAt(topic: string, brokerName: string, queueId: number, offset: number, msgId: string, tag: string | undefined,
    flight: ReturnType<MessageIds["land"]>): void {
    const qk = this.queueKeys.of(topic, brokerName, queueId);
    const gen = this.queue(qk).ack(offset, msgId, tag);
    if (gen === "repeat") return;
    for (const g of this.byTopic.get(topic) ?? []) {
      if (gen === "first") g.onAck(topic, qk, offset, tag);
      else g.onAckGen(topic, gen);
    }
    // Deliveries made while it was in flight, at the position it was acknowledged at.
    for (const d of flight?.deliveries ?? []) {
      if (d.qk === qk && d.offset === offset) this.credit(this.group(d.group), d.unitKey, topic, qk, offset, msgId);
    }
  }

  /** Credits a delivery to the message at its position; false if the unit already had that message. */
  private credit(g: GroupState, unitKey: string, topic: string, qk: string, offset: number, msgId: string): boolean {
    const q = this.queues.get(qk);
    const gen = q?.generation(offset, msgId);
    return gen ? g.deliverGen(unitKey, topic, gen) : g.deliver(unitKey, topic, qk, offset, q?.acked);
  }

  private onConsume(e: Ev<"consume">): void {
    const g = this.group(e.group);
    g.consumed++;
    this.consumed++;
    if (e.reconsumeTimes > 0 || e.topic.startsWith(RETRY_PREFIX)) { g.redelivered++; return; }
    // Its offset may already be covered as "rejected by the filter": not a duplicate, a filter bug.
    if (e.tags !== undefined && g.filters.has(e.topic) && !g.accepts(e.topic, e.tags)) { g.filterViolations++; return; }
    const qk = this.queueKeys.of(e.topic, e.brokerName, e.queueId);
    const unitKey = g.unitKey(e.node);
    if (this.order.onConsume(g.name, e.node, qk, e.queueOffset)) g.orderViolations++;
    const v = this.ids.onConsume(e.msgId, g.name, unitKey, qk, e.queueOffset);
    // A tracked msgId is judged by msgId; its position is credited only for the acknowledged copy.
    if (v?.coverNow) this.credit(g, unitKey, e.topic, qk, e.queueOffset, e.msgId);
    const first = v ? !v.duplicate : this.credit(g, unitKey, e.topic, qk, e.queueOffset, e.msgId);
    if (!first) {
      g.duplicates++;
      if (v?.resend) g.resendDuplicates++;
      return;
    }
    g.distinct++;
    // Latency of first deliveries only: a duplicate's age says nothing about the pipeline.
    g.latency.record(e.t - e.bornUs);
    this.latency.record(e.t - e.bornUs);
  }

  // Called before the event at `t` is applied. Nothing happened since the last
  // boundary, so the state now is the state at every boundary up to t: record the
  // first and the last of them (a flat stretch needs only its ends).
  private sampleUpTo(t: number): void {
    const lastBoundary = Math.floor(t / this.sampleUs) * this.sampleUs;
    this.sample(this.nextSampleUs);
    if (lastBoundary > this.nextSampleUs) this.sample(lastBoundary);
    this.nextSampleUs = lastBoundary + this.sampleUs;
  }

  private sample(tUs: number): void {
    this.lastSampleUs = tUs;
    for (const g of this.groups.values()) if (g.subscribed) g.lag.push(ms3(tUs), g.lagNow());
  }

  private queue(qk: string): QueueState {
    let q = this.queues.get(qk);
    if (!q) this.queues.set(qk, (q = new QueueState()));
    return q;
  }

  private group(name: string): GroupState {
    let g = this.groups.get(name);
    if (!g) this.groups.set(name, (g = new GroupState(name, this.maxLagPoints)));
    return g;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function sortedRecord(m: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...m.keys()].sort()) out[k] = m.get(k)!;
  return out;
}

function mergeCounts(all: Record<string, number>[]): Record<string, number> {
  const m = new Map<string, number>();
  for (const r of all) for (const [k, v] of Object.entries(r)) m.set(k, (m.get(k) ?? 0) + v);
  return sortedRecord(m);
}

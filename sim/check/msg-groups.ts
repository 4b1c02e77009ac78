// What one consumer group received, measured against what it should have.
//
// A "unit" is whoever must see every message once: the whole group when
// CLUSTERING (unit key ""), each consumer instance when BROADCASTING (unit key =
// node). Per unit and queue we keep one interval set, `covered`, of queue offsets
// that need nothing more from the unit: those it consumed plus those acknowledged
// with a tag its filter rejects. Folding the rejected offsets in keeps the set
// one run per queue for a filtered group instead of a comb of every other offset,
// and it makes "lost" a plain set difference: acknowledged \ covered.
//
// `pending` counts that difference incrementally (acknowledged, matching, not yet
// consumed), so lag samples are O(1) and lost = pending at the end.
//
// The sets hold the first message acknowledged at each position; a later message
// at a reused position (msg-queue.ts) is a Generation that records its own
// deliveries, and counts in `ackedMatching` and `pending` like any other.

import { IntervalSet } from "./msg-intervals.js";
import { LatencyHistogram, type LatencySummaryMs } from "./msg-histogram.js";
import type { Generation } from "./msg-queue.js";
import { LagSeries, type LagPoint } from "./msg-series.js";

export interface Subscription {
  group: string;
  topic: string;
  /** Tags the group accepts; undefined (or containing "*") = all. */
  tags?: string[];
  broadcast?: boolean;
  /** Instances that must each consume everything (BROADCASTING); others are found from node.add/consume. */
  instances?: number;
}

interface Unit {
  covered: Map<string, IntervalSet>; // queue key -> offsets
  pending: number;
}

export interface GroupSummary {
  consumed: number;
  /** First deliveries to a unit: of a position, or of a msgId where msgIds are tracked. */
  distinct: number;
  /** Deliveries with reconsumeTimes > 0 (retry topic or local re-consume); not checked. */
  redelivered: number;
  /** Failed deliveries (RECONSUME_LATER), by what became of them: retry, dlq, fallback, local, dropped. */
  consumeFailures: Record<string, number>;
  /** Messages stored in %DLQ%<group>. */
  deadLettered: number;
  lost: number;
  duplicates: number;
  /** Part of `duplicates`: a second stored copy (another queue offset) of a resent msgId. */
  resendDuplicates: number;
  orderViolations: number;
  /** Deliveries whose tag the group's subscription rejects (consume events that carry `tags`). */
  filterViolations: number;
  e2eLatencyMs: LatencySummaryMs;
  lagSeries: LagPoint[];
  subscribed: boolean;
  broadcast: boolean;
  /** BROADCASTING: instances that must each consume everything. */
  instances?: number;
}

export class GroupState {
  /** topic -> accepted tags (null = all). Topics absent here are not checked for loss. */
  readonly filters = new Map<string, Set<string> | null>();
  readonly units = new Map<string, Unit>();
  broadcast = false;
  declaredInstances: number | undefined;
  consumed = 0;
  redelivered = 0;
  readonly consumeFailures = new Map<string, number>();
  deadLettered = 0;
  distinct = 0;
  duplicates = 0;
  resendDuplicates = 0;
  orderViolations = 0;
  filterViolations = 0;
  /** Acknowledged messages this group's filter accepts (what each unit must consume). */
  ackedMatching = 0;
  readonly latency = new LatencyHistogram();
  readonly lag: LagSeries;

  constructor(readonly name: string, maxLagPoints: number) {
    this.lag = new LagSeries(maxLagPoints);
  }

  get subscribed(): boolean {
    return this.filters.size > 0;
  }

  subscribe(s: Subscription): void {
    const all = s.tags === undefined || s.tags.includes("*");
    this.filters.set(s.topic, all ? null : new Set(s.tags));
    if (s.broadcast) this.broadcast = true;
    if (s.instances !== undefined) this.declaredInstances = Math.max(this.declaredInstances ?? 0, s.instances);
  }

  unitKey(node: string): string {
    return this.broadcast ? node : "";
  }

  /** A unit first seen now owes every matching message acknowledged so far. */
  unit(key: string): Unit {
    let u = this.units.get(key);
    if (!u) this.units.set(key, (u = { covered: new Map(), pending: this.ackedMatching }));
    return u;
  }

  /** RocketMQ's client re-filter drops an untagged message when the group names tags. */
  accepts(topic: string, tag: string | undefined): boolean {
    const f = this.filters.get(topic);
    return f === null || (f !== undefined && tag !== undefined && f.has(tag));
  }

  onAck(topic: string, qk: string, offset: number, tag: string | undefined): void {
    if (!this.filters.has(topic)) return;
    if (!this.broadcast) this.unit("");
    if (this.accepts(topic, tag)) {
      this.ackedMatching++;
      for (const u of this.units.values()) if (!u.covered.get(qk)?.has(offset)) u.pending++;
    } else {
      for (const u of this.units.values()) coveredOf(u, qk).add(offset);
    }
  }

  /** A later message acknowledged at a reused position: every unit owes it, as any ack. */
  onAckGen(topic: string, gen: Generation): void {
    if (!this.filters.has(topic)) return;
    if (!this.broadcast) this.unit("");
    if (!this.accepts(topic, gen.tag)) return; // nothing owed; its delivery is a filter violation
    this.ackedMatching++;
    for (const [key, u] of this.units) if (!gen.delivered.has(this.unitId(key))) u.pending++;
  }

  /** Credits the first message at a position to a unit; false if the unit already had it. */
  deliver(unitKey: string, topic: string, qk: string, offset: number, acked: IntervalSet | undefined): boolean {
    const u = this.unit(unitKey);
    if (!coveredOf(u, qk).add(offset)) return false;
    // Consumed before its send.result arrived (no `send` seen): the ack will find it covered instead.
    if (this.filters.has(topic) && acked?.has(offset)) u.pending--;
    return true;
  }

  /** Credits a later message at a reused position to a unit; false if the unit already had it. */
  deliverGen(unitKey: string, topic: string, gen: Generation): boolean {
    const u = this.unit(unitKey);
    const id = this.unitId(unitKey);
    if (gen.delivered.has(id)) return false;
    gen.delivered.add(id);
    if (this.filters.has(topic) && this.accepts(topic, gen.tag)) u.pending--;
    return true;
  }

  /** A unit's name across groups, as generations record it. */
  unitId(unitKey: string): string {
    return `${this.name}\t${unitKey}`;
  }

  lagNow(): number {
    let lag = this.missingInstances() > 0 ? this.ackedMatching : 0;
    for (const u of this.units.values()) lag = Math.max(lag, u.pending);
    return lag;
  }

  /** Acknowledged delayed messages never stored at their real position (msg-delayed.ts). */
  undelivered = 0;

  lost(): number {
    let n = this.missingInstances() * this.ackedMatching;
    n += this.undelivered * (this.broadcast ? Math.max(this.units.size, this.declaredInstances ?? 1) : 1);
    for (const u of this.units.values()) n += u.pending;
    return n;
  }

  /** Total runs held in this group's sets (memory check). */
  intervals(): number {
    let n = 0;
    for (const u of this.units.values()) for (const s of u.covered.values()) n += s.intervals;
    return n;
  }

  covered(unitKey: string, qk: string): IntervalSet | undefined {
    return this.units.get(unitKey)?.covered.get(qk);
  }

  summary(): GroupSummary {
    return {
      consumed: this.consumed, distinct: this.distinct, redelivered: this.redelivered,
      deadLettered: this.deadLettered, consumeFailures: Object.fromEntries([...this.consumeFailures].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), lost: this.lost(),
      duplicates: this.duplicates, resendDuplicates: this.resendDuplicates, orderViolations: this.orderViolations,
      filterViolations: this.filterViolations,
      e2eLatencyMs: this.latency.summaryMs(), lagSeries: this.lag.toArray(), subscribed: this.subscribed,
      broadcast: this.broadcast, ...(this.broadcast ? { instances: this.instanceCount() } : {}),
    };
  }

  private instanceCount(): number {
    return Math.max(this.units.size, this.declaredInstances ?? 0);
  }

  private missingInstances(): number {
    return this.broadcast ? this.instanceCount() - this.units.size : 0;
  }
}

function coveredOf(u: Unit, qk: string): IntervalSet {
  let s = u.covered.get(qk);
  if (!s) u.covered.set(qk, (s = new IntervalSet()));
  return s;
}

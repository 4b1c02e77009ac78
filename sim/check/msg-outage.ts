// Send availability: the longest window without a successful send, and per
// scenario fault how long until sends succeed again, overall and on the broker
// group(s) the fault touched. "Successful" = a `send.result` with stored=true
// (any of the four SendStatus values: the master has the message). Results are
// taken in trace order, so a send that was in flight when the fault hit and
// succeeded just after it counts as the recovery: what the application saw.
//
// The final window (after the last success) runs to the run's end only while a
// send is still pending; otherwise it stops at the last send activity (a send or
// a failed result), so producers that stopped on schedule are not an outage.

import type { TraceEvent } from "../trace/schema.js";
import { ms3 } from "./msg-histogram.js";

type FaultEvent = Extract<TraceEvent, { type: "fault" }>;

export interface RecoveryRow {
  fault: number;
  name?: string;
  action: string;
  atMs: number;
  /** First successful send after the fault, any broker; null = none until the end. */
  recoveryMs: number | null;
  /** brokerNames of the broker nodes the fault names (from `node.add`). */
  affectedBrokers: string[];
  /** First successful send to one of `affectedBrokers`; null if none or no broker affected. */
  affectedRecoveryMs: number | null;
}

interface Pending {
  row: RecoveryRow;
  atUs: number;
  anyDone: boolean;
  affectedDone: boolean;
}

export interface OutageSummary {
  longestSendOutageMs: number;
  /** [fromMs, toMs] of that window; null if nothing was ever sent. */
  sendOutageWindowMs: [number, number] | null;
}

export class SendAvailability {
  private readonly brokerOf = new Map<string, string>(); // node -> brokerName
  private firstSendUs: number | null = null;
  private lastOkUs = 0;
  private lastActivityUs = 0; // last send or send.result
  private longest: { from: number; to: number } | null = null;
  private readonly rows: Pending[] = [];
  private open: Pending[] = []; // rows still waiting for some recovery

  onBrokerNode(node: string, brokerName: string): void {
    this.brokerOf.set(node, brokerName);
  }

  onSend(t: number): void {
    this.lastActivityUs = Math.max(this.lastActivityUs, t);
    if (this.firstSendUs !== null) return;
    this.firstSendUs = t;
    this.lastOkUs = t;
  }

  onFault(e: FaultEvent): void {
    const brokers = [...new Set((e.nodes ?? []).flatMap((n) => this.brokerOf.get(n) ?? []))].sort();
    const row: RecoveryRow = { fault: e.index, ...(e.name !== undefined ? { name: e.name } : {}), action: e.action,
      atMs: ms3(e.t), recoveryMs: null, affectedBrokers: brokers, affectedRecoveryMs: null };
    const p: Pending = { row, atUs: e.t, anyDone: false, affectedDone: brokers.length === 0 };
    this.rows.push(p);
    this.open.push(p);
  }

  onStored(t: number, brokerName: string | undefined): void {
    this.onSend(t); // a result without its send (partial trace) still starts the clock
    this.noteGap(this.lastOkUs, t);
    this.lastOkUs = t;
    if (this.open.length > 0) this.settle(t, brokerName);
  }

  /** A send.result with stored=false: the producer is still trying. */
  onFailed(t: number): void {
    this.onSend(t);
  }

  finish(endUs: number, sendsPending: boolean): OutageSummary {
    if (this.firstSendUs === null) return { longestSendOutageMs: 0, sendOutageWindowMs: null };
    const tailEnd = sendsPending ? endUs : Math.min(endUs, this.lastActivityUs);
    this.noteGap(this.lastOkUs, Math.max(tailEnd, this.lastOkUs));
    const w = this.longest!;
    return { longestSendOutageMs: ms3(w.to - w.from), sendOutageWindowMs: [ms3(w.from), ms3(w.to)] };
  }

  recovery(): RecoveryRow[] {
    return this.rows.map((p) => ({ ...p.row, affectedBrokers: [...p.row.affectedBrokers] }));
  }

  private noteGap(from: number, to: number): void {
    if (this.longest === null || to - from > this.longest.to - this.longest.from) this.longest = { from, to };
  }

  private settle(t: number, brokerName: string | undefined): void {
    for (const p of this.open) {
      if (!p.anyDone) { p.anyDone = true; p.row.recoveryMs = ms3(t - p.atUs); }
      if (!p.affectedDone && brokerName !== undefined && p.row.affectedBrokers.includes(brokerName)) {
        p.affectedDone = true;
        p.row.affectedRecoveryMs = ms3(t - p.atUs);
      }
    }
    this.open = this.open.filter((p) => !p.anyDone || !p.affectedDone);
  }
}

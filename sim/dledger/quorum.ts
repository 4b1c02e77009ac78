// The leader's commit rule: DLedgerEntryPusher's peer watermarks, pending append futures
// (waitAck) and the QuorumAckChecker thread (openmessaging/dledger 0.3.1.2,
// dledger/src/main/java/io/openmessaging/storage/dledger/DLedgerEntryPusher.java, the
// no-state-machine branch RocketMQ's DLedgerCommitLog uses; our own code).
//
// Fault model:
// - Watermarks are per term: the highest index each member is known to hold in the current
//   term (the leader's own = its log end). committedIndex = the median of the sorted
//   watermarks (a majority holds it); 0.3.1.2 commits it even if it is an older-term entry.
// - A pending append completes with success once committed, with WAIT_QUORUM_ACK_TIMEOUT
//   2500 ms (maxWaitAckTimeMs) after it was made if the quorum index is stuck, or with
//   TERM_CHANGED when the term moved on (at once on step-down, or — DLedger's own behaviour,
//   failPendingOnStepDown=false — when this member next leads).
// - The leader refreshes its own watermark (and sweeps acknowledged futures) every 1000 ms.
// - The thread polls every 1 ms; here it runs when woken (an append, a follower's ack, a
//   role change) and at the deadlines above. Pending futures die with the process.

import type { Node } from "../core/node.js";
import { Alarm } from "./alarm.js";
import type { MemberState } from "./state.js";
import { msToUs, type AppendDone, type Code, type DLedgerConfig } from "./types.js";

interface Pending { done: AppendDone; createdUs: number; completed: boolean }

export interface CheckerHost {
  node: Node;
  ms: MemberState;
  cfg: DLedgerConfig;
  /** committedIndex advanced. */
  committed(): void;
}

export class QuorumAckChecker {
  private marksTerm = -1;
  private marks = new Map<string, number>();
  private readonly pendingByTerm = new Map<number, Map<number, Pending>>();
  private lastQuorumIndex = -1;
  private lastCheckLeakTime: number;
  /** Pending futures at or below this index (current term) already timed out. */
  private timedOutUpTo = -1;
  private readonly alarm: Alarm;

  constructor(private readonly h: CheckerHost) {
    this.alarm = new Alarm(h.node, () => this.run());
    this.lastCheckLeakTime = h.node.engine.nowUs;
  }

  private get now(): number { return this.h.node.engine.nowUs; }

  wake(delayUs = 0): void {
    this.alarm.set(this.now + delayUs);
  }

  // ---- watermarks ----------------------------------------------------------------

  /** The watermark table of `term`, (re)created for the current term; null for another term. */
  private marksFor(term: number): Map<string, number> | null {
    if (term === this.marksTerm) return this.marks;
    if (term !== this.h.ms.currTerm) return null;
    this.marksTerm = term;
    this.marks = new Map(this.h.ms.peerIds.map((p) => [p, -1]));
    return this.marks;
  }

  watermark(term: number, peer: string): number {
    return this.marksFor(term)?.get(peer) ?? -1;
  }

  updateWatermark(term: number, peer: string, index: number): void {
    const m = this.marksFor(term);
    if (m && (m.get(peer) ?? -1) < index) m.set(peer, index);
  }

  // ---- pending appends -------------------------------------------------------------

  private pendingOf(term: number): Map<number, Pending> {
    let m = this.pendingByTerm.get(term);
    if (!m) { m = new Map(); this.pendingByTerm.set(term, m); }
    return m;
  }

  isPendingFull(term: number): boolean {
    return this.pendingOf(term).size > this.h.cfg.maxPendingRequestsNum;
  }

  /** waitAck: the leader appended `index` in `term`; `done` hears the outcome. */
  waitAck(term: number, index: number, done: AppendDone): void {
    this.updateWatermark(term, this.h.ms.selfId, index);
    this.pendingOf(term).set(index, { done, createdUs: this.now, completed: false });
    this.wake(msToUs(this.h.cfg.pollMs));
  }

  /** Fail every pending append (the leader stepped down). */
  failAll(code: Code): void {
    for (const m of this.pendingByTerm.values()) for (const [i, p] of m) complete(p, false, i, code);
    this.pendingByTerm.clear();
    this.timedOutUpTo = -1;
  }

  // ---- the thread --------------------------------------------------------------------

  private run(): void {
    const ms = this.h.ms;
    if (ms.role !== "LEADER") return;
    const term = ms.currTerm;
    const responses = this.pendingOf(term);
    if (this.pendingByTerm.size > 1) {
      for (const [t, m] of this.pendingByTerm) {
        if (t === term) continue;
        for (const [i, p] of m) complete(p, false, i, "TERM_CHANGED");
        this.pendingByTerm.delete(t);
      }
      this.timedOutUpTo = -1;
    }
    const marks = this.marksFor(term)!;
    const sorted = [...marks.values()].sort((a, b) => b - a);
    const quorumIndex = sorted[Math.floor(sorted.length / 2)];
    if (ms.updateCommittedIndex(term, quorumIndex)) this.h.committed();
    let needCheck = false, ackNum = 0;
    for (let i = quorumIndex; i > this.lastQuorumIndex; i--) {
      const p = responses.get(i);
      if (!p) { needCheck = true; break; }
      responses.delete(i);
      complete(p, true, i, "SUCCESS");
      ackNum++;
    }
    if (ackNum === 0) this.checkTimeouts(responses, quorumIndex + 1);
    if (this.now - this.lastCheckLeakTime > msToUs(1000) || needCheck) {
      this.updateWatermark(term, ms.selfId, ms.ledgerEndIndex);
      for (const [i, p] of responses) {
        if (i > quorumIndex) continue;
        complete(p, true, i, "SUCCESS");
        responses.delete(i);
      }
      this.lastCheckLeakTime = this.now;
    }
    this.lastQuorumIndex = quorumIndex;
    this.rearm(responses, quorumIndex, ackNum > 0);
  }

  /** checkResponseFuturesTimeout: from `from` up, time out futures until one is still young. */
  private checkTimeouts(responses: Map<number, Pending>, from: number): void {
    const wait = msToUs(this.h.cfg.maxWaitAckTimeMs);
    for (let i = Math.max(from, this.timedOutUpTo + 1); ; i++) {
      const p = responses.get(i);
      if (!p || this.now - p.createdUs < wait) break;
      complete(p, false, i, "WAIT_QUORUM_ACK_TIMEOUT");
      this.timedOutUpTo = i;
    }
  }

  /** Sleep until the next leak check or the next pending future's timeout. */
  private rearm(responses: Map<number, Pending>, quorumIndex: number, acked: boolean): void {
    let at = this.lastCheckLeakTime + msToUs(1000) + 1;
    const next = responses.get(Math.max(quorumIndex + 1, this.timedOutUpTo + 1));
    if (next) {
      // Java re-runs at once after acking and checks timeouts in that next pass.
      const due = next.createdUs + msToUs(this.h.cfg.maxWaitAckTimeMs);
      at = Math.min(at, acked && due <= this.now ? this.now : due);
    }
    this.alarm.set(at);
  }
}

function complete(p: Pending, ok: boolean, index: number, code: Code): void {
  if (p.completed) return;
  p.completed = true;
  p.done(ok, index, code);
}

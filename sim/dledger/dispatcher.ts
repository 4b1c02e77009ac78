// Leader-side replication to one follower: DLedgerEntryPusher.EntryDispatcher
// (openmessaging/dledger 0.3.1.2, dledger/src/main/java/io/openmessaging/storage/dledger/
// DLedgerEntryPusher.java, single-entry pushes as enableBatchPush=false; our own code).
//
// Fault model:
// - A new leader (or term) starts in COMPARE: it sends its last entry; the follower says
//   whether it holds the same one. Mismatches walk back one index per round trip (or jump to
//   the follower's end); a match below the follower's end, or no overlap, becomes TRUNCATE
//   (the follower drops everything after, rewriting the matched/first entry), then APPEND.
//   Each compare/truncate blocks this thread until the answer (3 s at most); a failure or an
//   unexpected answer (the peer is not a follower yet, no answer) waits 500 ms and restarts
//   COMPARE.
// - APPEND pushes every entry as its own request, up to 1000 unanswered per follower; an
//   unanswered push of the follower's next index is resent after maxPushTimeOutMs (1000 ms);
//   INCONSISTENT_STATE sends the dispatcher back to COMPARE; with nothing to push, a COMMIT
//   push carries the commit index after 1000 ms of silence.
// - The Java thread polls every 1 ms and is not woken by appends: new entries go out 1 ms
//   after they were appended.
// - Left out: the peer push quota (checkQuotaAndWait, only for a follower > 300 MB behind),
//   batch push, snapshots.

import type { Node } from "../core/node.js";
import { Alarm } from "./alarm.js";
import type { MemberState } from "./state.js";
import { msToUs, NEVER, type DLedgerConfig, type PushRequest, type PushResponse, type PushType } from "./types.js";

const MAX_PENDING = 1000; // EntryDispatcher.maxPendingSize

export interface DispatcherHost {
  node: Node;
  ms: MemberState;
  cfg: DLedgerConfig;
  push(peer: string, req: PushRequest, cb: (r: PushResponse) => void): void;
  watermark(term: number, peer: string): number;
  updateWatermark(term: number, peer: string, index: number): void;
  wakeChecker(): void;
}

export class EntryDispatcher {
  private type: "COMPARE" | "TRUNCATE" | "APPEND" = "COMPARE";
  private term = -1;
  private leaderId: string | null = null;
  private compareIndex = -1;
  private writeIndex = -1;
  private lastPushCommitTime = NEVER;
  private lastCheckLeakTime: number;
  /** index -> when its push was (last) sent. */
  private readonly pending = new Map<number, number>();
  /** A compare/truncate request is out: the thread blocks on it. */
  private busy = false;
  private sleepUntil = NEVER;
  private readonly alarm: Alarm;
  private readonly pollUs: number;

  constructor(private readonly h: DispatcherHost, readonly peer: string) {
    this.alarm = new Alarm(h.node, () => this.doWork());
    this.lastCheckLeakTime = h.node.engine.nowUs;
    this.pollUs = msToUs(h.cfg.pollMs);
  }

  private get now(): number { return this.h.node.engine.nowUs; }

  /** Run after `delayUs` (the thread's poll), unless blocked or sleeping. */
  wake(delayUs = this.pollUs): void {
    if (this.busy) return;
    this.alarm.set(Math.max(this.now + delayUs, this.sleepUntil));
  }

  private doWork(): void {
    if (this.busy || this.now < this.sleepUntil) return;
    if (!this.checkAndFreshState()) return; // not leader: idle until the next role change
    if (this.type === "APPEND") this.doAppend();
    else this.doCompare();
  }

  private checkAndFreshState(): boolean {
    const ms = this.h.ms;
    if (ms.role !== "LEADER") return false;
    if (this.term !== ms.currTerm || this.leaderId === null || this.leaderId !== ms.leaderId) {
      this.term = ms.currTerm;
      this.leaderId = ms.selfId;
      this.changeState(-1, "COMPARE");
    }
    return true;
  }

  private changeState(index: number, target: "COMPARE" | "TRUNCATE" | "APPEND"): void {
    if (target === "APPEND") {
      this.compareIndex = -1;
      this.h.updateWatermark(this.term, this.peer, index);
      this.h.wakeChecker();
      this.writeIndex = index + 1;
    } else if (target === "COMPARE") {
      if (this.type === "APPEND") {
        this.compareIndex = -1;
        this.pending.clear();
      }
    } else {
      this.compareIndex = -1;
    }
    this.type = target;
  }

  /** doWork's catch: back to COMPARE, sleep 500 ms. */
  private fail(): void {
    this.changeState(-1, "COMPARE");
    this.sleepUntil = this.now + msToUs(500);
    this.alarm.set(this.sleepUntil);
  }

  private request(type: PushType, index: number, cb?: (r: PushResponse) => void): void {
    const log = this.h.ms.log;
    const req: PushRequest = { type, leaderId: this.leaderId!, term: this.term, commitIndex: this.h.ms.committedIndex };
    if (index >= 0) req.entry = log.entry(index);
    this.h.push(this.peer, req, cb ?? (() => {}));
  }

  // ---- COMPARE / TRUNCATE -----------------------------------------------------------

  private doCompare(): void {
    if (!this.checkAndFreshState()) return;
    if (this.type === "APPEND") { this.wake(); return; }
    const log = this.h.ms.log;
    if (this.compareIndex === -1 && log.endIndex === -1) return; // nothing to compare: wait for an append
    if (this.compareIndex === -1 || this.compareIndex > log.endIndex || this.compareIndex < log.beginIndex) {
      this.compareIndex = log.endIndex;
    }
    const compareIndex = this.compareIndex;
    this.busy = true;
    this.request("COMPARE", compareIndex, (r) => {
      this.busy = false;
      if (r.code !== "SUCCESS" && r.code !== "INCONSISTENT_STATE") { this.fail(); return; }
      const begin = log.beginIndex, end = log.endIndex;
      let truncateIndex = -1;
      if (r.code === "SUCCESS") {
        if (compareIndex === r.endIndex) {
          this.changeState(compareIndex, "APPEND");
          this.wake();
          return;
        }
        truncateIndex = compareIndex; // the follower has extra entries after the match
      } else if (r.endIndex < begin || r.beginIndex > end) {
        truncateIndex = begin; // no overlap at all
      } else if (compareIndex < r.beginIndex) {
        truncateIndex = begin;
      } else if (compareIndex > r.endIndex) {
        this.compareIndex = r.endIndex; // the follower is shorter: compare its last entry
      } else {
        this.compareIndex--; // same index, different entry: walk back
      }
      if (this.compareIndex < begin) truncateIndex = begin;
      if (truncateIndex !== -1) {
        this.changeState(truncateIndex, "TRUNCATE");
        this.doTruncate(truncateIndex);
      } else {
        this.doCompare();
      }
    });
  }

  private doTruncate(truncateIndex: number): void {
    if (!this.h.ms.log.has(truncateIndex)) { this.fail(); return; }
    this.busy = true;
    this.request("TRUNCATE", truncateIndex, (r) => {
      this.busy = false;
      if (r.code !== "SUCCESS") { this.fail(); return; }
      this.lastPushCommitTime = this.now;
      this.changeState(truncateIndex, "APPEND");
      this.wake();
    });
  }

  // ---- APPEND ----------------------------------------------------------------------

  private doAppend(): void {
    const log = this.h.ms.log;
    for (;;) {
      if (!this.checkAndFreshState()) return;
      if (this.type !== "APPEND") { this.wake(); return; }
      if (this.writeIndex > log.endIndex) {
        this.doCommit();
        this.doCheckAppendResponse();
        break;
      }
      if (this.pending.size >= MAX_PENDING || this.now - this.lastCheckLeakTime > msToUs(1000)) {
        const wm = this.h.watermark(this.term, this.peer);
        for (const i of this.pending.keys()) if (i < wm) this.pending.delete(i);
        this.lastCheckLeakTime = this.now;
      }
      if (this.pending.size >= MAX_PENDING) {
        this.doCheckAppendResponse();
        break;
      }
      this.doAppendInner(this.writeIndex);
      this.writeIndex++;
    }
    // Sleep until a resend or a commit push is due (appends and acks wake us earlier).
    const pushTimeout = msToUs(this.h.cfg.maxPushTimeOutMs);
    const sent = this.pending.get(this.h.watermark(this.term, this.peer) + 1);
    let at = sent === undefined ? Infinity : sent + pushTimeout + 1;
    if (this.writeIndex > log.endIndex) at = Math.min(at, this.lastPushCommitTime + msToUs(1000) + 1);
    if (at < Infinity) this.alarm.set(at);
  }

  private doAppendInner(index: number): void {
    this.request("APPEND", index, (r) => {
      if (r.code === "SUCCESS") {
        const wasFull = this.pending.size >= MAX_PENDING;
        this.pending.delete(r.index);
        this.h.updateWatermark(r.term, this.peer, r.index);
        this.h.wakeChecker();
        // The 1 ms poll would now push more (room freed) or resend the next overdue index.
        const next = this.pending.get(this.h.watermark(this.term, this.peer) + 1);
        if (wasFull || (next !== undefined && this.now - next > msToUs(this.h.cfg.maxPushTimeOutMs))) this.wake();
      } else if (r.code === "INCONSISTENT_STATE") {
        this.changeState(-1, "COMPARE");
        this.wake();
      }
    });
    this.pending.set(index, this.now);
    this.lastPushCommitTime = this.now;
  }

  private doCommit(): void {
    if (this.now - this.lastPushCommitTime <= msToUs(1000)) return;
    this.request("COMMIT", -1);
    this.lastPushCommitTime = this.now;
  }

  private doCheckAppendResponse(): void {
    const next = this.h.watermark(this.term, this.peer) + 1;
    const sent = this.pending.get(next);
    if (sent !== undefined && this.now - sent > msToUs(this.h.cfg.maxPushTimeOutMs)) this.doAppendInner(next);
  }
}

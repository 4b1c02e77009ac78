// Follower-side replication: DLedgerEntryPusher.EntryHandler (openmessaging/dledger 0.3.1.2,
// dledger/src/main/java/io/openmessaging/storage/dledger/DLedgerEntryPusher.java; our own code).
//
// Fault model:
// - Pushes are answered when this thread handles them, not on arrival. APPEND requests wait,
//   keyed by index, until the log reaches them (a second push of a waiting index is answered
//   REPEATED_PUSH); COMPARE/TRUNCATE/COMMIT queue (1024 at most: PUSH_REQUEST_IS_FULL), and a
//   COMPARE or TRUNCATE throws away every waiting APPEND unanswered (the leader's pushes then
//   time out).
// - Only a FOLLOWER handles pushes: otherwise queued COMPARE/TRUNCATE/COMMIT are answered
//   NOT_FOLLOWER and APPENDs keep waiting. An entry is appended only for the member's current
//   term and leader, else INCONSISTENT_STATE.
// - Every 1000 ms, if the next index is missing but later ones have waited ≥ 1000 ms, the
//   lowest of them is answered INCONSISTENT_STATE so the leader re-compares (fast-forward);
//   waiting entries the log already holds are answered at once.
// - The commit index a push carries is adopted up to our log end (same term only).
// - Appending takes the host's appendCostUs() (the page-cache write of appendAsFollower; 0 by
//   default): the thread is busy meanwhile, so pushes queue behind a slow disk and their
//   answers come late. Heartbeats and votes are handled elsewhere and are not slowed.

import type { Node } from "../core/node.js";
import { Alarm } from "./alarm.js";
import type { MemberState } from "./state.js";
import { msToUs, type Code, type PushRequest, type PushResponse } from "./types.js";

interface Waiting { req: PushRequest; reply: (r: PushResponse) => void; arrivedUs: number }

export interface HandlerHost {
  node: Node;
  ms: MemberState;
  /** The log changed (appended or truncated). */
  logChanged(): void;
  /** Entries from `fromIndex` on were dropped or rewritten by a leader's TRUNCATE. */
  truncated(fromIndex: number): void;
  /** committedIndex advanced. */
  committed(): void;
  /** Time one follower append takes (µs); absent or 0: instant. */
  appendCostUs?(): number;
}

const QUEUE_CAP = 1024;
const FAST_FORWARD_US = msToUs(1000);

export class EntryHandler {
  private readonly writes = new Map<number, Waiting>();
  private queue: Waiting[] = [];
  private lastCheckFastForward: number;
  private readonly alarm: Alarm;
  /** The thread is writing entry `writingIndex` until `busyUntilUs`. */
  private busyUntilUs = 0;
  private writingIndex = -1;

  constructor(private readonly h: HandlerHost) {
    this.alarm = new Alarm(h.node, () => this.run());
    this.lastCheckFastForward = h.node.engine.nowUs;
  }

  private get now(): number { return this.h.node.engine.nowUs; }

  wake(): void {
    this.alarm.set(this.now);
  }

  handlePush(req: PushRequest, reply: (r: PushResponse) => void): void {
    let answered = false;
    const once = (r: PushResponse) => { if (!answered) { answered = true; reply(r); } };
    const w: Waiting = { req, reply: once, arrivedUs: this.now };
    if (req.type === "APPEND") {
      const i = req.entry!.index;
      if (this.writes.has(i)) once(this.response(req, "REPEATED_PUSH"));
      else this.writes.set(i, w);
    } else {
      if (req.type !== "COMMIT") this.writes.clear();
      if (this.queue.length >= QUEUE_CAP) once(this.response(req, "PUSH_REQUEST_IS_FULL"));
      else this.queue.push(w);
    }
    this.wake();
  }

  private response(req: PushRequest, code: Code): PushResponse {
    const log = this.h.ms.log;
    return { code, term: req.term, index: req.entry ? req.entry.index : -1, beginIndex: log.beginIndex, endIndex: log.endIndex };
  }

  private run(): void {
    const ms = this.h.ms;
    if (this.now < this.busyUntilUs) { this.alarm.set(this.busyUntilUs); return; }
    for (;;) {
      if (ms.role !== "FOLLOWER") {
        const drained = this.queue;
        this.queue = [];
        for (const w of drained) w.reply(this.response(w.req, "NOT_FOLLOWER"));
        return; // role changes wake us
      }
      const w = this.queue.shift();
      if (w) {
        if (w.req.type === "TRUNCATE") this.doTruncate(w);
        else if (w.req.type === "COMPARE") this.doCompare(w);
        else this.doCommit(w);
        continue;
      }
      const next = ms.log.endIndex + 1;
      const a = this.writes.get(next);
      if (!a) {
        this.checkAbnormal(ms.log.endIndex);
        if (this.writes.size > 0) this.alarm.set(this.lastCheckFastForward + FAST_FORWARD_US);
        return;
      }
      if (this.writingIndex !== next) {
        const costUs = this.h.appendCostUs?.() ?? 0;
        if (costUs > 0) {
          this.writingIndex = next;
          this.busyUntilUs = this.now + costUs;
          this.alarm.set(this.busyUntilUs);
          return;
        }
      }
      this.writingIndex = -1;
      this.writes.delete(next);
      this.doAppend(next, a);
    }
  }

  private doAppend(next: number, w: Waiting): void {
    const { req } = w;
    const ms = this.h.ms;
    if (req.entry!.index !== next || !ms.followerOf(req.term, req.leaderId)) {
      w.reply(this.response(req, "INCONSISTENT_STATE"));
      return;
    }
    ms.log.put(req.entry!);
    this.h.logChanged();
    w.reply(this.response(req, "SUCCESS"));
    this.updateCommitted(req.term, req.commitIndex);
  }

  private doCompare(w: Waiting): void {
    const ok = this.h.ms.log.matches(w.req.entry!);
    w.reply(this.response(w.req, ok ? "SUCCESS" : "INCONSISTENT_STATE"));
  }

  private doTruncate(w: Waiting): void {
    const { req } = w;
    const ms = this.h.ms;
    const e = req.entry!, oldEnd = ms.log.endIndex, kept = ms.log.matches(e);
    if (!ms.followerOf(req.term, req.leaderId) || !ms.truncateTo(e)) {
      w.reply(this.response(req, "INCONSISTENT_STATE"));
      return;
    }
    this.h.logChanged();
    const from = kept ? e.index + 1 : e.index;
    if (oldEnd >= from) this.h.truncated(from);
    w.reply(this.response(req, "SUCCESS"));
    this.updateCommitted(req.term, req.commitIndex);
  }

  private doCommit(w: Waiting): void {
    this.updateCommitted(w.req.term, w.req.commitIndex);
    w.reply(this.response(w.req, "SUCCESS"));
  }

  private updateCommitted(term: number, index: number): void {
    if (this.h.ms.updateCommittedIndex(term, index)) this.h.committed();
  }

  /** checkAbnormalFuture / checkAppendFuture, at most once a second. */
  private checkAbnormal(end: number): void {
    if (this.now - this.lastCheckFastForward < FAST_FORWARD_US) return;
    this.lastCheckFastForward = this.now;
    if (this.writes.size === 0) return;
    const log = this.h.ms.log;
    let min = Infinity;
    for (const i of [...this.writes.keys()].sort((a, b) => a - b)) {
      const w = this.writes.get(i)!;
      if (i <= end) { // fell behind: the ack was probably lost
        w.reply(this.response(w.req, log.matches(w.req.entry!) ? "SUCCESS" : "INCONSISTENT_STATE"));
        this.writes.delete(i);
        continue;
      }
      if (i === end + 1) return;
      if (this.now - w.arrivedUs < FAST_FORWARD_US) continue;
      if (i < min) min = i;
    }
    if (min !== Infinity) this.writes.get(min)!.reply(this.response(this.writes.get(min)!.req, "INCONSISTENT_STATE"));
  }
}

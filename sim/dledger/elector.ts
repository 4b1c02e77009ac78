// Leader election: DLedgerLeaderElector and its StateMaintainer thread
// (openmessaging/dledger 0.3.1.2, dledger/src/main/java/io/openmessaging/storage/dledger/
// DLedgerLeaderElector.java; our own code, same rules and timings).
//
// Fault model:
// - The StateMaintainer is one thread: maintainState() then sleep(10 ms), forever. Here a pass
//   runs at the first 10 ms tick (counted from the end of the previous pass) at which its time
//   condition holds, or at the next tick after an RPC handler asked for a new term.
// - Sending heartbeats or votes blocks that thread on a latch, as in Java: heartbeats until a
//   majority succeeded, all answered, or 2000 ms; votes until a majority accepted (or accepted +
//   not-ready), someone reported a leader, all answered, or 2000 + random(1000) ms.
// - Heartbeat/vote RPCs time out after 3 s (member.ts); an unanswered vote counts as UNKNOWN,
//   an unanswered heartbeat as NETWORK_ERROR.
// - Random draws (Java's Random.nextInt) come from the stream "dledger/<node>".
// - Left out: preferred leader / leadership transfer (TakeLeadershipTask, isTakingLeadership,
//   checkPreferredLeader) and the group/remoteId checks (one group per member).

import type { Node } from "../core/node.js";
import type { Rng } from "../core/random.js";
import { Alarm, Latch } from "./alarm.js";
import type { MemberState } from "./state.js";
import {
  msToUs, NEVER, type DLedgerConfig, type DLedgerEvent, type HeartBeatRequest, type HeartBeatResponse,
  type Role, type VoteRequest, type VoteResponse, type VoteResult,
} from "./types.js";

type ParseResult = "WAIT_TO_REVOTE" | "REVOTE_IMMEDIATELY" | "PASSED" | "WAIT_TO_VOTE_NEXT";

export interface ElectorHost {
  node: Node;
  ms: MemberState;
  cfg: DLedgerConfig;
  rng: Rng;
  sendVote(peer: string, req: VoteRequest, cb: (r: VoteResponse) => void): void;
  sendHeartBeat(peer: string, req: HeartBeatRequest, cb: (r: HeartBeatResponse) => void): void;
  /** handleRoleChange: called at every changeRoleTo*, even when the role stays the same. */
  roleChanged(term: number, role: Role): void;
  emit(e: DLedgerEvent): void;
  /** The simulated node name of a member id (for events). */
  nodeNameOf(id: string): string;
}

export class LeaderElector {
  private lastLeaderHeartBeatTime = NEVER;
  private lastSendHeartBeatTime = NEVER;
  private lastSuccHeartBeatTime = NEVER;
  private nextTimeToRequestVote = NEVER;
  private needIncreaseTermImmediately = false;
  private lastParseResult: ParseResult = "WAIT_TO_REVOTE";
  /** The maintainer thread waits on a heartbeat or vote latch. */
  private blocked = false;
  /** When the last pass ended: ticks are base + k × 10 ms. */
  private base = 0;
  private readonly alarm: Alarm;
  private readonly hbUs: number;
  private readonly leakUs: number;

  constructor(private readonly h: ElectorHost) {
    this.alarm = new Alarm(h.node, () => this.pass());
    this.hbUs = msToUs(h.cfg.heartBeatTimeIntervalMs);
    this.leakUs = msToUs(h.cfg.heartBeatTimeIntervalMs * h.cfg.maxHeartBeatLeak);
  }

  private get now(): number { return this.h.node.engine.nowUs; }

  /** StateMaintainer.start(): the first pass right away. */
  start(): void {
    this.base = this.now;
    this.alarm.reset(this.now);
  }

  // ---- RPC handlers ---------------------------------------------------------

  handleHeartBeat(req: HeartBeatRequest): HeartBeatResponse {
    const ms = this.h.ms;
    if (!ms.isPeerMember(req.leaderId)) return { term: ms.currTerm, code: "UNKNOWN_MEMBER" };
    if (ms.selfId === req.leaderId) return { term: ms.currTerm, code: "UNEXPECTED_MEMBER" };
    if (req.term < ms.currTerm) return { term: ms.currTerm, code: "EXPIRED_TERM" };
    if (req.term === ms.currTerm) {
      if (ms.leaderId === null) {
        this.changeRoleToFollower(req.term, req.leaderId);
        return { term: -1, code: "SUCCESS" };
      }
      if (req.leaderId === ms.leaderId) {
        this.lastLeaderHeartBeatTime = this.now;
        return { term: -1, code: "SUCCESS" };
      }
      return { term: -1, code: "INCONSISTENT_LEADER" };
    }
    // A larger term: become a candidate first; the maintainer adopts the term at its next tick.
    this.changeRoleToCandidate(req.term);
    this.askForNewTerm();
    return { term: -1, code: "TERM_NOT_READY" };
  }

  /** handleVote, reported as an election.vote event. */
  vote(req: VoteRequest, self: boolean): VoteResponse {
    const r = this.handleVote(req, self);
    this.h.emit({ type: "election.vote", node: this.h.node.name, term: req.term,
      candidate: this.h.nodeNameOf(req.leaderId), granted: r.result === "ACCEPT", result: r.result });
    return r;
  }

  private handleVote(req: VoteRequest, self: boolean): VoteResponse {
    const ms = this.h.ms;
    const reply = (result: VoteResult, term = ms.currTerm): VoteResponse => ({ term, result });
    if (!ms.isPeerMember(req.leaderId)) return reply("REJECT_UNKNOWN_LEADER");
    if (!self && ms.selfId === req.leaderId) return reply("REJECT_UNEXPECTED_LEADER");
    // The candidate's log must be at least as up to date as ours (checked before the term).
    if (req.ledgerEndTerm < ms.ledgerEndTerm) return reply("REJECT_EXPIRED_LEDGER_TERM");
    if (req.ledgerEndTerm === ms.ledgerEndTerm && req.ledgerEndIndex < ms.ledgerEndIndex) {
      return reply("REJECT_SMALL_LEDGER_END_INDEX");
    }
    if (req.term < ms.currTerm) return reply("REJECT_EXPIRED_VOTE_TERM");
    if (req.term === ms.currTerm) {
      const v = ms.voteFor;
      if (v !== null && v !== req.leaderId) {
        return reply(ms.leaderId !== null ? "REJECT_ALREADY_HAS_LEADER" : "REJECT_ALREADY_VOTED");
      }
    } else {
      this.changeRoleToCandidate(req.term);
      this.askForNewTerm();
      return reply("REJECT_TERM_NOT_READY");
    }
    if (req.term < ms.ledgerEndTerm) return reply("REJECT_TERM_SMALL_THAN_LEDGER", ms.ledgerEndTerm);
    ms.setVoteFor(req.leaderId);
    return reply("ACCEPT");
  }

  // ---- role changes -----------------------------------------------------------

  private changeRoleToLeader(term: number): void {
    const ms = this.h.ms;
    if (ms.currTerm !== term) return;
    ms.changeToLeader(term);
    this.lastSendHeartBeatTime = NEVER;
    this.h.emit({ type: "election.won", node: this.h.node.name, term });
    this.h.roleChanged(term, "LEADER");
  }

  private changeRoleToCandidate(term: number): void {
    if (term < this.h.ms.currTerm) return;
    this.h.ms.changeToCandidate(term);
    this.h.roleChanged(term, "CANDIDATE");
  }

  private changeRoleToFollower(term: number, leaderId: string): void {
    this.lastParseResult = "WAIT_TO_REVOTE";
    this.h.ms.changeToFollower(term, leaderId);
    this.lastLeaderHeartBeatTime = this.now;
    this.h.roleChanged(term, "FOLLOWER");
  }

  private askForNewTerm(): void {
    this.needIncreaseTermImmediately = true;
    if (!this.blocked) this.alarm.set(this.tickAfter(this.now));
  }

  // ---- the StateMaintainer thread ---------------------------------------------------

  /** The first tick strictly after `t`. */
  private tickAfter(t: number): number {
    const p = msToUs(this.h.cfg.stateMaintainerSleepMs);
    return this.base + p * Math.max(1, Math.floor((t - this.base) / p) + 1);
  }

  private pass(): void {
    if (this.blocked) return;
    const role = this.h.ms.role;
    if (role === "LEADER") this.maintainAsLeader();
    else if (role === "FOLLOWER") this.maintainAsFollower();
    else this.maintainAsCandidate();
    if (!this.blocked) this.endPass();
  }

  /** sleep(10) after a pass; then sleep on until the pass can do something. */
  private endPass(): void {
    this.blocked = false;
    this.base = this.now;
    const role = this.h.ms.role;
    let at: number;
    if (role === "LEADER") at = this.tickAfter(this.lastSendHeartBeatTime + this.hbUs);
    else if (role === "FOLLOWER") at = this.tickAfter(this.lastLeaderHeartBeatTime + Math.max(this.leakUs, 2 * this.hbUs));
    else at = this.needIncreaseTermImmediately ? this.tickAfter(this.now) : this.tickAfter(this.nextTimeToRequestVote - 1);
    this.alarm.reset(at);
  }

  private maintainAsLeader(): void {
    const ms = this.h.ms;
    if (this.now - this.lastSendHeartBeatTime <= this.hbUs || ms.role !== "LEADER") return;
    this.lastSendHeartBeatTime = this.now;
    this.sendHeartbeats(ms.currTerm, ms.leaderId!);
  }

  private maintainAsFollower(): void {
    const ms = this.h.ms;
    const elapsed = this.now - this.lastLeaderHeartBeatTime;
    if (elapsed > 2 * this.hbUs && ms.role === "FOLLOWER" && elapsed > this.leakUs) this.changeRoleToCandidate(ms.currTerm);
  }

  private sendHeartbeats(term: number, leaderId: string): void {
    const ms = this.h.ms;
    let all = 1, succ = 1, notReady = 0, maxTerm = -1, inconsistent = false;
    const latch = this.latch(this.hbUs, () => {
      if (ms.isQuorum(succ)) this.lastSuccHeartBeatTime = this.now;
      else if (ms.isQuorum(succ + notReady)) this.lastSendHeartBeatTime = NEVER;
      else if (maxTerm > term) this.changeRoleToCandidate(maxTerm);
      else if (inconsistent) this.changeRoleToCandidate(term);
      else if (this.now - this.lastSuccHeartBeatTime > this.leakUs) this.changeRoleToCandidate(term);
    });
    for (const id of ms.peerIds) {
      if (id === ms.selfId) continue;
      this.h.sendHeartBeat(id, { leaderId, term }, (r) => {
        if (r.code === "SUCCESS") succ++;
        else if (r.code === "EXPIRED_TERM") maxTerm = r.term;
        else if (r.code === "INCONSISTENT_LEADER") inconsistent = true;
        else if (r.code === "TERM_NOT_READY") notReady++;
        if (ms.isQuorum(succ) || ms.isQuorum(succ + notReady)) latch.countDown();
        if (++all === ms.peerSize) latch.countDown();
      });
    }
    latch.armed();
  }

  private maintainAsCandidate(): void {
    const ms = this.h.ms;
    if (this.now < this.nextTimeToRequestVote && !this.needIncreaseTermImmediately) return;
    if (ms.role !== "CANDIDATE") return;
    let term: number;
    if (this.lastParseResult === "WAIT_TO_VOTE_NEXT" || this.needIncreaseTermImmediately) {
      term = ms.nextTerm();
      this.lastParseResult = "WAIT_TO_REVOTE";
    } else {
      term = ms.currTerm;
    }
    if (this.needIncreaseTermImmediately) {
      this.nextTimeToRequestVote = this.nextVoteTime();
      this.needIncreaseTermImmediately = false;
      return;
    }
    this.h.emit({ type: "election.start", node: this.h.node.name, term });
    this.requestVotes(term, ms.ledgerEndTerm, ms.ledgerEndIndex);
  }

  private requestVotes(term: number, ledgerEndTerm: number, ledgerEndIndex: number): void {
    const ms = this.h.ms, cfg = this.h.cfg;
    let knownMaxTerm = term, all = 0, valid = 0, accepted = 0, notReady = 0, biggerLedger = 0;
    let alreadyHasLeader = false;
    const latch = this.latch(NaN, () => {
      // parse the votes; wait >= 0: next vote at nextVoteTime() + wait
      let parse: ParseResult = "WAIT_TO_REVOTE", wait = -1;
      if (knownMaxTerm > term) { parse = "WAIT_TO_VOTE_NEXT"; wait = 0; }
      else if (alreadyHasLeader) wait = this.leakUs;
      else if (!ms.isQuorum(valid)) wait = 0;
      else if (!ms.isQuorum(valid - biggerLedger)) wait = msToUs(cfg.maxVoteIntervalMs);
      else if (ms.isQuorum(accepted)) parse = "PASSED";
      else if (ms.isQuorum(accepted + notReady)) parse = "REVOTE_IMMEDIATELY";
      else { parse = "WAIT_TO_VOTE_NEXT"; wait = 0; }
      if (wait >= 0) this.nextTimeToRequestVote = this.nextVoteTime() + wait;
      if (knownMaxTerm > term) this.changeRoleToCandidate(knownMaxTerm);
      this.lastParseResult = parse;
      if (parse === "PASSED") this.changeRoleToLeader(term);
    });
    const onResult = (x: VoteResponse): void => {
      if (x.result !== "UNKNOWN") valid++;
      switch (x.result) {
        case "ACCEPT": accepted++; break;
        case "REJECT_ALREADY_HAS_LEADER": alreadyHasLeader = true; break;
        case "REJECT_TERM_SMALL_THAN_LEDGER":
        case "REJECT_EXPIRED_VOTE_TERM": if (x.term > knownMaxTerm) knownMaxTerm = x.term; break;
        case "REJECT_EXPIRED_LEDGER_TERM":
        case "REJECT_SMALL_LEDGER_END_INDEX": biggerLedger++; break;
        case "REJECT_TERM_NOT_READY": notReady++; break;
        default: break;
      }
      if (alreadyHasLeader || ms.isQuorum(accepted) || ms.isQuorum(accepted + notReady)) latch.countDown();
      if (++all === ms.peerSize) latch.countDown();
    };
    const req: VoteRequest = { leaderId: ms.selfId, term, ledgerEndTerm, ledgerEndIndex };
    for (const id of ms.peerIds) {
      if (id === ms.selfId) onResult(this.vote(req, true));
      else this.h.sendVote(id, req, onResult);
    }
    // voteLatch.await(2000 + random.nextInt(maxVoteIntervalMs)), drawn after the requests went out.
    latch.armed(msToUs(2000 + this.h.rng.int(cfg.maxVoteIntervalMs)));
  }

  /** getNextTimeToRequestVote: now + min + nextInt(max - min) ms. */
  private nextVoteTime(): number {
    const { minVoteIntervalMs: min, maxVoteIntervalMs: max } = this.h.cfg;
    return this.now + msToUs(min + this.h.rng.int(max - min));
  }

  /** The maintainer thread blocks on a latch; `then` runs when it opens, then the thread sleeps. */
  private latch(waitUs: number, then: () => void): Latch {
    this.blocked = true;
    return new Latch(this.h.node, waitUs, () => { then(); this.endPass(); });
  }
}

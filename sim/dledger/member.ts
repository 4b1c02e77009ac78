// One DLedger replica inside a process: DLedgerServer wiring (openmessaging/dledger 0.3.1.2,
// DLedgerServer.java, DLedgerRpcNettyService.java) plus the new-leader readiness wait that
// RocketMQ's broker runs (apache/rocketmq broker/.../dledger/DLedgerRoleChangeHandler.java).
// A broker process hosts one member per replica; this module does not know about brokers.
//
// Fault model:
// - Members talk over the simulated remoting layer (RemotingClient/RemotingServer): vote,
//   heartbeat and push requests time out after 3 s; connecting takes at most 3 s; a timed-out
//   request closes its channel (clientCloseSocketIfTimeout); idle channels close after 120 s.
// - Everything in memory (role, leader, timers, pending appends) dies with the process; the
//   term, vote, log and commit index are on the node's disk (log.ts). A power loss keeps only
//   flushed entries: the host calls dledgerPowerLoss(node) after a power-off.
// - The flusher makes appended entries durable flushFileIntervalMs (10 ms) after the first
//   unflushed append; with flushFileIntervalMs = 0 only flush() does.
// - A new leader is "ready" (may serve writes, as RocketMQ's SYNC_MASTER) once its log end
//   equals its commit index and the host's own check passes, re-checked every 100 ms.
// - Not modelled: preferred leader / leadership transfer, snapshots, retention, batch push,
//   the client protocol (APPEND/GET/METADATA requests from remote clients), multi-group proxying.

import type { Node } from "../core/node.js";
import type { RandomStreams } from "../core/random.js";
import type { Transport } from "../remoting/channel.js";
import { RemotingClient, RemotingServer, type Request, type Response } from "../remoting/rpc.js";
import { EntryDispatcher } from "./dispatcher.js";
import { LeaderElector } from "./elector.js";
import { EntryHandler } from "./handler.js";
import { dledgerDiskOf, type EntryLog } from "./log.js";
import { QuorumAckChecker } from "./quorum.js";
import { MemberState } from "./state.js";
import {
  DLEDGER_DEFAULTS, DLedgerRequestCode, msToUs, type AppendDone, type DLedgerConfig, type DLedgerEvent,
  type HeartBeatResponse, type PushRequest, type PushResponse, type Role, type VoteResponse,
} from "./types.js";

export interface DLedgerMemberOptions {
  node: Node;
  transport: Transport;
  streams: RandomStreams;
  /** This member's id (dLegerSelfId), e.g. "n0". */
  selfId: string;
  /** Every member, self included: id -> "ip:port" (dLegerPeers). We listen on our own port. */
  peers: Record<string, string>;
  config?: Partial<DLedgerConfig>;
  /** Every DLedger role change (RoleChangeHandler.handle), repeated roles included. */
  onRoleChange?(role: Role, term: number, leaderId: string | null): void;
  /** This member leads `term` and its log is all committed: it may serve writes now. */
  onLeaderReady?(term: number): void;
  /** committedIndex advanced (leader or follower). */
  onCommitted?(committedIndex: number): void;
  /** A follower dropped or rewrote its entries from `fromIndex` on (never committed ones). */
  onTruncated?(fromIndex: number): void;
  /** Trace-like events, for the host to put in the trace. */
  onEvent?(e: DLedgerEvent): void;
  /** Extra readiness condition for a new leader (RocketMQ: dispatchBehindBytes() == 0). */
  leaderReadyCheck?(): boolean;
  /** Time a follower append takes (µs): the host's disk write cost; default instant. */
  appendCostUs?(): number;
}

export class DLedgerMember {
  readonly ms: MemberState;
  readonly cfg: DLedgerConfig;
  private readonly elector: LeaderElector;
  private readonly checker: QuorumAckChecker;
  private readonly dispatchers: EntryDispatcher[] = [];
  private readonly handler: EntryHandler;
  private readonly client: RemotingClient;
  private readonly nodeNames = new Map<string, string>();
  private readyTerm = -1;
  private lastRole: Role = "CANDIDATE";
  private flushTimer = 0;

  constructor(private readonly o: DLedgerMemberOptions) {
    const { node } = o;
    this.cfg = { ...DLEDGER_DEFAULTS, ...o.config };
    this.ms = new MemberState(o.selfId, o.peers, dledgerDiskOf(node));
    for (const [id, addr] of Object.entries(o.peers)) {
      this.nodeNames.set(id, o.transport.nodeByIp(addr.split(":")[0])?.name ?? id);
    }
    this.client = new RemotingClient(node, o.transport, {
      connectTimeoutUs: msToUs(this.cfg.connectTimeoutMs),
      closeSocketIfTimeout: this.cfg.closeSocketIfTimeout,
      idleUs: msToUs(this.cfg.channelIdleSeconds * 1000),
    });
    const base = { node, ms: this.ms, cfg: this.cfg };
    this.checker = new QuorumAckChecker({ ...base, committed: () => this.committed() });
    this.handler = new EntryHandler({
      ...base, logChanged: () => this.scheduleFlush(), committed: () => this.committed(),
      truncated: (from) => o.onTruncated?.(from),
      ...(o.appendCostUs ? { appendCostUs: o.appendCostUs } : {}),
    });
    for (const peer of this.ms.peerIds) {
      if (peer === o.selfId) continue;
      this.dispatchers.push(new EntryDispatcher({
        ...base,
        push: (p, req, cb) => this.push(p, req, cb),
        watermark: (t, p) => this.checker.watermark(t, p),
        updateWatermark: (t, p, i) => this.checker.updateWatermark(t, p, i),
        wakeChecker: () => this.checker.wake(),
      }, peer));
    }
    this.elector = new LeaderElector({
      ...base,
      rng: o.streams.get(`dledger/${node.name}`),
      sendVote: (p, req, cb) => this.call<VoteResponse>(p, DLedgerRequestCode.VOTE, req, { term: -1, result: "UNKNOWN" }, cb),
      sendHeartBeat: (p, req, cb) =>
        this.call<HeartBeatResponse>(p, DLedgerRequestCode.HEART_BEAT, req, { term: -1, code: "NETWORK_ERROR" }, cb),
      roleChanged: (term, role) => this.roleChanged(term, role),
      emit: (e) => o.onEvent?.(e),
      nodeNameOf: (id) => this.nodeNames.get(id) ?? id,
    });
  }

  /** DLedgerServer.startup(): listen on our peer port and start electing. */
  start(): void {
    const port = Number(this.o.peers[this.o.selfId].split(":")[1]);
    new RemotingServer(this.o.node, this.o.transport, port, msToUs(this.cfg.channelIdleSeconds * 1000), {
      onRequest: (_ch, req, reply) => this.onRequest(req, reply),
    });
    this.elector.start();
  }

  // ---- the host's view -----------------------------------------------------------------

  get selfId(): string { return this.ms.selfId; }
  get role(): Role { return this.ms.role; }
  get term(): number { return this.ms.currTerm; }
  get leaderId(): string | null { return this.ms.leaderId; }
  get committedIndex(): number { return this.ms.committedIndex; }
  get ledgerEndIndex(): number { return this.ms.ledgerEndIndex; }
  get ledgerEndTerm(): number { return this.ms.ledgerEndTerm; }
  get flushedIndex(): number { return this.ms.disk.flushedIndex; }
  /** The entries (read-only use: index, term, size, pos, payload). */
  get log(): EntryLog { return this.ms.log; }

  isLeader(): boolean { return this.ms.role === "LEADER"; }

  /** Leader of the current term with every entry committed (and the host's check passed). */
  isReady(): boolean { return this.ms.role === "LEADER" && this.readyTerm === this.ms.currTerm; }

  /**
   * DLedgerServer.handleAppend on the leader: append now (page cache), replicate, and call
   * `done(true, index, "SUCCESS")` once a majority has it. Fails with NOT_LEADER or
   * LEADER_PENDING_FULL synchronously (returning -1), later with WAIT_QUORUM_ACK_TIMEOUT or
   * TERM_CHANGED. Returns the entry's index; its file position is log.posAt(index).
   */
  append(entry: { size: number; payload?: unknown }, done: AppendDone): number {
    const ms = this.ms;
    if (ms.role !== "LEADER") { done(false, -1, "NOT_LEADER"); return -1; }
    const term = ms.currTerm;
    if (this.checker.isPendingFull(term)) { done(false, -1, "LEADER_PENDING_FULL"); return -1; }
    const index = ms.log.append(term, entry.size, entry.payload);
    this.scheduleFlush();
    this.checker.waitAck(term, index, done);
    for (const d of this.dispatchers) d.wake();
    return index;
  }

  /** Make entries up to `upTo` (default: all) durable. */
  flush(upTo = this.ms.ledgerEndIndex): void {
    const d = this.ms.disk;
    d.flushedIndex = Math.max(d.flushedIndex, Math.min(upTo, d.log.endIndex));
  }

  // ---- internals --------------------------------------------------------------------

  private scheduleFlush(): void {
    const every = this.cfg.flushFileIntervalMs;
    if (every <= 0 || this.flushTimer !== 0) return;
    this.flushTimer = this.o.node.after(msToUs(every), () => { this.flushTimer = 0; this.flush(); });
  }

  private committed(): void {
    this.o.onCommitted?.(this.ms.committedIndex);
  }

  private roleChanged(term: number, role: Role): void {
    const was = this.lastRole;
    this.lastRole = role;
    if (was === "LEADER" && role !== "LEADER") {
      this.readyTerm = -1;
      if (this.cfg.failPendingOnStepDown) this.checker.failAll("TERM_CHANGED");
    }
    this.o.onRoleChange?.(role, term, this.ms.leaderId);
    if (role === "LEADER") {
      for (const d of this.dispatchers) d.wake(0);
      this.checker.wake();
      this.awaitReady(term);
    }
    this.handler.wake();
  }

  /** DLedgerRoleChangeHandler's LEADER loop: ready once ledgerEndIndex == committedIndex. */
  private awaitReady(term: number): void {
    const check = (): void => {
      const ms = this.ms;
      if (ms.role !== "LEADER" || ms.currTerm !== term) return;
      const end = ms.ledgerEndIndex;
      if (end === -1 || (end === ms.committedIndex && (this.o.leaderReadyCheck?.() ?? true))) {
        this.readyTerm = term;
        this.o.onLeaderReady?.(term);
        return;
      }
      this.o.node.after(msToUs(this.cfg.leaderReadyPollMs), check);
    };
    check();
  }

  private onRequest(req: Request, reply: (r: Response) => void): void {
    const body = req.body;
    switch (req.code) {
      case DLedgerRequestCode.VOTE:
        reply({ code: 0, body: this.elector.vote(body as never, false) });
        break;
      case DLedgerRequestCode.HEART_BEAT:
        reply({ code: 0, body: this.elector.handleHeartBeat(body as never) });
        break;
      case DLedgerRequestCode.PUSH:
        this.handler.handlePush(body as PushRequest, (r) => reply({ code: 0, body: r }));
        break;
      default:
        reply({ code: 3, remark: "REQUEST_CODE_NOT_SUPPORTED" });
    }
  }

  private call<T>(peer: string, code: number, body: unknown, failed: T, cb: (r: T) => void): void {
    this.client.invoke(this.ms.peers[peer], { code, body }, msToUs(this.cfg.rpcTimeoutMs), (err, resp) => {
      cb(err !== null || !resp || resp.code !== 0 ? failed : (resp.body as T));
    });
  }

  private push(peer: string, req: PushRequest, cb: (r: PushResponse) => void): void {
    const failed: PushResponse = { code: "NETWORK_ERROR", term: req.term, index: req.entry ? req.entry.index : -1,
      beginIndex: -1, endIndex: -1 };
    this.call<PushResponse>(peer, DLedgerRequestCode.PUSH, req, failed, cb);
  }
}

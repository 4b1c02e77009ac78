// A broker group with `failover: dledger` (enableDLegerCommitLog=true): every message goes
// through the group's Raft log before it reaches the store (store/dledger/DLedgerCommitLog,
// broker/dledger/DLedgerRoleChangeHandler in apache/rocketmq).
//
// - Each broker process hosts one DLedgerMember (sim/dledger/member.ts), id n<k> for node
//   <group>-<k>, listening on ROCKETMQ_DLEDGER_PORT (40911, RocketMQ's sample configs
//   distribution/conf/dledger/broker-n0.conf; DLedger's own default is 20911).
// - A put on the leader appends to the DLedger log and is acknowledged only once a majority
//   has the entry (committed). Codes: SUCCESS -> PUT_OK, NOT_LEADER -> SERVICE_NOT_AVAILABLE,
//   WAIT_QUORUM_ACK_TIMEOUT -> IN_SYNC_REPLICAS_NOT_ENOUGH (the broker answers SYSTEM_ERROR),
//   LEADER_PENDING_FULL -> OS_PAGE_CACHE_BUSY, TERM_CHANGED -> UNKNOWN_ERROR (SYSTEM_ERROR).
// - Every member (leader and followers) applies committed entries, in log order, to its own
//   message store (the CommitLog + dispatch to consume queues): so the queues are the same on
//   every replica and a new leader serves the offsets the old one acknowledged. A new leader is
//   ready (registers as brokerId 0) once its store has applied everything committed.
//
// Fault model: the member, pending acknowledgements and in-flight applies die with the
// process; the DLedger log is on the node's disk (power loss: dledgerPowerLoss), and so is the
// index applied to the store ("dledger.applied"). Simplification: a power loss drops the
// store's unflushed tail and the log's unflushed tail independently; a replica that powers off
// and comes back does not re-apply what its store lost (the scenarios do not restart one).

import type { Node } from "../core/node.js";
import type { Env } from "../remoting/env.js";
import { DLedgerMember } from "../dledger/member.js";
import type { Code, Role } from "../dledger/types.js";
import type { PutRequest, PutResult, StorePort } from "./store-port.js";

type PutDone = (status: string, r?: PutResult) => void;

const APPLIED_KEY = "dledger.applied";
/** Bytes a message takes in a DLedger entry beyond its body (properties, headers): a rough constant. */
const ENTRY_OVERHEAD = 200;

const CODE_TO_PUT: Partial<Record<Code, string>> = {
  NOT_LEADER: "SERVICE_NOT_AVAILABLE",
  WAIT_QUORUM_ACK_TIMEOUT: "IN_SYNC_REPLICAS_NOT_ENOUGH",
  LEADER_PENDING_FULL: "OS_PAGE_CACHE_BUSY",
  TERM_CHANGED: "UNKNOWN_ERROR",
};

export interface DLedgerCommitLogHost {
  node: Node;
  env: Env;
  store: StorePort;
  selfId: string;
  peers: Record<string, string>;
  /** The member is FOLLOWER or CANDIDATE (every report: the host acts on changes). */
  onFollower(term: number): void;
  /** The member leads `term` and its store has applied everything committed. */
  onLeaderReady(term: number): void;
  /** The broker serves writes (it is registered as brokerId 0). */
  isMaster(): boolean;
}

export class DLedgerCommitLog {
  readonly member: DLedgerMember;
  private nextApply: number;
  private inflight = 0;
  private readonly replies = new Map<number, PutDone>();

  constructor(private readonly h: DLedgerCommitLogHost) {
    const applied = (h.node.disk.get(APPLIED_KEY) as number | undefined) ?? -1;
    this.nextApply = applied + 1;
    this.member = new DLedgerMember({
      node: h.node, transport: h.env.transport, streams: h.env.streams, selfId: h.selfId, peers: h.peers,
      onRoleChange: (role: Role, term) => { if (role !== "LEADER") h.onFollower(term); },
      onLeaderReady: (term) => h.onLeaderReady(term),
      onCommitted: () => this.apply(),
      onEvent: (e) => h.env.tracer.emit(e),
      leaderReadyCheck: () => this.inflight === 0 && this.nextApply > this.member.committedIndex,
    });
  }

  start(): void {
    this.member.start();
    this.apply();
  }

  /** DLedgerCommitLog#asyncPutMessage: append on the leader, answer once committed and stored. */
  putMessage(req: PutRequest, done: PutDone): void {
    if (!this.h.isMaster() || !this.member.isLeader()) { done("SERVICE_NOT_AVAILABLE"); return; }
    let index = -1;
    index = this.member.append({ size: req.bodySize + ENTRY_OVERHEAD, payload: { ...req } }, (ok, _i, code) => {
      if (ok) { this.apply(); return; }
      if (index >= 0 && !this.replies.delete(index)) return; // already answered
      done(CODE_TO_PUT[code] ?? "UNKNOWN_ERROR");
    });
    if (index >= 0) this.replies.set(index, done);
  }

  /** Hand committed entries to the store in log order; the leader answers their senders. */
  private apply(): void {
    const log = this.member.log, node = this.h.node;
    while (this.nextApply <= this.member.committedIndex) {
      const index = this.nextApply++;
      const req = log.entry(index).payload as PutRequest;
      const reply = this.replies.get(index);
      this.replies.delete(index);
      this.inflight++;
      const inc = node.incarnation;
      this.h.store.putMessage(req, (status, r) => {
        if (node.incarnation !== inc) return;
        this.inflight--;
        node.disk.set(APPLIED_KEY, index);
        reply?.(status, r);
      });
    }
  }
}

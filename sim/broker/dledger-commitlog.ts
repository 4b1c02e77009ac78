// A broker group with `failover: dledger` (enableDLegerCommitLog=true): every message goes
// through the group's Raft log before it reaches the store (store/dledger/DLedgerCommitLog,
// broker/dledger/DLedgerRoleChangeHandler in apache/rocketmq).
//
// - Each broker process hosts one DLedgerMember (sim/dledger/member.ts), id n<k> for node
//   <group>-<k>, listening on ROCKETMQ_DLEDGER_PORT (40911, RocketMQ's sample configs
//   distribution/conf/dledger/broker-n0.conf; DLedger's own default is 20911).
// - A put on the leader appends to the DLedger log and is acknowledged only once a majority
//   has the entry (committed). SUCCESS -> PUT_OK, NOT_LEADER -> SERVICE_NOT_AVAILABLE,
//   LEADER_PENDING_FULL -> OS_PAGE_CACHE_BUSY, anything else (TERM_CHANGED) -> UNKNOWN_ERROR.
//   WAIT_QUORUM_ACK_TIMEOUT (no majority within maxWaitAckTimeMs = 2.5 s): 5.x
//   DLedgerCommitLog#asyncPutMessage answers IN_SYNC_REPLICAS_NOT_ENOUGH, 4.9.8's
//   OS_PAGECACHE_BUSY ("Do not return flush_slave_timeout to the client"); the broker turns
//   both into SYSTEM_ERROR (SendMessageProcessor, 5.3.2 and 4.9.8), which is what producers
//   see. Our send processor answers OS_PAGE_CACHE_BUSY with 5.x's SYSTEM_BUSY whatever the
//   profile, so IN_SYNC_REPLICAS_NOT_ENOUGH stands for both here. A timed-out entry stays in
//   the leader's log: once a majority has it, it is committed and consumed after all (a
//   producer told the send failed may have resent it: a duplicate).
// - brokerRole and flushDiskType do not apply: the leader is SYNC_MASTER whatever is set
//   (DLedgerRoleChangeHandler), and DLedgerCommitLog#start starts only the DLedger server, not
//   the CommitLog's flush services. Durability is DLedger's own FlushDataService (every 10 ms,
//   DLedgerConfig.flushFileInterval, which 4.9's DLedgerCommitLog does not expose). So the
//   store's puts here never wait for an fsync (waitStoreMsgOK: false).
// - A follower's append (appendAsFollower: a write into the mmap'd data file) costs one page-
//   cache write of the node's disk: a slow-disk fault on a follower slows its acks (heartbeats
//   are not slowed). The leader's own append is left instant.
// - Every member (leader and followers) applies committed entries, in log order, to its own
//   message store (the CommitLog + dispatch to consume queues): so the queues are the same on
//   every replica and a new leader serves the offsets the old one acknowledged. A new leader is
//   ready (registers as brokerId 0) once its store has applied everything committed.
//
// Fault model: the member, pending acknowledgements and in-flight applies die with the
// process; the DLedger log is on the node's disk. In RocketMQ the DLedger data file *is* the
// CommitLog and the consume queues are rebuilt from it, so the store here is only ever a
// prefix of the log (message k of the store = log entry k): a restarted process applies from
// the store's message count on (whatever a crash cut short is re-applied, nothing twice), and
// a power loss (dledgerBrokerPowerLoss) keeps in the store exactly the log's flushed entries —
// what the store had flushed itself does not matter, what it lost is re-applied from the log.
// A follower whose log is rewritten below what it applied (after a majority lost power, a new
// leader with a shorter log) drops those messages from its store too.

import type { Node } from "../core/node.js";
import type { Env } from "../remoting/env.js";
import { dledgerPowerLoss } from "../dledger/log.js";
import { DLedgerMember } from "../dledger/member.js";
import { diskOf, storeFilesOf } from "../store/index.js";
import type { Code, Role } from "../dledger/types.js";
import type { PutRequest, PutResult, StorePort } from "./store-port.js";

type PutDone = (status: string, r?: PutResult) => void;

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
    this.nextApply = storedCount(h.node);
    this.member = new DLedgerMember({
      node: h.node, transport: h.env.transport, streams: h.env.streams, selfId: h.selfId, peers: h.peers,
      onRoleChange: (role: Role, term) => { if (role !== "LEADER") h.onFollower(term); },
      onLeaderReady: (term) => h.onLeaderReady(term),
      onCommitted: () => this.apply(),
      onTruncated: (from) => this.truncated(from),
      onEvent: (e) => h.env.tracer.emit(e),
      leaderReadyCheck: () => this.inflight === 0 && this.nextApply > this.member.committedIndex,
      // A follower's appendAsFollower writes the entry into the node's page cache: a disk
      // whose writes are slow (slow-disk) slows the follower's acks.
      appendCostUs: () => { const disk = diskOf(h.node); return disk.instantWrites ? 0 : disk.writeUs(); },
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
      this.h.store.putMessage({ ...req, waitStoreMsgOK: false }, (status, r) => {
        if (node.incarnation !== inc) return;
        this.inflight--;
        reply?.(status, r);
      });
    }
  }

  /** The follower's log was rewritten from `from` on: its store cannot keep what it lost. */
  private truncated(from: number): void {
    if (from >= this.nextApply) return;
    trimStore(this.h.node, from);
    this.nextApply = Math.min(this.nextApply, storedCount(this.h.node));
  }
}

/** Messages in the node's store = log entries applied (the store holds nothing else). */
function storedCount(node: Node): number {
  return storeFilesOf(node).log.count;
}

/** Keep only the store's first `count` messages (consume queues cut to match). */
function trimStore(node: Node, count: number): void {
  const files = storeFilesOf(node), log = files.log;
  if (log.count <= count) return;
  log.truncateTo(log.phyAt(count), (cqId, queueOffset) => files.cqs.byId[cqId].truncateTo(queueOffset));
}

/**
 * The fault layer calls this after a DLedger broker's node lost power (after the store's own
 * onPowerLoss): the DLedger log keeps its flushed entries, and the store keeps no more than
 * those (DLedgerCommitLog recovery: the CommitLog is the DLedger file). What the store lost
 * below that is re-applied from the log when the broker starts again.
 */
export function dledgerBrokerPowerLoss(node: Node): void {
  const kept = dledgerPowerLoss(node);
  if (kept !== null) trimStore(node, kept);
}

// DLedger (the Raft library behind RocketMQ's `enableDLegerCommitLog=true`): configuration,
// roles, the wire messages between members and the events a member reports.
//
// Modelled on openmessaging/dledger 0.3.1.2 — the version apache/rocketmq 5.3 bundles
// (pom.xml `dleger.version`) — checked against dledger HEAD d0545484 where they differ.
// Classes: DLedgerConfig, MemberState.Role, protocol/VoteResponse.RESULT,
// protocol/DLedgerResponseCode, protocol/DLedgerRequestCode, entry/DLedgerEntry.
//
// Fault model: none here (plain data and defaults). See member.ts for the whole module's.

/** MemberState.Role (UNKNOWN is never used by a running member). */
export type Role = "LEADER" | "FOLLOWER" | "CANDIDATE";

/** DLedgerConfig fields this model uses (milliseconds, as in Java), plus the remoting defaults. */
export interface DLedgerConfig {
  /** Leader heartbeat period; the follower timeout is maxHeartBeatLeak × this. */
  heartBeatTimeIntervalMs: number;
  maxHeartBeatLeak: number;
  /** Candidate back-off: now + min + random(max - min). */
  minVoteIntervalMs: number;
  maxVoteIntervalMs: number;
  /** More pending appends than this in the current term: LEADER_PENDING_FULL. */
  maxPendingRequestsNum: number;
  /** An append not acknowledged by a majority within this fails (WAIT_QUORUM_ACK_TIMEOUT). */
  maxWaitAckTimeMs: number;
  /** A push to a follower unanswered for this long is resent. */
  maxPushTimeOutMs: number;
  /** FlushDataService period; 0 = no internal flusher, the host calls flush(). */
  flushFileIntervalMs: number;
  /** DLedgerRpcNettyService: invokeAsync(..., 3000) for vote, heartbeat and push. */
  rpcTimeoutMs: number;
  /** NettyClientConfig.connectTimeoutMillis / clientCloseSocketIfTimeout (5.x default true). */
  connectTimeoutMs: number;
  closeSocketIfTimeout: boolean;
  /** Netty client and server channel idle close (clientChannelMaxIdleTimeSeconds, serverChannelMaxIdleTimeSeconds). */
  channelIdleSeconds: number;
  /** StateMaintainer.doWork: sleep(10) between passes. */
  stateMaintainerSleepMs: number;
  /** EntryDispatcher / QuorumAckChecker poll: waitForRunning(1). */
  pollMs: number;
  /** RocketMQ DLedgerRoleChangeHandler: a new leader re-checks readiness every 100 ms. */
  leaderReadyPollMs: number;
  /**
   * Fail a deposed leader's pending appends at once (TERM_CHANGED). DLedger 0.3.1.2 itself
   * leaves them pending until this member leads again (QuorumAckChecker returns early when not
   * leader); set false for that behaviour.
   */
  failPendingOnStepDown: boolean;
}

export const DLEDGER_DEFAULTS: Readonly<DLedgerConfig> = {
  heartBeatTimeIntervalMs: 2000,
  maxHeartBeatLeak: 3,
  minVoteIntervalMs: 300,
  maxVoteIntervalMs: 1000,
  maxPendingRequestsNum: 10000,
  maxWaitAckTimeMs: 2500,
  maxPushTimeOutMs: 1000,
  flushFileIntervalMs: 10,
  rpcTimeoutMs: 3000,
  connectTimeoutMs: 3000,
  closeSocketIfTimeout: true,
  channelIdleSeconds: 120,
  stateMaintainerSleepMs: 10,
  pollMs: 1,
  leaderReadyPollMs: 100,
  failPendingOnStepDown: true,
};

/** DLedgerConfig's default peers "n0-localhost:20911". */
export const DLEDGER_DEFAULT_PORT = 20911;
/** RocketMQ's sample DLedger broker configs (distribution/conf/dledger/broker-n0.conf: dLegerPeers ...:40911). */
export const ROCKETMQ_DLEDGER_PORT = 40911;

/** DLedgerRequestCode values of the requests modelled. */
export const DLedgerRequestCode = { VOTE: 51001, HEART_BEAT: 51002, PUSH: 51004 } as const;

/** DLedgerResponseCode names used by the model (NETWORK_ERROR = no answer). */
export type Code =
  | "SUCCESS" | "NETWORK_ERROR" | "UNKNOWN_MEMBER" | "UNEXPECTED_MEMBER" | "EXPIRED_TERM"
  | "NOT_LEADER" | "NOT_FOLLOWER" | "INCONSISTENT_STATE" | "INCONSISTENT_LEADER" | "REPEATED_PUSH"
  | "TERM_NOT_READY" | "PUSH_REQUEST_IS_FULL" | "TERM_CHANGED" | "WAIT_QUORUM_ACK_TIMEOUT"
  | "LEADER_PENDING_FULL";

/** VoteResponse.RESULT (REJECT_TAKING_LEADERSHIP needs preferred leaders: not modelled). */
export type VoteResult =
  | "UNKNOWN" | "ACCEPT" | "REJECT_UNKNOWN_LEADER" | "REJECT_UNEXPECTED_LEADER"
  | "REJECT_EXPIRED_VOTE_TERM" | "REJECT_ALREADY_VOTED" | "REJECT_ALREADY_HAS_LEADER"
  | "REJECT_TERM_NOT_READY" | "REJECT_TERM_SMALL_THAN_LEDGER" | "REJECT_EXPIRED_LEDGER_TERM"
  | "REJECT_SMALL_LEDGER_END_INDEX";

/** One log entry as it travels (DLedgerEntry: index, term, pos; size = body bytes). */
export interface Entry {
  index: number;
  term: number;
  size: number;
  pos: number;
  payload?: unknown;
}

export interface VoteRequest { leaderId: string; term: number; ledgerEndTerm: number; ledgerEndIndex: number }
export interface VoteResponse { term: number; result: VoteResult }
export interface HeartBeatRequest { leaderId: string; term: number }
export interface HeartBeatResponse { term: number; code: Code }

export type PushType = "APPEND" | "COMPARE" | "TRUNCATE" | "COMMIT";
export interface PushRequest {
  type: PushType;
  leaderId: string;
  term: number;
  commitIndex: number;
  entry?: Entry;
}
export interface PushResponse { code: Code; term: number; index: number; beginIndex: number; endIndex: number }

/** Trace-like events (node = simulated node name); the host adds the time. */
export type DLedgerEvent =
  | { type: "election.start"; node: string; term: number }
  | { type: "election.vote"; node: string; term: number; candidate: string; granted: boolean; result: VoteResult }
  | { type: "election.won"; node: string; term: number };

/** Result of an append: ok only once a majority has the entry (committed). */
export type AppendDone = (ok: boolean, index: number, code: Code) => void;

export const msToUs = (ms: number): number => Math.round(ms * 1000);
/** "Never happened" timestamps: Java's -1 against a currentTimeMillis() that is always huge. */
export const NEVER = -1e15;

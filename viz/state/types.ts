// Derived state of the cluster at one instant: plain, immutable data. A new state
// is made by `apply(state, event)` (see apply.ts); sub-records that an event does
// not touch are shared with the previous state, so a checkpoint is just a kept
// reference and views can skip re-rendering when a sub-record is identical.

export type NodeKind = "namesrv" | "broker" | "producer" | "consumer" | "controller";
/** Mirrors sim/core/node.ts NodeStatus, plus "new" before the first node.up. */
export type NodeStatus = "new" | "up" | "paused" | "crashed" | "off" | "stopped";

/** Static facts from node.add. */
export interface NodeInfo {
  name: string;
  kind: NodeKind;
  ip: string;
  group?: string;
  cluster?: string;
  brokerName?: string;
  brokerId?: number;
  /** Order of appearance in the trace (stable layout). */
  order: number;
}

export interface NodeState {
  status: NodeStatus;
  /** Time of the last status change. */
  since: number;
  incarnation: number;
  /** From broker.role events (at every start and at a promotion). */
  role?: string;
  /** brokerId the role came with (changes at a promotion). */
  brokerId?: number;
  epoch?: number;
}

/** A slave's HA connection to its master (key: the slave). */
export interface HaLink {
  master: string;
  connected: boolean;
  since: number;
  /** Bytes behind the master at its last report. */
  behind?: number;
  reason?: string;
}

/** The last election of a broker group (DLedger term or controller masterEpoch). */
export interface Election {
  term: number;
  phase: "electing" | "won";
  t: number;
  /** The candidate that started it (DLedger) or undefined (controller). */
  candidate?: string;
  winner?: string;
}

/** The controller's SyncStateSet of a broker group. */
export interface SyncStateSet {
  members: number[];
  epoch: number;
  masterBrokerId: number | null;
  t: number;
}

/** Where a consumer's pulls of one queue go (pull.target). */
export interface PullTarget {
  broker: string;
  brokerId: number;
  result: string;
  t: number;
}

export interface Partition {
  groups: string[][];
  oneWay: boolean;
  since: number;
}

export interface LatencyRule {
  from?: string;
  to?: string;
  latency: string;
  since: number;
}

/** One endpoint's view of a TCP channel (key: `${node}>${peer}`). */
export interface ChannelState {
  open: boolean;
  since: number;
  reason?: string;
}

/** A broker in a NameServer's table. */
export interface Registration {
  broker: string;
  brokerName: string;
  brokerId: number;
  cluster: string;
  /** When it (re)appeared in the table. */
  firstT: number;
  /** Last ns.register: the expiry countdown runs from here. */
  lastT: number;
}

export interface Removal {
  broker: string;
  brokerName: string;
  brokerId: number;
  reason: string;
  t: number;
}

export interface RouteBroker {
  brokerName: string;
  brokerAddrs: Record<string, string>;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
}

/** A client's route for one topic, as of its last client.route. */
export interface ClientRoute {
  t: number;
  brokers: RouteBroker[];
  publish: string[];
  subscribe: string[];
  error?: string;
}

export interface ClientState {
  namesrv?: string;
  routes: Record<string, ClientRoute>;
}

export interface QueueRef {
  brokerName: string;
  queueId: number;
}

/** Queues one consumer owns for one topic after its last rebalance. */
export interface Assignment {
  group: string;
  t: number;
  queues: QueueRef[];
}

export interface Counters {
  sends: number;
  /** send.result count per status. */
  results: Record<string, number>;
  stores: number;
  consumes: number;
  /** Messages stored per topic. */
  storedByTopic: Record<string, number>;
  /** Messages consumed per consumer group. */
  consumedByGroup: Record<string, number>;
}

export interface FaultMark {
  index: number;
  name?: string;
  action: string;
  nodes?: string[];
  t: number;
}

export interface VizState {
  /** Events applied so far. */
  index: number;
  /** Time of the last applied event (µs). */
  t: number;
  info: Record<string, NodeInfo>;
  nodes: Record<string, NodeState>;
  partition: Partition | null;
  latency: LatencyRule[];
  channels: Record<string, ChannelState>;
  /** NameServer -> broker node -> registration. */
  ns: Record<string, Record<string, Registration>>;
  /** NameServer -> broker node -> last removal (while it is absent). */
  nsRemoved: Record<string, Record<string, Removal>>;
  /** NameServer -> topic -> time deleted. */
  nsDeletedTopics: Record<string, Record<string, number>>;
  clients: Record<string, ClientState>;
  /** Consumer -> topic -> assignment. */
  assignments: Record<string, Record<string, Assignment>>;
  /** Slave node -> its HA link. */
  ha: Record<string, HaLink>;
  /** brokerName -> last election. */
  elections: Record<string, Election>;
  /** brokerName -> SyncStateSet (controller mode). */
  syncStateSets: Record<string, SyncStateSet>;
  /** Consumer -> `${brokerName}#${queueId}` -> pull target. */
  pulls: Record<string, Record<string, PullTarget>>;
  /** `${topic}|${brokerName}|${queueId}` -> highest stored offset. */
  queueMax: Record<string, number>;
  /** `${group}|${topic}|${brokerName}|${queueId}` -> committed offset. */
  committed: Record<string, number>;
  counters: Counters;
  faults: FaultMark[];
  ended: boolean;
}

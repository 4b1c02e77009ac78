// A scenario after loading and validation: plain data, every duration in integer
// microseconds, every name checked. The model only ever sees this shape; the YAML
// syntax (and its error messages) live in schema.ts / load.ts.

import type { Distribution } from "../core/distribution.js";

export type Profile = "4.9" | "5.3";

/** Where something was written, for messages that point back at the YAML. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** A latency: a fixed value or a distribution, in µs. */
export type LatencySpec = Distribution;

/** RocketMQ configuration overrides, keyed by RocketMQ's own names. Durations in µs. */
export interface ConfigOverrides {
  namesrv: Record<string, number | boolean | string>;
  broker: Record<string, number | boolean | string>;
  client: Record<string, number | boolean | string>;
  /** ControllerConfig keys (failover: controller). */
  controller: Record<string, number | boolean | string>;
}

export interface BrokerGroupSpec {
  name: string; // brokerName
  slaves: number;
  cluster: string; // brokerClusterName, default "DefaultCluster"
  /** Per-group broker setting overrides (same keys and units as config.broker). */
  config: Record<string, number | boolean | string>;
  /** Disk of every node in the group. */
  disk: DiskSpec;
  /**
   * How a slave becomes master: "manual" (classic: only the promote fault), "dledger" (the
   * group's nodes elect a leader: sim/broker/dledger-commitlog.ts), "controller" (5.3: a
   * controller process elects the master: sim/controller/, wired in sim/broker/broker.ts). Absent = manual.
   */
  failover?: "manual" | "dledger" | "controller";
}

/** A broker node's simulated disk. Latencies in µs; bandwidth in bytes/s. */
export interface DiskSpec {
  writeLatency: Distribution;
  fsyncLatency: Distribution;
  bandwidthBytesPerSec: number;
}

/** A size in bytes: a fixed value or a distribution (sampled values are bytes). */
export type SizeSpec = Distribution;

export interface TopicSpec {
  name: string;
  brokers: string[]; // brokerNames; default every group
  writeQueueNums: number;
  readQueueNums: number;
  perm: number; // PermName bits, default 6 (read|write)
}

export interface ClientGroupSpec {
  group: string;
  instances: number;
  topic: string;
  /** When the instances start and (optionally) stop, µs. */
  startUs: number;
  stopUs?: number;
  /** Per-group client setting overrides (same keys and units as config.client). */
  config: Record<string, number | boolean | string>;
}

export interface ProducerGroupSpec extends ClientGroupSpec {
  /** Messages per second per instance; 0 = the instance sends nothing. */
  rate: number;
  arrival: "constant" | "poisson";
  /** Stop after this many messages per instance. */
  count?: number;
  size: SizeSpec;
  /** Tags to put on messages, picked round-robin, or by weight when any weight is given. */
  tags: { tag: string; weight: number }[];
  tagPick: "round-robin" | "weighted";
  /** A unique business key per message. */
  keys: boolean;
  sendMode: "sync" | "async" | "oneway";
  /** Messages per send(Collection) call; 1 = one send per message. */
  batchSize: number;
  /** Delay level (1-18) set on every message: stored in SCHEDULE_TOPIC_XXXX, delivered later. */
  delayLevel?: number;
}

export type AllocateStrategyName = "averagely" | "circle" | "consistent-hash" | "config" | "machine-room" | "machine-room-nearby";

export interface ConsumerGroupSpec extends ClientGroupSpec {
  messageModel: "CLUSTERING" | "BROADCASTING";
  consumeType: "push" | "pull";
  /** "*" or "TagA || TagB": RocketMQ's subscription expression. */
  subscription: string;
  allocateStrategy: AllocateStrategyName;
  /** Options of the strategy: virtual nodes (consistent-hash), rooms (machine-room…), queues (config). */
  allocateOptions: { virtualNodes?: number; rooms?: string[]; queues?: { brokerName: string; queueId: number }[] };
  /** How long the listener takes per message, µs (a call of n messages takes the sum of n draws). */
  consumeTime: Distribution;
  consumeFromWhere: "CONSUME_FROM_LAST_OFFSET" | "CONSUME_FROM_FIRST_OFFSET" | "CONSUME_FROM_TIMESTAMP";
  pullBatchSize: number;
  /** DefaultMQPushConsumer.consumeMessageBatchMaxSize: messages per listener call (1..1024, default 1). */
  consumeMessageBatchMaxSize: number;
  /** MessageListenerConcurrently or MessageListenerOrderly. */
  consumeMode: "concurrently" | "orderly";
  /** Probability that one listener call fails (returns RECONSUME_LATER / SUSPEND_CURRENT_QUEUE_A_MOMENT); the whole call's messages are retried. */
  consumeFailRate: number;
  /** -1 = RocketMQ's default (16 for concurrent consumption). */
  maxReconsumeTimes: number;
}

export type FaultSpec = { atUs: number; index: number; name?: string; pos: SourcePos } & (
  | { action: "crash" | "power-off" | "pause" | "resume" | "restart" | "shutdown" | "start" | "stop" | "disk-fail" | "disk-full" | "disk-heal"; nodes: string[] }
  | { action: "slow-disk"; nodes: string[]; factor?: number; latency?: Distribution; latencyText?: string }
  | { action: "partition"; groups: string[][]; oneWay: boolean }
  | { action: "heal" }
  /** Manual failover: the operator re-registers these slaves as brokerId 0 (one per group). */
  | { action: "promote"; nodes: string[] }
  | { action: "latency"; latency: LatencySpec; latencyText: string; from?: string; to?: string }
);

// ---- expectations ---------------------------------------------------------

export type Scalar = string | number | boolean;

/** How one event field is matched. */
export type Matcher =
  | { op: "eq"; value: Scalar }
  | { op: "in"; values: Scalar[] }
  | { op: "not"; value: Scalar }
  | { op: "contains"; value: Scalar } // array field contains value
  | { op: "excludes"; value: Scalar } // array field absent or does not contain value
  | { op: "exists"; value: boolean };

export interface EventFilter {
  type: string;
  fields: Record<string, Matcher>;
}

export type Reference =
  | { kind: "at"; us: number }
  | { kind: "fault"; index: number } // resolved from a fault name or index
  | { kind: "event"; filter: EventFilter; which: "first" | "last" };

interface ExpectBase {
  label: string; // the `name:` the user gave, or a generated description
  pos: SourcePos;
  betweenUs?: [number, number]; // absolute window [from, to] in which events count
}

export type ExpectationSpec = ExpectBase &
  (
    | { kind: "happens"; filter: EventFilter; after?: Reference; withinUs?: [number, number] }
    | { kind: "never"; filter: EventFilter }
    | { kind: "count"; filter: EventFilter; equals?: number; min?: number; max?: number }
    /** A checker figure from the run summary, e.g. "lost", "byGroup.cg.duplicates", "e2eLatencyMs.p99". */
    | { kind: "metric"; metric: string; equals?: number; min?: number; max?: number }
  );

export interface NetworkSpec {
  latency: LatencySpec;
  latencyText: string;
  loss: number;
}

export interface Scenario {
  file: string;
  /** SHA-256 of the scenario file's bytes (goes into the trace header). */
  sha256: string;
  name: string;
  seed: number;
  durationUs: number;
  profile: Profile;
  config: ConfigOverrides;
  network: NetworkSpec;
  cluster: { nameservers: number; brokers: BrokerGroupSpec[] };
  topics: TopicSpec[];
  producers: ProducerGroupSpec[];
  consumers: ConsumerGroupSpec[];
  /** trace.messages=false keeps per-message events out of the trace file (checkers still see them). */
  trace: { messages: boolean };
  faults: FaultSpec[];
  expect: ExpectationSpec[];
}

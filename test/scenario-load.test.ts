// Valid scenarios resolve to the model's specs: defaults per profile, units, groups, faults.
import { createHash } from "node:crypto";
import { describe, expect, it, test } from "vitest";
import { loadScenarioText } from "../sim/scenario/load.js";
// Duration wording belongs to sim/core/duration.ts; these tests only pin where it lands.
import { formatUs, parseDurationUs } from "../sim/core/duration.js";

const FULL = `# yaml-language-server: $schema=./schema.json
name: broker power loss
seed: 7
duration: 10m
profile: "5.3"
config:
  namesrv: { scanNotActiveBrokerInterval: 10s, brokerChannelExpiredTime: 120000 }
  broker: { registerNameServerPeriod: 30s, brokerClusterName: C1, forceRegister: false }
  client: { pollNameServerInterval: 1.5s, clientChannelMaxIdleTimeSeconds: 60 }
network:
  latency: { distribution: uniform, min: 200us, max: 2ms }
  loss: 0.01
cluster:
  nameservers: 2
  brokers:
    - name: broker-a
      slaves: 1
    - name: broker-b
      cluster: Other
topics:
  - name: TopicTest
    brokers: [broker-a]
    writeQueueNums: 4
    readQueueNums: 2
    perm: 4
  - name: T2
producers:
  - { group: pg, instances: 2, topic: TopicTest }
consumers:
  - { group: cg, instances: 3, topic: NotDeclared }
faults:
  - { at: 61s, action: power-off, nodes: [broker-a-0], name: crash-a }
  - { at: 5m, action: restart, nodes: [broker-a-0] }
  - { at: 1m, action: partition, groups: [[broker-a-0], [ns-0, ns-1]], oneWay: true }
  - { at: 2m, action: heal }
  - { at: 2m, action: latency, latency: 50ms, from: broker-a-0, to: ns-0 }
  - at: 3m
    action: latency
    latency: { distribution: lognormal, median: 1ms, sigma: 0.5 }
expect:
  - name: dropped 120-130 s after its last registration
    happens: { type: ns.unregister, node: ns-0, broker: broker-a-0 }
    after: { event: { type: ns.register, node: ns-0, broker: broker-a-0 }, which: last }
    within: [120s, 130s]
  - happens: { type: ns.unregister, broker: broker-a-0, reason: [expired, channel-closed] }
    after: { fault: crash-a }
    within: 10ms
  - happens: { type: client.route, node: pg-0, publish: { excludes: broker-a } }
    after: { at: 61s }
    within: [0s, 40s]
  - never: { type: ns.unregister, node: ns-1, brokerId: { not: 0 } }
    between: [0s, 5m]
  - count: { type: ns.register, node: ns-0, broker: broker-a-0 }
    min: 3
  - happens: { type: node.down, node: { in: [broker-a-0, broker-a-1] }, how: { exists: true } }
    within: 2m
  - happens: { type: fault, index: 1 }
    after: { fault: 1 }
`;

const DEFAULT_DISK = {
  writeLatency: { distribution: "fixed", value: 20 },
  fsyncLatency: { distribution: "lognormal", median: 2_000, sigma: 0.5 },
  bandwidthBytesPerSec: 200 * 1024 * 1024,
};
const PRODUCER_DEFAULTS = {
  startUs: 0, config: {}, rate: 0, arrival: "constant", size: { distribution: "fixed", value: 1024 },
  tags: [], tagPick: "round-robin", keys: false, sendMode: "sync", batchSize: 1,
};
const CONSUMER_DEFAULTS = {
  startUs: 0, config: {}, messageModel: "CLUSTERING", consumeType: "push", subscription: "*",
  allocateStrategy: "averagely", allocateOptions: {}, consumeTime: { distribution: "fixed", value: 1_000 },
  consumeFromWhere: "CONSUME_FROM_LAST_OFFSET", pullBatchSize: 32, consumeMessageBatchMaxSize: 1, consumeMode: "concurrently", consumeFailRate: 0, maxReconsumeTimes: -1,
};

describe("a valid scenario", () => {
  const s = loadScenarioText(FULL, "full.yaml");

  test("top level, profile and config in µs", () => {
    expect(s).toMatchObject({ file: "full.yaml", name: "broker power loss", seed: 7, durationUs: 600_000_000, profile: "5.3" });
    expect(s.sha256).toBe(createHash("sha256").update(FULL).digest("hex"));
    expect(s.config).toEqual({
      namesrv: { scanNotActiveBrokerInterval: 10_000_000, brokerChannelExpiredTime: 120_000_000 },
      broker: { registerNameServerPeriod: 30_000_000, brokerClusterName: "C1", forceRegister: false },
      client: { pollNameServerInterval: 1_500_000, clientChannelMaxIdleTimeSeconds: 60_000_000 },
      controller: {},
    });
    expect(s.network).toEqual({ latency: { distribution: "uniform", min: 200, max: 2_000 }, latencyText: "uniform(200us..2ms)", loss: 0.01 });
  });

  test("cluster, topics and clients with defaults", () => {
    expect(s.cluster).toEqual({
      nameservers: 2,
      brokers: [
        { name: "broker-a", slaves: 1, cluster: "C1", config: {}, disk: DEFAULT_DISK },
        { name: "broker-b", slaves: 0, cluster: "Other", config: {}, disk: DEFAULT_DISK },
      ],
    });
    expect(s.topics).toEqual([
      { name: "TopicTest", brokers: ["broker-a"], writeQueueNums: 4, readQueueNums: 2, perm: 4 },
      { name: "T2", brokers: ["broker-a", "broker-b"], writeQueueNums: 8, readQueueNums: 8, perm: 6 },
    ]);
    expect(s.producers).toEqual([{ group: "pg", instances: 2, topic: "TopicTest", ...PRODUCER_DEFAULTS }]);
    expect(s.consumers).toEqual([{ group: "cg", instances: 3, topic: "NotDeclared", ...CONSUMER_DEFAULTS }]);
    expect(s.trace).toEqual({ messages: true });
  });

  test("faults keep file order and resolve", () => {
    const pos = (line: number, col = 5) => ({ file: "full.yaml", line, col });
    expect(s.faults).toEqual([
      { index: 0, atUs: 61_000_000, name: "crash-a", pos: pos(32), action: "power-off", nodes: ["broker-a-0"] },
      { index: 1, atUs: 300_000_000, pos: pos(33), action: "restart", nodes: ["broker-a-0"] },
      { index: 2, atUs: 60_000_000, pos: pos(34), action: "partition", groups: [["broker-a-0"], ["ns-0", "ns-1"]], oneWay: true },
      { index: 3, atUs: 120_000_000, pos: pos(35), action: "heal" },
      { index: 4, atUs: 120_000_000, pos: pos(36), action: "latency", latency: { distribution: "fixed", value: 50_000 }, latencyText: "50ms", from: "broker-a-0", to: "ns-0" },
      { index: 5, atUs: 180_000_000, pos: pos(37), action: "latency", latency: { distribution: "lognormal", median: 1_000, sigma: 0.5 }, latencyText: "lognormal(median=1ms,sigma=0.5)" },
    ]);
  });

  test("expectations", () => {
    const reg = { type: "ns.register", fields: { node: { op: "eq", value: "ns-0" }, broker: { op: "eq", value: "broker-a-0" } } };
    expect(s.expect[0]).toEqual({
      label: "dropped 120-130 s after its last registration", pos: { file: "full.yaml", line: 41, col: 5 }, kind: "happens",
      filter: { ...reg, type: "ns.unregister" },
      after: { kind: "event", filter: reg, which: "last" }, withinUs: [120_000_000, 130_000_000],
    });
    expect(s.expect[1]).toMatchObject({
      label: `ns.unregister{broker=broker-a-0,reason in [expired,channel-closed]} within [${formatUs(0)},10ms] after fault crash-a (power-off)`,
      filter: { type: "ns.unregister", fields: { reason: { op: "in", values: ["expired", "channel-closed"] } } },
      after: { kind: "fault", index: 0 }, withinUs: [0, 10_000],
    });
    expect(s.expect[2]).toMatchObject({
      filter: { fields: { publish: { op: "excludes", value: "broker-a" } } }, after: { kind: "at", us: 61_000_000 }, withinUs: [0, 40_000_000],
    });
    expect(s.expect[3]).toMatchObject({
      kind: "never", betweenUs: [0, 300_000_000], label: `never ns.unregister{node=ns-1,brokerId!=0} between [${formatUs(0)},5m]`,
      filter: { fields: { brokerId: { op: "not", value: 0 } } },
    });
    expect(s.expect[4]).toMatchObject({ kind: "count", min: 3, label: "count ns.register{node=ns-0,broker=broker-a-0} >= 3" });
    expect(s.expect[4]).not.toHaveProperty("max");
    // `within` without `after` is measured from t=0.
    expect(s.expect[5]).toMatchObject({
      after: { kind: "at", us: 0 }, withinUs: [0, 120_000_000],
      filter: { fields: { node: { op: "in", values: ["broker-a-0", "broker-a-1"] }, how: { op: "exists", value: true } } },
    });
    expect(s.expect[6]).toMatchObject({ after: { kind: "fault", index: 1 }, filter: { fields: { index: { op: "eq", value: 1 } } } });
  });
});

describe("defaults and profile", () => {
  const MIN = "name: m\nduration: 30s\ncluster:\n  brokers:\n    - name: b\n";

  test("a minimal scenario gets every default", () => {
    const s = loadScenarioText(MIN, "m.yaml");
    expect(s).toMatchObject({
      seed: 1, profile: "4.9", durationUs: 30_000_000, config: { namesrv: {}, broker: {}, client: {} },
      network: { latency: { distribution: "uniform", min: 200, max: 2_000 }, latencyText: "uniform(200us..2ms)", loss: 0 },
      cluster: { nameservers: 1, brokers: [{ name: "b", slaves: 0, cluster: "DefaultCluster", config: {}, disk: DEFAULT_DISK }] },
      topics: [], producers: [], consumers: [], trace: { messages: true }, faults: [], expect: [],
    });
  });

  test.each([["4.9", "4.9"], ["5.3", "5.3"], ['"4.9"', "4.9"], ['"5.3"', "5.3"]])("profile: %s", (written, resolved) => {
    expect(loadScenarioText(`${MIN}profile: ${written}\n`, "m.yaml").profile).toBe(resolved);
  });

  test("the seed override replaces the file's seed", () => {
    expect(loadScenarioText(`${MIN}seed: 3\n`, "m.yaml", { seed: 42 }).seed).toBe(42);
    expect(loadScenarioText(`${MIN}seed: 3\n`, "m.yaml").seed).toBe(3);
  });

  test("a plain duration latency is fixed; a bare number config is in RocketMQ's unit", () => {
    const s = loadScenarioText(`${MIN}network: { latency: 1ms }\nconfig: { broker: { registerNameServerPeriod: 10000 } }\n`, "m.yaml");
    expect(s.network).toMatchObject({ latency: { distribution: "fixed", value: 1_000 }, latencyText: "1ms" });
    expect(s.config.broker).toEqual({ registerNameServerPeriod: 10_000_000 });
  });

  test("an idle time of 0 switches idle close off, as in Netty", () => {
    const s = loadScenarioText(`${MIN}config: { namesrv: { serverChannelMaxIdleTimeSeconds: 0 } }\n`, "m.yaml");
    expect(s.config.namesrv).toEqual({ serverChannelMaxIdleTimeSeconds: 0 });
  });
});

const GROUPS = `name: groups
duration: 10m
config:
  broker: { flushDiskType: SYNC_FLUSH }
  client: { pullInterval: 0 }
cluster:
  brokers:
    - name: broker-a
      config: { flushDiskType: ASYNC_FLUSH, flushIntervalCommitLog: 200, brokerClusterName: C2 }
      disk:
        writeLatency: 50us
        fsyncLatency: { distribution: uniform, min: 1ms, max: 3ms }
        bandwidth: 1GB/s
    - name: broker-b
      disk: { bandwidth: 500KB/s }
    - name: broker-c
      disk: { bandwidth: 1000000 }
topics:
  - { name: T, readQueueNums: 4 }
producers:
  - group: p1
    topic: T
    rate: 100
    arrival: poisson
    count: 50
    size: 4KiB
    tags: [TagA, TagB]
    keys: true
    sendMode: async
    start: 1s
    stop: 2m
    config: { sendMsgTimeout: 1s, retryTimesWhenSendFailed: 5 }
  - { group: p2, topic: T, size: { distribution: uniform, min: 512B, max: 2KB }, tags: [TagA, { tag: TagB, weight: 3 }, { tag: TagC }] }
  - { group: p3, topic: T, size: { distribution: lognormal, median: 1000, sigma: 0.3 }, tags: { TagA: 1, TagB: 2.5 } }
  - { group: p4, topic: T, size: 1KB, tags: [{ tag: TagA }] }
consumers:
  - group: c1
    topic: T
    messageModel: BROADCASTING
    consumeType: pull
    subscription: "TagA||TagB "
    consumeTime: { distribution: exponential, mean: 5ms }
    consumeFromWhere: CONSUME_FROM_FIRST_OFFSET
    pullBatchSize: 16
    start: 30s
    config: { pullInterval: 0, clientChannelMaxIdleTimeSeconds: 0, consumeThreadMax: 64 }
  - { group: c2, topic: T, allocateStrategy: consistent-hash }
  - { group: c3, topic: T, allocateStrategy: consistent-hash, virtualNodes: 40 }
  - { group: c4, topic: T, allocateStrategy: machine-room, rooms: [r1, r2] }
  - { group: c5, topic: T, allocateStrategy: machine-room-nearby }
  - { group: c6, topic: T, allocateStrategy: config, queues: ["broker-a:0", "broker-b:3"] }
trace: { messages: false }
faults:
  - { at: 1s, action: stop, nodes: [p1-0, c1-0] }
  - { at: 2s, action: disk-fail, nodes: [broker-a-0] }
  - { at: 3s, action: disk-full, nodes: [broker-b-0] }
  - { at: 4s, action: disk-heal, nodes: [broker-a-0, broker-b-0] }
  - { at: 5s, action: slow-disk, nodes: [broker-a-0], factor: 10 }
  - { at: 6s, action: slow-disk, nodes: [broker-c-0], latency: { distribution: exponential, mean: 5ms } }
`;

describe("broker groups, producers, consumers, trace and disk faults", () => {
  const s = loadScenarioText(GROUPS, "g.yaml");

  test("broker groups: own config and disk; flushDiskType takes its listed values", () => {
    expect(s.config).toEqual({ namesrv: {}, broker: { flushDiskType: "SYNC_FLUSH" }, client: { pullInterval: 0 }, controller: {} });
    expect(s.cluster.brokers).toEqual([
      {
        name: "broker-a", slaves: 0, cluster: "C2",
        config: { flushDiskType: "ASYNC_FLUSH", flushIntervalCommitLog: 200_000, brokerClusterName: "C2" },
        disk: {
          writeLatency: { distribution: "fixed", value: 50 },
          fsyncLatency: { distribution: "uniform", min: 1_000, max: 3_000 },
          bandwidthBytesPerSec: 1024 ** 3,
        },
      },
      { name: "broker-b", slaves: 0, cluster: "DefaultCluster", config: {}, disk: { ...DEFAULT_DISK, bandwidthBytesPerSec: 500 * 1024 } },
      { name: "broker-c", slaves: 0, cluster: "DefaultCluster", config: {}, disk: { ...DEFAULT_DISK, bandwidthBytesPerSec: 1_000_000 } },
    ]);
  });

  test("producers: sizes in bytes (KB = KiB = 1024), tags and how they are picked", () => {
    expect(s.producers[0]).toEqual({
      group: "p1", instances: 1, topic: "T", startUs: 1_000_000, stopUs: 120_000_000,
      config: { sendMsgTimeout: 1_000_000, retryTimesWhenSendFailed: 5 },
      rate: 100, arrival: "poisson", count: 50, size: { distribution: "fixed", value: 4096 },
      tags: [{ tag: "TagA", weight: 1 }, { tag: "TagB", weight: 1 }], tagPick: "round-robin", keys: true, sendMode: "async", batchSize: 1,
    });
    expect(s.producers[1]).toMatchObject({
      size: { distribution: "uniform", min: 512, max: 2048 },
      tags: [{ tag: "TagA", weight: 1 }, { tag: "TagB", weight: 3 }, { tag: "TagC", weight: 1 }], tagPick: "weighted",
    });
    expect(s.producers[2]).toMatchObject({
      size: { distribution: "lognormal", median: 1000, sigma: 0.3 },
      tags: [{ tag: "TagA", weight: 1 }, { tag: "TagB", weight: 2.5 }], tagPick: "weighted",
    });
    // An object without a weight is not a weight given: still round-robin.
    expect(s.producers[3]).toMatchObject({ size: { distribution: "fixed", value: 1024 }, tags: [{ tag: "TagA", weight: 1 }], tagPick: "round-robin" });
    expect(s.producers[1]).not.toHaveProperty("stopUs");
    expect(s.producers[1]).not.toHaveProperty("count");
  });

  test("consumers: subscription normalised, strategy options, 0 allowed for idle times and pullInterval", () => {
    expect(s.consumers[0]).toEqual({
      group: "c1", instances: 1, topic: "T", startUs: 30_000_000,
      config: { pullInterval: 0, clientChannelMaxIdleTimeSeconds: 0, consumeThreadMax: 64 },
      messageModel: "BROADCASTING", consumeType: "pull", subscription: "TagA || TagB",
      allocateStrategy: "averagely", allocateOptions: {},
      consumeTime: { distribution: "exponential", mean: 5_000 }, consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET", pullBatchSize: 16,
      consumeMessageBatchMaxSize: 1, consumeMode: "concurrently", consumeFailRate: 0, maxReconsumeTimes: -1,
    });
    expect(s.consumers.slice(1).map((c) => [c.allocateStrategy, c.allocateOptions])).toEqual([
      ["consistent-hash", { virtualNodes: 10 }],
      ["consistent-hash", { virtualNodes: 40 }],
      ["machine-room", { rooms: ["r1", "r2"] }],
      ["machine-room-nearby", {}],
      ["config", { queues: [{ brokerName: "broker-a", queueId: 0 }, { brokerName: "broker-b", queueId: 3 }] }],
    ]);
  });

  test("trace and the new fault actions", () => {
    expect(s.trace).toEqual({ messages: false });
    expect(s.faults.map(({ pos: _pos, index: _index, ...f }) => f)).toEqual([
      { atUs: 1_000_000, action: "stop", nodes: ["p1-0", "c1-0"] },
      { atUs: 2_000_000, action: "disk-fail", nodes: ["broker-a-0"] },
      { atUs: 3_000_000, action: "disk-full", nodes: ["broker-b-0"] },
      { atUs: 4_000_000, action: "disk-heal", nodes: ["broker-a-0", "broker-b-0"] },
      { atUs: 5_000_000, action: "slow-disk", nodes: ["broker-a-0"], factor: 10 },
      { atUs: 6_000_000, action: "slow-disk", nodes: ["broker-c-0"], latency: { distribution: "exponential", mean: 5_000 }, latencyText: "exponential(mean=5ms)" },
    ]);
  });
});

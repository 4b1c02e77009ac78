import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it, test } from "vitest";
import { loadScenario, loadScenarioText } from "../sim/scenario/load.js";
import { ScenarioError } from "../sim/scenario/errors.js";
import { scenarioJsonSchemaText } from "../sim/scenario/jsonschema.js";
import { suggest } from "../sim/scenario/didyoumean.js";
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
  tags: [], tagPick: "round-robin", keys: false, sendMode: "sync",
};
const CONSUMER_DEFAULTS = {
  startUs: 0, config: {}, messageModel: "CLUSTERING", consumeType: "push", subscription: "*",
  allocateStrategy: "averagely", allocateOptions: {}, consumeTime: { distribution: "fixed", value: 1_000 },
  consumeFromWhere: "CONSUME_FROM_LAST_OFFSET", pullBatchSize: 32, consumeFailRate: 0, maxReconsumeTimes: -1,
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
      tags: [{ tag: "TagA", weight: 1 }, { tag: "TagB", weight: 1 }], tagPick: "round-robin", keys: true, sendMode: "async",
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
      consumeFailRate: 0, maxReconsumeTimes: -1,
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

const BASE = `name: t
duration: 10m
cluster:
  nameservers: 2
  brokers:
    - name: broker-a
      slaves: 1
`;

/** [what, YAML, the exact one-line message] */
const BAD: [string, string, string][] = [
  ["unknown key with a suggestion", BASE.replace("nameservers", "nameserver"),
    't.yaml:4:3 cluster.nameserver: unknown key "nameserver" (did you mean "nameservers"?)'],
  ["unknown key without a close match", `${BASE}colour: red\n`,
    't.yaml:8:1 colour: unknown key "colour"; allowed keys: name, seed, duration, profile, config, network, cluster, topics, producers, consumers, trace, faults, expect'],
  ["bad duration", BASE.replace("10m", "10 minutes"),
    `t.yaml:2:11 duration: ${parseDurationUs("10 minutes")}`],
  ["bare number duration", BASE.replace("10m", "600"),
    `t.yaml:2:11 duration: ${parseDurationUs(600)}`],
  ["unknown node in a fault", `${BASE}faults:\n  - { at: 61s, action: power-off, nodes: [broker-a-2] }\n`,
    't.yaml:9:43 faults[0].nodes[0]: no node "broker-a-2" (did you mean "broker-a-0"?); nodes are ns-0, ns-1, broker-a-0, broker-a-1'],
  ["unknown fault action", `${BASE}faults:\n  - { at: 61s, action: powr-off, nodes: [broker-a-0] }\n`,
    't.yaml:9:24 faults[0].action: unknown action "powr-off" (did you mean "power-off"?)'],
  ["key not taken by that action", `${BASE}faults:\n  - { at: 2m, action: heal, nodes: [ns-0] }\n`,
    't.yaml:9:29 faults[0].nodes: unknown key "nodes" for action "heal"; allowed keys: at, name, action'],
  ["unknown brokerName in a topic", `${BASE}topics:\n  - { name: T, brokers: [broker-b] }\n`,
    't.yaml:9:26 topics[0].brokers[0]: no broker group "broker-b" (did you mean "broker-a"?); broker groups are broker-a'],
  ["duplicate broker name", `${BASE}    - name: broker-a\n`,
    't.yaml:8:13 cluster.brokers[1].name: duplicate broker group "broker-a" (already defined at line 6)'],
  ["node name clash", `${BASE}producers:\n  - { group: ns, instances: 2, topic: T }\n`,
    't.yaml:9:14 producers[0].group: producer node "ns-0" clashes with NameServer node "ns-0" (already defined at line 4)'],
  ["unknown distribution", `${BASE}network:\n  latency: { distribution: unifrom, min: 1ms, max: 2ms }\n`,
    't.yaml:9:28 network.latency.distribution: unknown distribution "unifrom" (did you mean "uniform"?)'],
  ["distribution min above max", `${BASE}network:\n  latency: { distribution: uniform, min: 3ms, max: 2ms }\n`,
    't.yaml:9:52 network.latency.max: max (2ms) is smaller than min (3ms)'],
  ["missing required key", BASE.replace("    - name: broker-a\n      slaves: 1\n", "    - slaves: 2\n"),
    't.yaml:6:7 cluster.brokers[0]: missing required key "name"'],
  ["missing top-level key", BASE.replace("duration: 10m\n", ""),
    't.yaml:1:1 (root): missing required key "duration"'],
  ["unknown event type", `${BASE}expect:\n  - happens: { type: ns.unregistr, node: ns-0 }\n`,
    't.yaml:9:22 expect[0].happens.type: unknown event type "ns.unregistr" (did you mean "ns.unregister"?)'],
  ["unknown filter field for that type", `${BASE}expect:\n  - happens: { type: ns.unregister, reson: expired }\n`,
    't.yaml:9:37 expect[0].happens.reson: unknown key "reson" for event type ns.unregister (did you mean "reason"?)'],
  ["unknown node in a filter", `${BASE}expect:\n  - never: { type: ns.register, node: ns-2 }\n`,
    't.yaml:9:39 expect[0].never.node: no node "ns-2" (did you mean "ns-0"?); nodes are ns-0, ns-1, broker-a-0, broker-a-1, scenario'],
  ["within without happens", `${BASE}expect:\n  - never: { type: ns.unregister }\n    within: 10s\n`,
    't.yaml:10:5 expect[0].within: "within" only works with happens (this item uses never)'],
  ["reference to an unknown fault", `${BASE}faults:\n  - { name: crash-a, at: 1m, action: crash, nodes: [broker-a-0] }\nexpect:\n  - happens: { type: ns.unregister }\n    after: { fault: crash-b }\n`,
    't.yaml:12:21 expect[0].after.fault: no fault named "crash-b" (did you mean "crash-a"?); named faults are crash-a'],
  ["YAML syntax error", `${BASE}faults: [\n`,
    't.yaml:9:1 (yaml): YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ["YAML duplicate key", `${BASE}duration: 5m\n`,
    't.yaml:8:1 (yaml): YAML syntax error: Map keys must be unique'],
  ["config key typo", `${BASE}config:\n  namesrv: { scanNotActiveBrokerIntrval: 10s }\n`,
    't.yaml:9:14 config.namesrv.scanNotActiveBrokerIntrval: unknown key "scanNotActiveBrokerIntrval" in config.namesrv (did you mean "scanNotActiveBrokerInterval"?)'],
  ["config time must be positive", `${BASE}config:\n  broker: { registerNameServerPeriod: 0s }\n`,
    't.yaml:9:39 config.broker.registerNameServerPeriod: must be greater than 0, got "0s"'],
  ["value of the wrong type", BASE.replace("slaves: 1", "slaves: one"),
    't.yaml:7:15 cluster.brokers[0].slaves: expected a number, got "one"'],
  ["integer expected", BASE.replace("slaves: 1", "slaves: 1.5"),
    't.yaml:7:15 cluster.brokers[0].slaves: expected an integer, got 1.5'],
  ["unknown profile", `${BASE}profile: "5.0"\n`,
    't.yaml:8:10 profile: unknown profile "5.0" (use "4.9" or "5.3")'],
  ["fault after the end of the run", `${BASE}faults:\n  - { at: 11m, action: heal }\n`,
    't.yaml:9:11 faults[0].at: 11m is after the end of the run (duration 10m)'],
  ["node in two partition groups", `${BASE}faults:\n  - { at: 1m, action: partition, groups: [[ns-0, ns-1], [ns-1]] }\n`,
    't.yaml:9:58 faults[0].groups[1][0]: node "ns-1" is already in group 0 (a node may be in only one group)'],
  ["two kinds in one expectation", `${BASE}expect:\n  - happens: { type: node.up }\n    never: { type: node.up }\n`,
    't.yaml:10:12 expect[0].never: use only one of happens, never, count, metric per item (this one already has happens)'],
  ["count without bounds", `${BASE}expect:\n  - count: { type: ns.register }\n`,
    't.yaml:9:5 expect[0]: count needs min, max or equals'],
  ["matcher typo", `${BASE}expect:\n  - happens: { type: client.route, publish: { exclude: broker-a } }\n`,
    't.yaml:9:47 expect[0].happens.publish.exclude: unknown key "exclude" in a field matcher (did you mean "excludes"?)'],
  ["filtering on time", `${BASE}expect:\n  - never: { type: node.up, t: 5 }\n`,
    't.yaml:9:29 expect[0].never.t: the event time "t" cannot be filtered on (use between: or within: for time windows)'],
  ["not a mapping at all", "- just\n- a list\n",
    't.yaml:1:1 (root): expected a mapping (key: value), got a list'],
  // ---- broker groups ----
  ["flushDiskType value typo", `${BASE}config:\n  broker: { flushDiskType: SYNC_FLUSHH }\n`,
    't.yaml:9:28 config.broker.flushDiskType: unknown flushDiskType "SYNC_FLUSHH" (did you mean "SYNC_FLUSH"?)'],
  ["flushDiskType value far off", `${BASE}      config: { flushDiskType: SYNC }\n`,
    't.yaml:8:32 cluster.brokers[0].config.flushDiskType: unknown flushDiskType "SYNC"; use one of ASYNC_FLUSH, SYNC_FLUSH'],
  ["group config key typo", `${BASE}      config: { flushDiskTyp: SYNC_FLUSH }\n`,
    't.yaml:8:17 cluster.brokers[0].config.flushDiskTyp: unknown key "flushDiskTyp" among broker settings (did you mean "flushDiskType"?)'],
  ["group config time must be positive", `${BASE}      config: { flushIntervalCommitLog: 0 }\n`,
    't.yaml:8:41 cluster.brokers[0].config.flushIntervalCommitLog: must be greater than 0, got 0'],
  ["group cluster contradicts its brokerClusterName", `${BASE}      cluster: C1\n      config: { brokerClusterName: C2 }\n`,
    't.yaml:9:36 cluster.brokers[0].config.brokerClusterName: "C2" contradicts cluster: "C1" of this group (write only one)'],
  ["brokerRole is the master's role (slaves follow from their id)", `${BASE}      brokerRole: SLAVE\n`,
    't.yaml:8:19 cluster.brokers[0].brokerRole: unknown brokerRole "SLAVE"; use one of ASYNC_MASTER, SYNC_MASTER'],
  ["bandwidth without /s", `${BASE}      disk: { bandwidth: 200MB }\n`,
    't.yaml:8:26 cluster.brokers[0].disk.bandwidth: "200MB" is not a bandwidth; use bytes per second, or a size per second (KB = KiB = 1024 bytes) such as "500KB/s", "200MB/s", "1GB/s"'],
  ["bandwidth of 0", `${BASE}      disk: { bandwidth: 0MB/s }\n`,
    't.yaml:8:26 cluster.brokers[0].disk.bandwidth: must be greater than 0, got "0MB/s"'],
  ["disk key typo", `${BASE}      disk: { fsyncLatncy: 2ms }\n`,
    't.yaml:8:15 cluster.brokers[0].disk.fsyncLatncy: unknown key "fsyncLatncy" in disk (did you mean "fsyncLatency"?)'],
  ["disk latency without a unit", `${BASE}      disk: { writeLatency: 20 }\n`,
    `t.yaml:8:29 cluster.brokers[0].disk.writeLatency: ${parseDurationUs(20)}`],
  // ---- producers ----
  ["size with a lower-case unit", `${BASE}producers:\n  - { group: pg, topic: T, size: 4kb }\n`,
    't.yaml:9:34 producers[0].size: "4kb" is not a size; use a number and a unit (B, KB, MB, GB; KB = KiB = 1024 bytes), e.g. "512B", "1KB", "4KiB"'],
  ["size in a distribution", `${BASE}producers:\n  - { group: pg, topic: T, size: { distribution: uniform, min: 1 KB, max: 2 KBytes } }\n`,
    't.yaml:9:75 producers[0].size.max: "2 KBytes" is not a size; use a number and a unit (B, KB, MB, GB; KB = KiB = 1024 bytes), e.g. "512B", "1KB", "4KiB"'],
  ["size of 0 bytes", `${BASE}producers:\n  - { group: pg, topic: T, size: 0B }\n`,
    't.yaml:9:34 producers[0].size: a message needs at least 1 byte (RocketMQ refuses an empty body), got 0B'],
  ["fractional size", `${BASE}producers:\n  - { group: pg, topic: T, size: 1.5 }\n`,
    't.yaml:9:34 producers[0].size: a size in bytes must be a whole number, got 1.5'],
  ["tag with a space", `${BASE}producers:\n  - { group: pg, topic: T, tags: [TagA, Tag B] }\n`,
    't.yaml:9:41 producers[0].tags[1]: tag "Tag B" may not contain spaces, "|" or "*" (they have a meaning in subscriptions)'],
  ["bad tag in a weight mapping", `${BASE}producers:\n  - { group: pg, topic: T, tags: { "A|B": 2 } }\n`,
    't.yaml:9:36 producers[0].tags["A|B"]: tag "A|B" may not contain spaces, "|" or "*" (they have a meaning in subscriptions)'],
  ["tag weight of 0", `${BASE}producers:\n  - { group: pg, topic: T, tags: [{ tag: TagA, weight: 0 }] }\n`,
    't.yaml:9:56 producers[0].tags[0].weight: must be greater than 0, got 0'],
  ["tag listed twice", `${BASE}producers:\n  - { group: pg, topic: T, tags: [TagA, TagA] }\n`,
    't.yaml:9:41 producers[0].tags[1]: tag "TagA" is listed twice'],
  ["tags as a single string", `${BASE}producers:\n  - { group: pg, topic: T, tags: TagA }\n`,
    't.yaml:9:34 producers[0].tags: expected a list of tags ([TagA, TagB] or [{ tag: TagA, weight: 3 }]) or a mapping of tag: weight, got "TagA"'],
  ["sendMode typo", `${BASE}producers:\n  - { group: pg, topic: T, sendMode: one-way }\n`,
    't.yaml:9:38 producers[0].sendMode: unknown sendMode "one-way" (did you mean "oneway"?)'],
  ["stop before start", `${BASE}producers:\n  - { group: pg, topic: T, start: 2m, stop: 1m }\n`,
    't.yaml:9:45 producers[0].stop: stop (1m) must be after start (2m)'],
  ["start after the end of the run", `${BASE}producers:\n  - { group: pg, topic: T, start: 11m }\n`,
    't.yaml:9:35 producers[0].start: 11m is after the end of the run (duration 10m)'],
  ["client group config typo", `${BASE}producers:\n  - { group: pg, topic: T, config: { sendMsgTimout: 1s } }\n`,
    't.yaml:9:38 producers[0].config.sendMsgTimout: unknown key "sendMsgTimout" among client settings (did you mean "sendMsgTimeout"?)'],
  // ---- consumers ----
  ["allocateStrategy typo", `${BASE}consumers:\n  - { group: cg, topic: T, allocateStrategy: consistenthash }\n`,
    't.yaml:9:46 consumers[0].allocateStrategy: unknown allocateStrategy "consistenthash" (did you mean "consistent-hash"?)'],
  ["strategy option that does not apply", `${BASE}consumers:\n  - { group: cg, topic: T, allocateStrategy: circle, virtualNodes: 20 }\n`,
    't.yaml:9:54 consumers[0].virtualNodes: "virtualNodes" only works with allocateStrategy consistent-hash (this group uses circle)'],
  ["rooms without a machine-room strategy", `${BASE}consumers:\n  - { group: cg, topic: T, rooms: [r1] }\n`,
    't.yaml:9:28 consumers[0].rooms: "rooms" only works with allocateStrategy machine-room or machine-room-nearby (this group uses averagely)'],
  ["config strategy without queues", `${BASE}consumers:\n  - { group: cg, topic: T, allocateStrategy: config }\n`,
    't.yaml:9:46 consumers[0].allocateStrategy: allocateStrategy "config" needs queues: a list of "brokerName:queueId"'],
  ["machine-room strategy without rooms", `${BASE}consumers:\n  - { group: cg, topic: T, allocateStrategy: machine-room }\n`,
    't.yaml:9:46 consumers[0].allocateStrategy: allocateStrategy "machine-room" needs rooms: the machine rooms (consumeridcs) this group consumes'],
  ["queue not written brokerName:queueId", `${BASE}consumers:\n  - { group: cg, topic: T, allocateStrategy: config, queues: [broker-a] }\n`,
    't.yaml:9:63 consumers[0].queues[0]: expected "brokerName:queueId" such as "broker-a:0", got "broker-a"'],
  ["queue on an unknown broker", `${BASE}consumers:\n  - { group: cg, topic: T, allocateStrategy: config, queues: ["broker-b:0"] }\n`,
    't.yaml:9:63 consumers[0].queues[0]: no broker group "broker-b" (did you mean "broker-a"?); broker groups are broker-a'],
  ["queue beyond the topic's read queues", `${BASE}topics: [{ name: T, readQueueNums: 4 }]\nconsumers:\n  - { group: cg, topic: T, allocateStrategy: config, queues: ["broker-a:4"] }\n`,
    't.yaml:10:63 consumers[0].queues[0]: topic T has 4 read queues per broker (queue ids 0..3)'],
  ["subscription with an empty tag", `${BASE}consumers:\n  - { group: cg, topic: T, subscription: "TagA ||" }\n`,
    't.yaml:9:42 consumers[0].subscription: "TagA ||" has an empty tag; write "*" or tags separated by "||", e.g. "TagA || TagB"'],
  ["subscription with a single bar", `${BASE}consumers:\n  - { group: cg, topic: T, subscription: "TagA | TagB" }\n`,
    't.yaml:9:42 consumers[0].subscription: "TagA | TagB" separates tags with "|"; write "*" or tags separated by "||", e.g. "TagA || TagB"'],
  ["messageModel in lower case", `${BASE}consumers:\n  - { group: cg, topic: T, messageModel: clustering }\n`,
    't.yaml:9:42 consumers[0].messageModel: unknown messageModel "clustering" (did you mean "CLUSTERING"?)'],
  ["consume failures on a lite pull consumer", `${BASE}consumers:\n  - { group: cg, topic: T, consumeType: pull, consumeFailRate: 0.5 }\n`,
    't.yaml:9:47 consumers[0].consumeFailRate: consume failures are retried by push consumers (consumeType: push); a lite pull consumer\'s application handles its own'],
  ["consumeFailRate above 1", `${BASE}consumers:\n  - { group: cg, topic: T, consumeFailRate: 2 }\n`,
    't.yaml:9:45 consumers[0].consumeFailRate: must be at most 1, got 2'],
  ["pullBatchSize too large", `${BASE}consumers:\n  - { group: cg, topic: T, pullBatchSize: 2000 }\n`,
    't.yaml:9:43 consumers[0].pullBatchSize: must be at most 1024, got 2000'],
  ["rebalanceWaitInterval of 0 (only idle times and pullInterval may be 0)", `${BASE}consumers:\n  - { group: cg, topic: T, config: { rebalanceWaitInterval: 0 } }\n`,
    't.yaml:9:61 consumers[0].config.rebalanceWaitInterval: must be greater than 0, got 0'],
  // ---- trace and faults ----
  ["trace key typo", `${BASE}trace: { message: false }\n`,
    't.yaml:8:10 trace.message: unknown key "message" (did you mean "messages"?)'],
  ["disk fault on a producer node", `${BASE}producers:\n  - { group: pg, topic: T }\nfaults:\n  - { at: 1s, action: stop, nodes: [pg-0] }\n  - { at: 2s, action: crash, nodes: [broker-a-0] }\n  - { at: 3s, action: disk-fail, nodes: [pg-0] }\n`,
    't.yaml:13:42 faults[2].nodes[0]: "pg-0" is a producer; disk faults apply to brokers'],
  ["slow disk on a NameServer", `${BASE}faults:\n  - { at: 3s, action: slow-disk, nodes: [ns-0], factor: 2 }\n`,
    't.yaml:9:42 faults[0].nodes[0]: "ns-0" is a NameServer; disk faults apply to brokers'],
  ["slow disk with neither factor nor latency", `${BASE}faults:\n  - { at: 3s, action: slow-disk, nodes: [broker-a-0] }\n`,
    't.yaml:9:5 faults[0]: slow-disk needs factor (e.g. 10: ten times slower) or latency (e.g. 50ms)'],
  ["slow disk with both factor and latency", `${BASE}faults:\n  - { at: 3s, action: slow-disk, nodes: [broker-a-0], factor: 2, latency: 5ms }\n`,
    't.yaml:9:66 faults[0].latency: use either factor or latency, not both (factor scales the disk\'s latencies, latency replaces them)'],
  ["disk action typo", `${BASE}faults:\n  - { at: 3s, action: disk-ful, nodes: [broker-a-0] }\n`,
    't.yaml:9:23 faults[0].action: unknown action "disk-ful" (did you mean "disk-full"?)'],
];

describe("bad scenarios give one exact line", () => {
  test.each(BAD)("%s", (_what, yaml, message) => {
    let err: unknown;
    try {
      loadScenarioText(yaml, "t.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toBe(message);
    expect(message).not.toContain("\n");
  });

  test("the error reported is the first in the file, not in schema order", () => {
    const yaml = `name: t\nduration: 10m\nfaults:\n  - { at: 1s, action: explode }\ncluster:\n  nameserver: 1\n  brokers: [{ name: b }]\n`;
    expect(() => loadScenarioText(yaml, "t.yaml")).toThrow(/^t\.yaml:4:23 faults\[0\]\.action: unknown action "explode"/);
  });

  test("within a group too, the first error in the file wins", () => {
    // Both keys are schema-valid and fail only when resolved, config before disk.
    const diskFirst = `${BASE}      disk: { bandwidth: 0MB/s }\n      config: { flushIntervalCommitLog: 0 }\n`;
    expect(() => loadScenarioText(diskFirst, "t.yaml")).toThrow(/^t\.yaml:8:26 cluster\.brokers\[0\]\.disk\.bandwidth: /);
    const configFirst = `${BASE}      config: { flushIntervalCommitLog: 0 }\n      disk: { bandwidth: 0MB/s }\n`;
    expect(() => loadScenarioText(configFirst, "t.yaml")).toThrow(/^t\.yaml:8:41 cluster\.brokers\[0\]\.config\.flushIntervalCommitLog: /);
  });

  test("the error carries its parts", () => {
    try {
      loadScenarioText(BASE.replace("10m", "10x"), "t.yaml");
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ file: "t.yaml", line: 2, col: 11, keyPath: "duration" });
    }
  });
});

describe("loading files", () => {
  const dir = "test/fixtures/scenarios";

  test("a file on disk, hashed from its bytes", () => {
    const s = loadScenario(`${dir}/minimal.yaml`);
    expect(s).toMatchObject({ file: `${dir}/minimal.yaml`, name: "minimal", durationUs: 60_000_000 });
    expect(s.sha256).toBe(createHash("sha256").update(readFileSync(`${dir}/minimal.yaml`)).digest("hex"));
  });

  test("a bad file points into the file", () => {
    expect(() => loadScenario(`${dir}/bad-fault-node.yaml`)).toThrow(
      `${dir}/bad-fault-node.yaml:12:13 faults[0].nodes[0]: no node "broker-a-2" (did you mean "broker-a-0"?); nodes are ns-0, ns-1, broker-a-0, broker-a-1`,
    );
  });

  test("an unreadable file", () => {
    expect(() => loadScenario(`${dir}/nope.yaml`)).toThrow(`${dir}/nope.yaml:1:1 (file): cannot read the scenario file (no such file)`);
  });
});

test("did-you-mean only suggests close names", () => {
  expect(suggest("nameserver", ["nameservers", "brokers"])).toBe("nameservers");
  expect(suggest("porfile", ["profile"])).toBe("profile");
  expect(suggest("x", ["at", "name"])).toBeUndefined();
  expect(suggest("topics", ["faults", "expect"])).toBeUndefined();
});

test("scenarios/schema.json is up to date", () => {
  let onDisk = "";
  try {
    onDisk = readFileSync("scenarios/schema.json", "utf8");
  } catch {
    // reported below
  }
  expect(onDisk, "scenarios/schema.json is stale: regenerate it with `npx rocketsim schema > scenarios/schema.json`").toBe(scenarioJsonSchemaText());
});

describe("metric expectations", () => {
  const base = `name: m\nduration: 1m\ncluster:\n  brokers: [{ name: broker-a }]\nconsumers: [{ group: cg, topic: T }]\nexpect:\n`;
  it("resolve with bounds", () => {
    const s = loadScenarioText(`${base}  - metric: byGroup.cg.lost\n    max: 0\n  - metric: e2eLatencyMs.p99\n    max: 12.5\n`, "m.yaml");
    expect(s.expect[0]).toMatchObject({ kind: "metric", metric: "byGroup.cg.lost", max: 0, label: "byGroup.cg.lost <= 0" });
    expect(s.expect[1]).toMatchObject({ kind: "metric", metric: "e2eLatencyMs.p99", max: 12.5 });
  });
  it("reject unknown metrics and groups with a suggestion", () => {
    expect(() => loadScenarioText(`${base}  - metric: lots\n    max: 0\n`, "m.yaml")).toThrow(/m\.yaml:7:13 expect\[0\]\.metric: unknown metric "lots" \(did you mean "lost"\?\)/);
    expect(() => loadScenarioText(`${base}  - metric: byGroup.cgg.lost\n    max: 0\n`, "m.yaml")).toThrow(/no consumer group "cgg" \(did you mean "cg"\?\)/);
    expect(() => loadScenarioText(`${base}  - metric: lost\n`, "m.yaml")).toThrow(/metric needs min, max or equals/);
  });
});

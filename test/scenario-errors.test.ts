// Bad scenarios: every mistake is one exact line naming the file, line, column and key
// (exit code 2 in the CLI); loading files; the exported JSON schema; metric expectations.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it, test } from "vitest";
import { loadScenario, loadScenarioText } from "../sim/scenario/load.js";
import { ScenarioError } from "../sim/scenario/errors.js";
import { scenarioJsonSchemaText } from "../sim/scenario/jsonschema.js";
import { suggest } from "../sim/scenario/didyoumean.js";
// Duration wording belongs to sim/core/duration.ts; these tests only pin where it lands.
import { parseDurationUs } from "../sim/core/duration.js";

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
  ["orderly on a lite pull consumer", `${BASE}consumers:\n  - { group: cg, topic: T, consumeType: pull, consumeMode: orderly }\n`,
    "t.yaml:9:47 consumers[0].consumeMode: orderly consumption is a push consumer's listener (consumeType: push)"],
  ["orderly with maxReconsumeTimes", `${BASE}consumers:\n  - { group: cg, topic: T, consumeMode: orderly, maxReconsumeTimes: 3 }\n`,
    't.yaml:9:50 consumers[0].maxReconsumeTimes: an orderly listener retries in place forever (Integer.MAX_VALUE); sending it to the DLQ after maxReconsumeTimes is not modelled'],
  ["consume failures on a lite pull consumer", `${BASE}consumers:\n  - { group: cg, topic: T, consumeType: pull, consumeFailRate: 0.5 }\n`,
    't.yaml:9:47 consumers[0].consumeFailRate: consume failures are retried by push consumers (consumeType: push); a lite pull consumer\'s application handles its own'],
  ["consumeMessageBatchMaxSize on a lite pull consumer", `${BASE}consumers:\n  - { group: cg, topic: T, consumeType: pull, consumeMessageBatchMaxSize: 8 }\n`,
    't.yaml:9:47 consumers[0].consumeMessageBatchMaxSize: consumeMessageBatchMaxSize sizes a push consumer\'s listener calls (consumeType: push); a lite pull consumer has no listener (use pullBatchSize)'],
  ["consumeMessageBatchMaxSize above 1024 (DefaultMQPushConsumerImpl#checkConfig)", `${BASE}consumers:\n  - { group: cg, topic: T, consumeMessageBatchMaxSize: 1025 }\n`,
    't.yaml:9:56 consumers[0].consumeMessageBatchMaxSize: must be at most 1024, got 1025'],
  ["consumeMessageBatchMaxSize 0", `${BASE}consumers:\n  - { group: cg, topic: T, consumeMessageBatchMaxSize: 0 }\n`,
    't.yaml:9:56 consumers[0].consumeMessageBatchMaxSize: must be at least 1, got 0'],
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

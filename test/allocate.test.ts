// Allocation strategies against Apache RocketMQ.
//
// "Ported from X" cases reproduce the expectations of RocketMQ's own unit tests
// (client/src/test/java/org/apache/rocketmq/client/consumer/rebalance/X.java).
// "Golden" values were produced by RocketMQ's Java classes themselves (mirror
// commit 8fc57f1, AllocateMessageQueue* + ConsistentHashRouter + MessageQueue
// compiled with stub loggers) on the same inputs.

import { describe, expect, it } from "vitest";
import {
  compareJavaString,
  compareMessageQueue,
  messageQueue,
  messageQueueToString,
  sortJavaStrings,
  sortMessageQueues,
  type MessageQueue,
} from "../sim/client/message-queue.js";
import {
  allocateAveragely,
  allocateByCircle,
  byConfig,
  byMachineRoom,
  consistentHash,
  javaSplitAt,
  machineRoomNearby,
  md5Hash,
  strategies,
  STRATEGY_NAMES,
  type AllocateStrategy,
  type MachineRoomResolver,
} from "../sim/client/rebalance/index.js";
import { runAllocate } from "../sim/client/allocate-command.js";

const mqs = (topic: string, broker: string, n: number) => Array.from({ length: n }, (_, i) => messageQueue(topic, broker, i));
const cids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const ids = (l: MessageQueue[]) => l.map((mq) => mq.queueId);
const labels = (l: MessageQueue[]) => l.map((mq) => `${mq.brokerName}:${mq.queueId}`);
/** Every consumer's share, as RebalanceImpl would see it across the group. */
const shares = (s: AllocateStrategy, mqAll: MessageQueue[], cidAll: string[]) =>
  Object.fromEntries(cidAll.map((c) => [c, labels(s.allocate("g", c, mqAll, cidAll))]));
const avg = strategies.averagely();
const circle = strategies.circle();

describe("MessageQueue", () => {
  it("toString is Java's", () => {
    expect(messageQueueToString(messageQueue("T", "broker-a", 3))).toBe("MessageQueue [topic=T, brokerName=broker-a, queueId=3]");
  });

  it("compareJavaString returns Java's values and agrees with JS < (UTF-16 code units)", () => {
    expect(compareJavaString("abc", "abd")).toBe(-1);
    expect(compareJavaString("ab", "abcd")).toBe(-2);
    expect(compareJavaString("b", "a")).toBe(1);
    // Code units, not code points: U+1F600 is \uD83D\uDE00, below U+FF21.
    const pairs: [string, string][] = [["\u{1F600}", "\uFF21"], ["10.0.0.10@1", "10.0.0.2@1"], ["B", "a"], ["z", "é"], ["", "a"]];
    for (const [a, b] of pairs) {
      expect(compareJavaString(a, b)).toBeLessThan(0);
      expect(a < b).toBe(true);
    }
  });

  it("client ids sort as Java Strings, not numerically", () => {
    expect(sortJavaStrings(["10.0.0.2@1", "10.0.0.1@1", "10.0.0.10@1"])).toEqual(["10.0.0.10@1", "10.0.0.1@1", "10.0.0.2@1"]);
  });

  it("queues sort by topic, brokerName, then numeric queueId", () => {
    const sorted = sortMessageQueues([
      messageQueue("T", "broker-b", 0), messageQueue("T", "broker-a", 10), messageQueue("S", "broker-z", 5),
      messageQueue("T", "broker-a", 2), messageQueue("T", "Broker-c", 1),
    ]);
    expect(sorted.map(messageQueueToString)).toEqual([
      "MessageQueue [topic=S, brokerName=broker-z, queueId=5]",
      "MessageQueue [topic=T, brokerName=Broker-c, queueId=1]",
      "MessageQueue [topic=T, brokerName=broker-a, queueId=2]",
      "MessageQueue [topic=T, brokerName=broker-a, queueId=10]",
      "MessageQueue [topic=T, brokerName=broker-b, queueId=0]",
    ]);
    expect(compareMessageQueue(messageQueue("T", "b", 3), messageQueue("T", "b", 3))).toBe(0);
  });
});

describe("check (AbstractAllocateMessageQueueStrategy)", () => {
  const checked: AllocateStrategy[] = [
    avg, circle, strategies["consistent-hash"](), strategies["machine-room"]({ rooms: ["room1"] }),
    strategies["machine-room-nearby"](),
  ];
  it.each(checked.map((s) => [s.name, s] as const))("%s rejects empty arguments with RocketMQ's messages", (_n, s) => {
    const mq = mqs("T", "room1@b", 2);
    expect(() => s.allocate("g", "", mq, ["c"])).toThrow("currentCID is empty");
    expect(() => s.allocate("g", "c", [], ["c"])).toThrow("mqAll is null or mqAll empty");
    expect(() => s.allocate("g", "c", mq, [])).toThrow("cidAll is null or cidAll empty");
    // Ported from AllocateMessageQueueAveragelyByCircleTest / ConsitentHashTest#testCurrentCIDNotExists.
    expect(s.allocate("g", "CID_PREFIX", mq, cids("CID_PREFIX", 4))).toEqual([]);
  });

  it("config skips check()", () => {
    expect(byConfig([]).allocate("g", "", [], [])).toEqual([]);
  });
});

describe("averagely (AVG)", () => {
  it("ported from AllocateMessageQueueAveragelyTest: 10 queues, 4 consumers -> 3,3,2,2", () => {
    const mqAll = mqs("topic", "brokerName", 10), cidAll = cids("CID_PREFIX", 4);
    expect(cidAll.map((c) => allocateAveragely("", c, mqAll, cidAll).length)).toEqual([3, 3, 2, 2]);
  });

  it("8 queues, 3 consumers -> contiguous 3,3,2", () => {
    const mqAll = sortMessageQueues([...mqs("T", "broker-a", 4), ...mqs("T", "broker-b", 4)]);
    expect(shares(avg, mqAll, ["c1", "c2", "c3"])).toEqual({
      c1: ["broker-a:0", "broker-a:1", "broker-a:2"],
      c2: ["broker-a:3", "broker-b:0", "broker-b:1"],
      c3: ["broker-b:2", "broker-b:3"],
    });
  });

  it("more consumers than queues: the last consumers get nothing", () => {
    expect(shares(avg, mqs("T", "b", 2), ["c1", "c2", "c3"])).toEqual({ c1: ["b:0"], c2: ["b:1"], c3: [] });
  });
});

describe("circle (AVG_BY_CIRCLE)", () => {
  it("ported from AllocateMessageQueueAveragelyByCircleTest", () => {
    const mqAll = mqs("topic", "brokerName", 10), cidAll = cids("CID_PREFIX", 4);
    expect(cidAll.map((c) => ids(allocateByCircle("", c, mqAll, cidAll)))).toEqual([[0, 4, 8], [1, 5, 9], [2, 6], [3, 7]]);
  });
});

describe("config (CONFIG)", () => {
  it("ported from AllocateMessageQueueByConfigTest: everyone gets the configured list", () => {
    const mqAll = mqs("topic", "brokerName", 4), cidAll = cids("CID_PREFIX", 2);
    const s = byConfig(mqAll);
    for (const c of cidAll) expect(ids(s.allocate("", c, mqAll, cidAll))).toEqual([0, 1, 2, 3]);
  });
});

describe("machine-room (MACHINE_ROOM)", () => {
  // Ported from AllocateMessageQueueByMachineRoomTest: queues 0-4 on room1@broker-a, 5-9 on room2@broker-b.
  const mqAll = [...mqs("topic", "room1@broker-a", 10).slice(0, 5), ...mqs("topic", "room2@broker-b", 10).slice(5)];
  const cidAll = cids("CID_PREFIX", 2);
  const s = byMachineRoom(new Set(["room1"]));

  it("ported: room1 only, remainder dealt from the end -> {0,1,4}, {2,3}", () => {
    expect(ids(s.allocate("", "CID_PREFIX0", mqAll, cidAll))).toEqual([0, 1, 4]);
    expect(ids(s.allocate("", "CID_PREFIX1", mqAll, cidAll))).toEqual([2, 3]);
    expect(() => s.allocate("", "CID_PREFIX0", [], cidAll)).toThrow("mqAll is null or mqAll empty");
  });

  it("filters with Java split(\"@\") semantics", () => {
    expect(javaSplitAt("room1@broker-a")).toEqual(["room1", "broker-a"]);
    expect(javaSplitAt("room1@broker-a@")).toEqual(["room1", "broker-a"]);
    expect(javaSplitAt("a@b@c")).toEqual(["a", "b", "c"]);
    expect(javaSplitAt("broker-a")).toEqual(["broker-a"]);
    expect(javaSplitAt("")).toEqual([""]);
    expect(javaSplitAt("@")).toEqual([]);
    const odd = [messageQueue("T", "room1@b@", 0), messageQueue("T", "room1@b@c", 0), messageQueue("T", "room1", 0)];
    expect(labels(s.allocate("", "c", odd, ["c"]))).toEqual(["room1@b@:0"]);
  });
});

describe("consistent-hash (CONSISTENT_HASH)", () => {
  const ch3 = consistentHash(3);

  it("MD5Hash matches Java (golden), including '?' for a lone surrogate", () => {
    expect(md5Hash("CID-0-0")).toBe(1900518137);
    expect(md5Hash("MessageQueue [topic=topic_test, brokerName=brokerName, queueId=0]")).toBe(2171879703);
    expect(md5Hash("\uD800")).toBe(3510991730);
    expect(md5Hash("\uD800")).toBe(md5Hash("?"));
  });

  it("golden: default 10 virtual nodes", () => {
    const mqAll = [...mqs("TopicTest", "broker-a", 4), ...mqs("TopicTest", "broker-b", 4)];
    expect(shares(consistentHash(), mqAll, ["c1", "c2", "c3"])).toEqual({
      c1: ["broker-a:0", "broker-b:3"],
      c2: ["broker-a:1", "broker-b:0", "broker-b:1"],
      c3: ["broker-a:2", "broker-a:3", "broker-b:2"],
    });
    expect(shares(strategies["consistent-hash"](), mqAll, ["10.0.0.10@1", "10.0.0.1@1", "10.0.0.2@1"])).toEqual({
      "10.0.0.10@1": ["broker-a:0", "broker-a:2", "broker-b:0", "broker-b:1"],
      "10.0.0.1@1": ["broker-a:1"],
      "10.0.0.2@1": ["broker-a:3", "broker-b:2", "broker-b:3"],
    });
  });

  // The inputs of AllocateMessageQueueConsitentHashTest#testAllocate(20, 10): 3 virtual nodes.
  const mqAll = mqs("topic_test", "brokerName", 20);
  const before = cids("CID-", 10);
  const owner = (cidAll: string[]) => {
    const m = new Map<number, string>();
    for (const c of cidAll) for (const mq of ch3.allocate("testConsumerGroup", c, mqAll, cidAll)) {
      expect(m.has(mq.queueId)).toBe(false); // nobody else holds it
      m.set(mq.queueId, c);
    }
    expect(m.size).toBe(mqAll.length); // everything is held
    return m;
  };

  it("golden: testAllocate(20, 10) inputs", () => {
    expect(Object.fromEntries([...owner(before)].sort((a, b) => a[0] - b[0]))).toEqual({
      0: "CID-7", 1: "CID-8", 2: "CID-7", 3: "CID-0", 4: "CID-2", 5: "CID-0", 6: "CID-3", 7: "CID-3", 8: "CID-0",
      9: "CID-3", 10: "CID-5", 11: "CID-5", 12: "CID-7", 13: "CID-8", 14: "CID-8", 15: "CID-5", 16: "CID-9",
      17: "CID-5", 18: "CID-0", 19: "CID-0",
    });
  });

  it("ported from testAllocate: removing or adding one consumer only moves its own queues", () => {
    const orig = owner(before);
    const afterRemove = owner(before.slice(1));
    for (const [q, c] of orig) if (c !== "CID-0") expect(afterRemove.get(q)).toBe(c);
    const afterAdd = owner([...before.slice(1), "CID-NEW"]);
    for (const [q, c] of afterAdd) if (c !== "CID-NEW") expect(afterRemove.get(q)).toBe(c);
    // Golden: CID-NEW takes exactly the queues CID-0 lost.
    expect([...afterAdd].filter(([, c]) => c === "CID-NEW").map(([q]) => q)).toEqual([3, 5, 8, 18, 19]);
  });

  it("ported from testAllocate(10, 20) and stable across calls", () => {
    const few = mqs("topic_test", "brokerName", 10), many = cids("CID-", 20);
    const once = shares(ch3, few, many);
    expect(shares(ch3, few, many)).toEqual(once);
    expect(Object.values(once).flat().sort()).toEqual(labels(few).sort());
  });

  it("0 virtual nodes allocates nothing; negative is rejected", () => {
    expect(consistentHash(0).allocate("g", "c", mqAll, ["c"])).toEqual([]);
    expect(() => consistentHash(-1)).toThrow("illegal virtualNodeCnt :-1");
  });
});

describe("machine-room-nearby (MACHINE_ROOM_NEARBY-<inner>)", () => {
  // AllocateMachineRoomNearByTest's resolver: room = text before the first "-".
  const dash: MachineRoomResolver = { brokerRoom: (mq) => mq.brokerName.split("-")[0], consumerRoom: (c) => c.split("-")[0] };
  const nearby = machineRoomNearby(avg, dash);
  const prepareMQ = (rooms: number, n: number) => Array.from({ length: rooms }, (_, i) => mqs("topic_test", `IDC${i + 1}-brokerName`, n)).flat();
  const prepareConsumer = (rooms: number, n: number) => Array.from({ length: rooms }, (_, i) => cids(`IDC${i + 1}-CID-`, n)).flat();
  const run = (mqAll: MessageQueue[], cidAll: string[]) => cidAll.map((c) => ({ c, got: nearby.allocate("Test-C-G", c, mqAll, cidAll) }));
  const allOnce = (mqAll: MessageQueue[], got: MessageQueue[]) => expect(labels(got).sort()).toEqual(labels(mqAll).sort());

  it("ported from test1 (testWhenIDCSizeEquals): every queue stays in its room", () => {
    for (const consumers of [10, 20, 30]) {
      const mqAll = prepareMQ(5, 20), cidAll = prepareConsumer(5, consumers);
      const res = run(mqAll, cidAll);
      for (const { c, got } of res) for (const mq of got) expect(dash.brokerRoom(mq)).toBe(dash.consumerRoom(c));
      allOnce(mqAll, res.flatMap((r) => r.got));
    }
  });

  it("ported from test2 (testWhenConsumerIDCIsMore): consumer-only rooms take nothing of covered rooms", () => {
    for (const consumers of [10, 5, 20]) {
      const mqAll = prepareMQ(5, 10), cidAll = prepareConsumer(6, consumers);
      const res = run(mqAll, cidAll);
      for (const { c, got } of res) for (const mq of got) expect(dash.brokerRoom(mq)).toBe(dash.consumerRoom(c));
      allOnce(mqAll, res.flatMap((r) => r.got));
    }
  });

  it("ported from test3 (testWhenConsumerIDCIsLess): rooms without consumers are shared by all", () => {
    for (const consumers of [10, 5, 20]) {
      const mqAll = prepareMQ(5, 10), cidAll = prepareConsumer(3, consumers);
      const res = run(mqAll, cidAll);
      allOnce(mqAll, res.flatMap((r) => r.got));
      for (const room of ["IDC1", "IDC2", "IDC3"]) {
        const inRoom = res.filter((r) => r.c.startsWith(`${room}-`)).flatMap((r) => labels(r.got));
        expect(inRoom).toEqual(expect.arrayContaining(labels(mqs("topic_test", `${room}-brokerName`, 10))));
      }
    }
  });

  it("golden: room3 has no consumer, its queues are shared after own-room queues", () => {
    const mqAll = [...mqs("TopicTest", "room1@broker-a", 4), ...mqs("TopicTest", "room2@broker-b", 4), ...mqs("TopicTest", "room3@broker-c", 3)];
    const cidAll = ["room1@c1", "room1@c2", "room2@c3"];
    const s = strategies["machine-room-nearby"]();
    expect(s.name).toBe("MACHINE_ROOM_NEARBY-AVG");
    expect(shares(s, mqAll, cidAll)).toEqual({
      "room1@c1": ["room1@broker-a:0", "room1@broker-a:1", "room3@broker-c:0"],
      "room1@c2": ["room1@broker-a:2", "room1@broker-a:3", "room3@broker-c:1"],
      "room2@c3": ["room2@broker-b:0", "room2@broker-b:1", "room2@broker-b:2", "room2@broker-b:3", "room3@broker-c:2"],
    });
    expect(shares(strategies["machine-room-nearby"]({ inner: "consistent-hash" }), mqAll, cidAll)).toEqual({
      "room1@c1": ["room1@broker-a:1", "room3@broker-c:0", "room3@broker-c:2"],
      "room1@c2": ["room1@broker-a:0", "room1@broker-a:2", "room1@broker-a:3"],
      "room2@c3": ["room2@broker-b:0", "room2@broker-b:1", "room2@broker-b:2", "room2@broker-b:3", "room3@broker-c:1"],
    });
  });

  it("consumerRooms map, and RocketMQ's errors for a missing room", () => {
    const s = strategies["machine-room-nearby"]({ consumerRooms: { c1: "room1", c2: "room2" } });
    const mqAll = [...mqs("T", "room1@a", 2), ...mqs("T", "room2@b", 2)];
    expect(shares(s, mqAll, ["c1", "c2"])).toEqual({ c1: ["room1@a:0", "room1@a:1"], c2: ["room2@b:0", "room2@b:1"] });
    expect(() => s.allocate("g", "c1", [...mqAll, messageQueue("T", "plain", 0)], ["c1", "c2"]))
      .toThrow("Machine room is null for mq MessageQueue [topic=T, brokerName=plain, queueId=0]");
    expect(() => s.allocate("g", "c1", mqAll, ["c1", "c3"])).toThrow("Machine room is null for consumer id c3");
  });
});

describe("registry", () => {
  it("names are RocketMQ's getName()", () => {
    const o = { rooms: ["r"] };
    expect(STRATEGY_NAMES.map((n) => strategies[n](o).name)).toEqual([
      "AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH", "CONFIG", "MACHINE_ROOM", "MACHINE_ROOM_NEARBY-AVG",
    ]);
    expect(strategies["machine-room-nearby"]({ inner: "circle" }).name).toBe("MACHINE_ROOM_NEARBY-AVG_BY_CIRCLE");
  });
});

describe("runAllocate (rocketsim allocate)", () => {
  it("JSON output, consumers in Java String order", () => {
    const r = runAllocate(["--strategy", "averagely", "--topic", "T", "--queues", "broker-b:1,broker-a:2", "--consumers", "c2,c1,c3", "--json"]);
    expect(r).toEqual({
      stdout: '{"strategy":"averagely","allocation":{"c1":[{"brokerName":"broker-a","queueId":0}],"c2":[{"brokerName":"broker-a","queueId":1}],"c3":[{"brokerName":"broker-b","queueId":0}]}}\n',
      stderr: "",
      code: 0,
    });
  });

  it("JSON keeps sorted order for integer-like ids and gives [] to idle consumers", () => {
    const r = runAllocate(["--queues", "a:2", "--consumers", "2,10,1", "--json"]);
    expect(r.stdout).toBe('{"strategy":"averagely","allocation":{"1":[{"brokerName":"a","queueId":0}],"10":[{"brokerName":"a","queueId":1}],"2":[]}}\n');
  });

  it("text output with unassigned and double-assigned lines", () => {
    expect(runAllocate(["--queues", "broker-a:4,broker-b:4", "--consumers", "c1,c2,c3"]).stdout).toBe(
      "strategy averagely (AVG), topic TopicTest, 8 queues, 3 consumers\n" +
      "c1  broker-a:0,1,2\nc2  broker-a:3  broker-b:0,1\nc3  broker-b:2,3\n");
    expect(runAllocate(["--strategy", "config", "--config-queues", "broker-a:0,broker-a:1", "--queues", "broker-a:3", "--consumers", "c1,c2"]).stdout).toBe(
      "strategy config (CONFIG), topic TopicTest, 3 queues, 2 consumers\nc1  broker-a:0,1\nc2  broker-a:0,1\n" +
      "unassigned: broker-a:2\ndouble-assigned: broker-a:0 (c1,c2), broker-a:1 (c1,c2)\n");
    expect(runAllocate(["--strategy", "machine-room", "--rooms", "room1", "--queues", "room1@b:1,room2@b:1", "--consumers", "c1,c2"]).stdout).toBe(
      "strategy machine-room (MACHINE_ROOM), topic TopicTest, 2 queues, 2 consumers\nc1  room1@b:0\nc2  (nothing)\nunassigned: room2@b:0\n");
  });

  it("machine-room-nearby reads rooms from room@ prefixes; RocketMQ names are accepted", () => {
    const r = runAllocate(["--strategy", "MACHINE_ROOM_NEARBY", "--inner", "AVG_BY_CIRCLE", "--queues", "r1@a:2,r2@b:2", "--consumers", "r1@c1,r1@c2", "--json"]);
    expect(JSON.parse(r.stdout).allocation).toEqual({
      "r1@c1": [{ brokerName: "r1@a", queueId: 0 }, { brokerName: "r2@b", queueId: 0 }],
      "r1@c2": [{ brokerName: "r1@a", queueId: 1 }, { brokerName: "r2@b", queueId: 1 }],
    });
    expect(JSON.parse(r.stdout).strategy).toBe("machine-room-nearby");
  });

  it("--help exits 0", () => {
    const r = runAllocate(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("room1@c1");
  });

  it.each([
    [["--strategy", "averagly", "--queues", "a:1", "--consumers", "c"], 'unknown strategy "averagly" (did you mean "averagely"?)'],
    [["--consumers", "c"], "--queues is required"],
    [["--queues", "broker-a:x", "--consumers", "c"], '--queues: "broker-a:x" is not brokerName:count'],
    [["--queues", "broker-a", "--consumers", "c"], '--queues: "broker-a" is not brokerName:count'],
    [["--queues", "broker-a:0", "--consumers", "c"], "count must be from 1"],
    [["--queues", "a:1,a:2", "--consumers", "c"], 'broker "a" listed twice'],
    [["--queues", "a:1", "--consumers", "c1,c1"], '--consumers: "c1" listed twice'],
    [["--queues", "a:1", "--consumers", "c", "--jsn"], 'unknown option "--jsn" (did you mean "--json"?)'],
    [["--queues", "a:1", "--consumers", "c", "--rooms", "r"], "--rooms only applies to --strategy machine-room"],
    [["--strategy", "machine-room", "--queues", "a:1", "--consumers", "c"], "--rooms is required"],
    [["--strategy", "machine-room-nearby", "--queues", "a:1", "--consumers", "r@c"], '"a" has no room'],
    [["--strategy", "consistent-hash", "--virtual-nodes", "-1", "--queues", "a:1", "--consumers", "c"], "--virtual-nodes: \"-1\" is not an integer"],
    [["--strategy", "consistent-hash", "--virtual-nodes", "x", "--queues", "a:1", "--consumers", "c"], '--virtual-nodes: "x"'],
  ])("bad input %j exits 2", (args, message) => {
    const r = runAllocate(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr.startsWith("rocketsim allocate: ")).toBe(true);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

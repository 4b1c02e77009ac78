// Scenario keys of issue #4 (replication, reading from slaves, manual failover): what the
// loader accepts, what it refuses (one line each), and what a small run does with them.
import { describe, expect, it, test } from "vitest";
import { loadScenarioText } from "../sim/scenario/load.js";
import { ScenarioError } from "../sim/scenario/errors.js";
import { runScenario } from "../sim/scenario/run.js";
import type { TraceEvent } from "../sim/trace/schema.js";

const BASE = `name: t
duration: 2m
cluster:
  nameservers: 1
  brokers:
    - name: broker-a
      slaves: 1
`;

describe("loading", () => {
  it("group brokerRole / flushDiskType / failover fold into the group's settings; promote resolves", () => {
    const scn = loadScenarioText(`name: t
duration: 2m
config:
  broker: { slaveReadEnable: true, haHousekeepingInterval: 30s }
cluster:
  brokers:
    - { name: broker-a, slaves: 1, brokerRole: SYNC_MASTER, flushDiskType: SYNC_FLUSH, failover: manual, config: { inSyncReplicas: 2 } }
faults:
  - { at: 1m, action: promote, nodes: [broker-a-1] }
`, "t.yaml");
    expect(scn.cluster.brokers[0]).toMatchObject({
      failover: "manual", config: { brokerRole: "SYNC_MASTER", flushDiskType: "SYNC_FLUSH", inSyncReplicas: 2 },
    });
    expect(scn.config.broker).toEqual({ slaveReadEnable: true, haHousekeepingInterval: 30_000_000 });
    expect(scn.faults[0]).toMatchObject({ action: "promote", nodes: ["broker-a-1"], atUs: 60_000_000 });
  });

  const BAD: [string, string, string][] = [
    ["brokerRole contradicts the group's config", `${BASE}      brokerRole: SYNC_MASTER\n      config: { brokerRole: ASYNC_MASTER }\n`,
      't.yaml:9:29 cluster.brokers[0].config.brokerRole: "ASYNC_MASTER" contradicts brokerRole: "SYNC_MASTER" of this group (write only one)'],
    ["flushDiskType typo", `${BASE}      flushDiskType: SYNC\n`,
      't.yaml:8:22 cluster.brokers[0].flushDiskType: unknown flushDiskType "SYNC"; use one of ASYNC_FLUSH, SYNC_FLUSH'],
    ["failover mode not modelled", `${BASE}      failover: raft\n`,
      't.yaml:8:17 cluster.brokers[0].failover: unknown failover "raft"; use one of manual, dledger, controller'],
    ["failover: controller outside profile 5.3", `${BASE}      failover: controller\n`,
      't.yaml:8:17 cluster.brokers[0].failover: failover: controller needs profile "5.3" (Controller mode is RocketMQ 5.x), got "4.9"'],
    ["promote a master", `${BASE}faults:\n  - { at: 1s, action: promote, nodes: [broker-a-0] }\n`,
      't.yaml:9:40 faults[0].nodes[0]: "broker-a-0" is broker group broker-a\'s master (brokerId 0); promote a slave such as "broker-a-1"'],
    ["promote two slaves of one group", BASE.replace("slaves: 1", "slaves: 2") + "faults:\n  - { at: 1s, action: promote, nodes: [broker-a-1, broker-a-2] }\n",
      't.yaml:9:52 faults[0].nodes[1]: "broker-a-2" and "broker-a-1" are both in broker group broker-a; a group has one master'],
    ["promote a client", `${BASE}producers:\n  - { group: pg, topic: T }\nfaults:\n  - { at: 1s, action: promote, nodes: [pg-0] }\n`,
      't.yaml:11:40 faults[0].nodes[0]: "pg-0" is not a broker; promote applies to slaves'],
    ["a misspelt node in an HA event filter", `${BASE}expect:\n  - happens: { type: ha.connect, node: broker-a-1, master: broker-a-O }\n`,
      't.yaml:9:60 expect[0].happens.master: no node "broker-a-O" (did you mean "broker-a-0"?); nodes are ns-0, broker-a-0, broker-a-1, scenario'],
    ["slaveReadEnable is a boolean", `${BASE}config:\n  broker: { slaveReadEnable: yes please }\n`,
      't.yaml:9:30 config.broker.slaveReadEnable: expected true or false, got "yes please"'],
  ];
  test.each(BAD)("%s", (_what, yaml, message) => {
    let err: unknown;
    try { loadScenarioText(yaml, "t.yaml"); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toBe(message);
  });
});

describe("a small run", () => {
  it("traces roles, the HA connection, acks and the promotion; the promoted slave takes writes", () => {
    const scn = loadScenarioText(`name: t
seed: 3
duration: 90s
cluster:
  nameservers: 1
  brokers:
    - { name: broker-a, slaves: 1, brokerRole: SYNC_MASTER }
topics:
  - { name: T, writeQueueNums: 2, readQueueNums: 2 }
producers:
  - { group: pg, topic: T, rate: 20, start: 20s }
consumers:
  - { group: cg, topic: T }
faults:
  - { name: down, at: 40s, action: crash, nodes: [broker-a-0] }
  - { name: up, at: 50s, action: promote, nodes: [broker-a-1] }
`, "t.yaml");
    const events: TraceEvent[] = [];
    const r = runScenario(scn, { tracePath: null, listeners: [(e) => events.push(e)] });
    const of = <T extends TraceEvent["type"]>(t: T) => events.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === t);
    expect(of("broker.role").map((e) => [e.t, e.node, e.role, e.brokerId, e.epoch])).toEqual([
      [0, "broker-a-0", "SYNC_MASTER", 0, 0], [0, "broker-a-1", "SLAVE", 1, 0], [50_000_000, "broker-a-1", "SYNC_MASTER", 0, 1],
    ]);
    expect(of("ha.connect")[0]).toMatchObject({ node: "broker-a-1", master: "broker-a-0", offset: 0 });
    expect(of("ha.ack").length).toBeGreaterThan(0);
    const results = of("send.result");
    const before = results.filter((e) => e.t > 21_000_000 && e.t < 40_000_000);
    expect(before.every((e) => e.status === "SEND_OK")).toBe(true);
    // The promoted SYNC_MASTER has no slave: 4.9 answers SLAVE_NOT_AVAILABLE (stored).
    expect(results.some((e) => e.t > 50_000_000 && e.status === "SLAVE_NOT_AVAILABLE" && e.stored)).toBe(true);
    expect(r.checks.lost).toBe(0);
  });
});

describe("where a slave learns its master's HA address", () => {
  // Seed 5: the slave's first registration (3.8 ms) reaches the NameServer before the master's
  // (4.2 ms), so its answer has no haServerAddr. The consumer's %RETRY% topic is created on
  // both brokers a few ms later, and each registers again at once (TopicConfigManager).
  const yaml = (profile: string) => `name: t
seed: 5
duration: 25s
profile: "${profile}"
cluster:
  nameservers: 1
  brokers:
    - { name: broker-a, slaves: 1 }
topics:
  - { name: T, writeQueueNums: 2, readQueueNums: 2 }
consumers:
  - { group: cg, topic: T }
`;
  const run = (profile: string) => {
    const events: TraceEvent[] = [];
    runScenario(loadScenarioText(yaml(profile), "t.yaml"), { tracePath: null, listeners: [(e) => events.push(e)] });
    const regs = events.filter((e) => e.type === "ns.register").map((e) => [e.t, (e as { broker: string }).broker] as const);
    const connect = events.find((e) => e.type === "ha.connect");
    return { regs, connectUs: connect?.t };
  };

  it.each([["4.9", 15_000_000], ["5.3", 5_000_000]])("profile %s: the slave's HA client connects at %i us", (profile, at) => {
    const { regs, connectUs } = run(profile);
    // The preconditions that make this test mean something: the slave registered first, then
    // again (the topic round) after the master and before the 10 s periodic round.
    const masterFirst = regs.find(([, b]) => b === "broker-a-0")![0];
    expect(regs[0][1]).toBe("broker-a-1");
    expect(regs.some(([t, b]) => b === "broker-a-1" && t > masterFirst && t < 10_000_000)).toBe(true);
    // 4.9.8: the topic round is oneway (registerBrokerAll(false, true, true)): no answer, no
    // address; the 10 s round's answer has it and the HA client, looking every 5 s, connects at
    // 15 s. 5.x answers the topic round (registerIncrementBrokerData): it connects at 5 s.
    expect(connectUs).toBeGreaterThanOrEqual(at);
    expect(connectUs).toBeLessThan(at + 100_000);
  });
});

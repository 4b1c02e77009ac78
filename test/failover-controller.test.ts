// failover: controller (5.3; sim/controller/ wired in sim/broker/broker.ts): what the loader
// accepts and refuses, and what a small run does — a controller node is built, the controller
// elects a master at start, which registers as brokerId 0; the others become slaves under
// their controller ids; nobody registers before the controller assigns a role.
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../sim/scenario/load.js";
import { oneGroupScenario, runYaml } from "./helpers/run-yaml.js";
import type { TraceEvent } from "../sim/trace/schema.js";

const scenario = (profile: string) => oneGroupScenario({ failover: "controller", slaves: 2, profile });

const run = runYaml;

describe("loading", () => {
  it("needs profile 5.3", () => {
    expect(() => loadScenarioText(scenario("4.9"), "t.yaml")).toThrow(
      /^t\.yaml:8:46 cluster\.brokers\[0\]\.failover: failover: controller needs profile "5\.3" \(Controller mode is RocketMQ 5\.x\), got "4\.9"$/);
    expect(loadScenarioText(scenario("5.3"), "t.yaml").cluster.brokers[0].failover).toBe("controller");
  });

  it("refuses promote on a controller group", () => {
    expect(() => loadScenarioText(`${scenario("5.3")}faults:\n  - { at: 1s, action: promote, nodes: [broker-a-1] }\n`, "t.yaml"))
      .toThrow(/"broker-a-1" is in broker group broker-a \(failover: controller\): the controller elects its master/);
  });

  it("names the controller node controller-0 (faults and expectations may use it)", () => {
    const scn = loadScenarioText(`${scenario("5.3")}faults:\n  - { at: 10s, action: crash, nodes: [controller-0] }\n`, "t.yaml");
    expect(scn.faults.length).toBe(1);
  });
});

describe("a run", () => {
  const { events, r } = run(scenario("5.3"));
  const of = <T extends TraceEvent["type"]>(type: T) => events.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);

  it("builds controller-0 after the NameServers", () => {
    const adds = of("node.add");
    expect(adds.slice(0, 2).map((e) => [e.node, e.kind])).toEqual([["ns-0", "namesrv"], ["controller-0", "controller"]]);
  });

  it("assigns roles at start: one master (brokerId 0, masterEpoch 1), two slaves under their controller ids", () => {
    const won = of("election.won");
    expect(won.length).toBe(1);
    expect(won[0].term).toBe(1);
    expect(won[0].t).toBeLessThan(1_000_000);
    const roles = of("broker.role");
    expect(roles.length).toBe(3);
    const master = roles.find((e) => e.brokerId === 0)!;
    expect(master.node).toBe(won[0].node);
    expect(master.role).toBe("SYNC_MASTER"); // ReplicasManager#changeToMaster: every controller-mode master
    expect(master.epoch).toBe(1);
    const slaves = roles.filter((e) => e.role === "SLAVE");
    expect(slaves.length).toBe(2);
    // controller broker ids start at 1; the master's is election.won's brokerId.
    expect(new Set([won[0].brokerId, ...slaves.map((e) => e.brokerId)])).toEqual(new Set([1, 2, 3]));
    for (const s of slaves) expect(s.epoch).toBe(1);
  });

  it("registers nobody before its role, then each at once under that role's brokerId", () => {
    const roles = of("broker.role");
    for (const reg of of("ns.register")) {
      const role = roles.find((e) => e.node === reg.broker)!;
      expect(reg.t).toBeGreaterThanOrEqual(role.t);
      expect(reg.brokerId).toBe(role.brokerId);
    }
    for (const role of roles) {
      const first = of("ns.register").find((e) => e.broker === role.node)!;
      expect(first.t - role.t).toBeLessThan(10_000);
    }
  });

  // (40 s: the consumers start at 0 s, before any broker-a node has a role, so their first
  // route comes with the 30 s poll.)
  it("grows the SyncStateSet to all three and loses nothing", () => {
    const sss = of("controller.syncStateSet");
    expect(sss.at(-1)!.members).toEqual([1, 2, 3]);
    expect(r.checks.lost).toBe(0);
    expect(of("send.result").some((e) => e.status === "SEND_OK")).toBe(true);
  });
});

describe("config.controller (ControllerConfig)", () => {
  const yaml = (extra: string) => `name: c\nduration: 10s\nprofile: "5.3"\nconfig:\n  controller: { ${extra} }\ncluster:\n  brokers: [{ name: broker-a, slaves: 2, failover: controller }]\n`;
  it("takes RocketMQ's ControllerConfig keys", () => {
    const s = loadScenarioText(yaml("enableElectUncleanMaster: true, scanNotActiveBrokerInterval: 2s"), "c.yaml");
    expect(s.config.controller).toEqual({ enableElectUncleanMaster: true, scanNotActiveBrokerInterval: 2_000_000 });
  });
  it("rejects unknown keys with a suggestion", () => {
    expect(() => loadScenarioText(yaml("enableElectUncleanMastr: true"), "c.yaml")).toThrow(/did you mean "enableElectUncleanMaster"\?/);
  });
});

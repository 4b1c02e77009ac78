// failover: dledger (sim/broker/dledger-commitlog.ts): what the loader accepts and refuses, and
// what a small run does — a leader is elected and registers as brokerId 0, followers as
// index + 1, writes are acknowledged only once a majority has them.
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../sim/scenario/load.js";
import { oneGroupScenario, runYaml } from "./helpers/run-yaml.js";
import type { TraceEvent } from "../sim/trace/schema.js";

const group = (slaves: number) => oneGroupScenario({ failover: "dledger", slaves });

const run = runYaml;

describe("loading", () => {
  it("needs at least 3 nodes in the group", () => {
    expect(() => loadScenarioText(group(1), "t.yaml")).toThrow(
      /^t\.yaml:7:46 cluster\.brokers\[0\]\.failover: failover: dledger needs at least 3 nodes in the group \(slaves: 2 or more\), got 2$/);
    expect(loadScenarioText(group(2), "t.yaml").cluster.brokers[0].failover).toBe("dledger");
  });

  it("refuses promote on a DLedger group", () => {
    expect(() => loadScenarioText(`${group(2)}faults:\n  - { at: 1s, action: promote, nodes: [broker-a-1] }\n`, "t.yaml"))
      .toThrow(/"broker-a-1" is in broker group broker-a \(failover: dledger\): its nodes elect their master/);
  });
});

describe("a run", () => {
  it("elects one leader that registers as brokerId 0; followers are index + 1", () => {
    const { events, r } = run(group(2));
    expect(r.passed).toBe(true);
    const roles = events.filter((e) => e.type === "broker.role");
    const masters = roles.filter((e) => e.type === "broker.role" && e.brokerId === 0);
    expect(masters).toHaveLength(1);
    expect(masters[0]).toMatchObject({ role: "SYNC_MASTER", epoch: 1 });
    expect(events.some((e) => e.type === "election.won" && e.node === masters[0].node)).toBe(true);
    for (const e of roles) {
      if (e.type !== "broker.role" || e.brokerId === 0) continue;
      expect(e.brokerId).toBe(Number(e.node.slice("broker-a-".length)) + 1);
      expect(e.role).toBe("SLAVE");
    }
    expect(roles.some((e) => e.type === "broker.role" && e.brokerId === -1)).toBe(false);
    expect(r.checks.acknowledged).toBeGreaterThan(1000);
    expect(r.checks.lost).toBe(0);
  });

  it("acknowledges nothing while a majority is missing (both followers paused)", () => {
    const { events } = run(`${group(2)}faults:\n  - { name: p, at: 20s, action: pause, nodes: [broker-a-0, broker-a-1] }\n`);
    const leader = events.find((e) => e.type === "broker.role" && e.brokerId === 0)!.node;
    expect(leader).toBe("broker-a-2"); // with this seed; the pause hits both followers
    const acked = events.filter((e) => e.type === "send.result" && e.stored && e.t > 20_100_000);
    expect(acked).toHaveLength(0);
    const failed = events.filter((e) => e.type === "send.result" && !e.stored && e.t > 20_000_000);
    expect(failed.length).toBeGreaterThan(0);
  });

  it("is deterministic", () => {
    expect(run(group(2)).r.traceSha256).toBe(run(group(2)).r.traceSha256);
  });
});

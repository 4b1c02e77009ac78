// Deriving state at time t from a trace: the reducer and checkpoints the replay
// page uses (viz/state), on the synthetic failover fixture.

import { describe, expect, it } from "vitest";
import { apply, replay } from "../viz/state/apply.js";
import { buildCheckpoints, countAt, stateAtTime } from "../viz/state/checkpoints.js";
import type { AnyEvent } from "../viz/state/events.js";
import { initialState } from "../viz/state/initial.js";
import type { VizState } from "../viz/state/types.js";
import { viewConfig } from "../viz/derive/config.js";
import { nsGone, nsRows } from "../viz/derive/ns-table.js";
import { rebalanceMatrices } from "../viz/derive/rebalance-matrix.js";
import { linkCut, reachable } from "../viz/derive/reachability.js";
import { topologyLinks } from "../viz/derive/topology-links.js";
import { FAILOVER, makeFailover, S, toJsonl } from "./fixtures/traces/make-fixture.js";
import { parseTrace } from "../sim/trace/reader.js";
import type { TraceHeader } from "../sim/trace/schema.js";

const fixture = makeFailover();
const events = fixture.events as AnyEvent[];
const header = fixture.header as TraceHeader;
const cp = buildCheckpoints(events, 256);
const cfg = viewConfig(header);
const at = (t: number) => stateAtTime(cp, t);
const brokersIn = (s: VizState, ns: string) => nsRows(s, ns, s.t, cfg).map((r) => r.broker);

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

describe("derived state at time t", () => {
  it("works on a fixture the simulator's strict reader accepts", () => {
    const parsed = parseTrace(toJsonl(fixture), true);
    expect(parsed.events).toHaveLength(events.length);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(["node.add", "node.up", "node.down", "fault", "net.partition", "net.heal",
      "channel.open", "channel.close", "ns.register", "ns.unregister", "client.namesrv", "client.route", "rebalance",
      "send", "send.result", "store", "consume", "offset.commit", "run.end"]));
  });

  it("has the topology and everyone up after start", () => {
    const s = at(1 * S);
    expect(Object.keys(s.info)).toHaveLength(10);
    expect(s.info["broker-a-1"]).toMatchObject({ kind: "broker", brokerName: "broker-a", brokerId: 1 });
    expect(s.nodes["broker-a-0"].status).toBe("up");
    expect(s.nodes["consumer-2"].status).toBe("new");
    expect(brokersIn(s, "namesrv-0")).toEqual(["broker-a-0", "broker-a-1", "broker-b-0"]);
  });

  it("shows the powered-off master still registered, with its countdown running out", () => {
    const s = at(170 * S);
    expect(s.nodes["broker-a-0"]).toMatchObject({ status: "off", since: FAILOVER.powerOffAt });
    const row = nsRows(s, "namesrv-0", 170 * S, cfg).find((r) => r.broker === "broker-a-0")!;
    expect(row.lastT).toBe(FAILOVER.lastRegistration);
    expect(row.age).toBe(170 * S - row.lastT);
    expect(row.remaining).toBe(row.lastT + 120 * S - 170 * S);
    expect(row.remaining).toBeGreaterThan(0);
  });

  it("removes it at the idle close, one NameServer at a time, and brings it back when seeking back", () => {
    const t0 = FAILOVER.unregisterAt["namesrv-0"];
    let s = at(t0);
    expect(brokersIn(s, "namesrv-0")).toEqual(["broker-a-1", "broker-b-0"]);
    expect(brokersIn(s, "namesrv-1")).toContain("broker-a-0");
    expect(nsGone(s, "namesrv-0")).toEqual([{ broker: "broker-a-0", brokerName: "broker-a", brokerId: 0, reason: "idle", t: t0 }]);
    s = at(181 * S);
    expect(brokersIn(s, "namesrv-1")).toEqual(["broker-a-1", "broker-b-0"]);
    expect(s.channels["namesrv-0>broker-a-0"]).toMatchObject({ open: false, reason: "idle" });
    s = stateAtTime(cp, 100 * S, s); // backwards: the hint is ignored
    expect(brokersIn(s, "namesrv-0")).toContain("broker-a-0");
    expect(nsGone(s, "namesrv-0")).toEqual([]);
  });

  it("updates client routes: the producer loses broker-a, the consumer still reads the slave", () => {
    const before = at(179 * S).clients["producer-0"].routes.TopicTest;
    expect(before.publish).toEqual(["broker-a", "broker-b"]);
    const after = at(200 * S);
    expect(after.clients["producer-0"].routes.TopicTest.publish).toEqual(["broker-b"]);
    expect(after.clients["consumer-0"].routes.TopicTest.subscribe).toEqual(["broker-a", "broker-b"]);
    expect(after.clients["consumer-0"].routes.TopicTest.brokers[0].brokerAddrs).toEqual({ 1: "10.0.1.2:10911" });
    expect(after.clients["consumer-0"].namesrv).toBe("namesrv-0");
  });

  it("derives the rebalance matrix: unowned after a crash, overlap on join, then clean", () => {
    const status = (t: number) => {
      const [m] = rebalanceMatrices(at(t));
      expect(m).toMatchObject({ group: "cg", topic: "TopicTest" });
      return Object.fromEntries(m.queues.map((q) => [q.key, q.status]));
    };
    expect(Object.values(status(50 * S)).every((x) => x === "owned")).toBe(true);
    const crashed = status(110 * S);
    expect(crashed["broker-b#0"]).toBe("unowned");
    expect(crashed["broker-a#0"]).toBe("owned");
    const overlap = status(130.7 * S);
    expect(overlap["broker-b#3"]).toBe("overlap");
    expect(Object.values(status(140 * S)).every((x) => x === "owned")).toBe(true);
    const [m] = rebalanceMatrices(at(140 * S));
    expect(m.rows.find((r) => r.consumer === "consumer-2")!.owns).toEqual(["broker-b#0", "broker-b#1", "broker-b#2", "broker-b#3"]);
    expect(m.rows.find((r) => r.consumer === "consumer-1")).toMatchObject({ status: "crashed", owns: [] });
  });

  it("counts messages and tracks offsets", () => {
    const s = cp.final;
    expect(s.counters.sends).toBeGreaterThan(2000);
    expect(s.counters.results.SEND_OK).toBeGreaterThan(1000);
    expect(s.counters.results.RemotingTimeoutException).toBeGreaterThan(10);
    expect(s.counters.results.FLUSH_SLAVE_TIMEOUT).toBeGreaterThan(0);
    expect(s.counters.consumes).toBe(s.counters.stores);
    expect(s.queueMax["TopicTest|broker-b|0"]).toBeGreaterThan(10);
    expect(s.committed["cg|TopicTest|broker-b|0"]).toBeGreaterThan(10);
    expect(s.ended).toBe(true);
  });

  it("seeking from a checkpoint gives exactly the state of a replay from zero", () => {
    const times = [0, 1, 999_999, 61 * S, 61 * S + 1, 100 * S, 130.6 * S, FAILOVER.unregisterAt["namesrv-1"], 299 * S, 400 * S];
    for (let i = 0; i < 40; i++) times.push(Math.floor(((i * 7919) % 300) * S + i * 12345));
    let near: VizState | undefined;
    for (const t of times) {
      const fromZero = replay(events, countAt(cp.times, t));
      expect(stateAtTime(cp, t)).toEqual(fromZero);
      near = stateAtTime(cp, t, near);
      expect(near).toEqual(fromZero);
    }
  });

  it("never mutates a state (checkpoints stay valid) and states survive structuredClone", () => {
    let s = deepFreeze(initialState());
    for (const e of events) s = deepFreeze(apply(s, e)); // throws if a handler writes to a frozen object
    expect(s).toEqual(cp.final);
    expect(structuredClone(cp.states[3])).toEqual(cp.states[3]);
  });

  it("ignores unknown event types and malformed future events", () => {
    const s = at(10 * S);
    const next = apply(s, { t: 10 * S, type: "quantum.entangle", node: "broker-b-0", spin: 1 });
    expect(next.index).toBe(s.index + 1);
    expect(next.nodes).toBe(s.nodes);
    expect(next.ns).toBe(s.ns);
    const bad = apply(s, { t: 10 * S, type: "rebalance", node: "consumer-0", group: "cg", topic: "T", queues: "all" });
    expect(bad.assignments).toBe(s.assignments);
  });

  it("handles role changes, restarts and partitions", () => {
    let s = at(10 * S);
    s = apply(s, { t: 10 * S, type: "broker.role", node: "broker-a-1", role: "MASTER", brokerId: 0, epoch: 2 });
    expect(s.nodes["broker-a-1"]).toMatchObject({ role: "MASTER", epoch: 2, status: "up" });
    s = apply(s, { t: 11 * S, type: "node.down", node: "namesrv-0", how: "crash" });
    expect(s.ns["namesrv-0"]).toBeUndefined();
    expect(s.nodes["namesrv-0"].status).toBe("crashed");
    s = apply(s, { t: 12 * S, type: "node.up", node: "namesrv-0", incarnation: 2 });
    expect(s.nodes["namesrv-0"]).toMatchObject({ status: "up", incarnation: 2, since: 12 * S });
    s = apply(s, { t: 13 * S, type: "node.pause", node: "consumer-0" });
    expect(s.nodes["consumer-0"].status).toBe("paused");
    expect(s.assignments["consumer-0"]).toBeDefined();
    const p = at(245 * S).partition;
    expect(p?.groups[0]).toEqual(["producer-1"]);
    expect(reachable(p, "producer-1", "broker-b-0")).toBe(false);
    expect(reachable(p, "producer-0", "broker-b-0")).toBe(true);
    expect(linkCut(p, "producer-1", "namesrv-1")).toBe("both");
    expect(linkCut({ groups: [["a"], ["b"]], oneWay: true, since: 0 }, "a", "b")).toBe("forward");
    expect(at(251 * S).partition).toBeNull();
  });

  it("reads settings from the header, with defaults", () => {
    expect(cfg.brokerChannelExpiredTime).toBe(120 * S);
    expect(cfg.scanNotActiveBrokerInterval).toBe(10 * S);
    expect(viewConfig(null).scanNotActiveBrokerInterval).toBe(10 * S);
  });

  it("follows replication: roles, HA links, elections, SyncStateSets, pull targets", () => {
    let s = at(10 * S);
    const ev = (t: number, type: string, node: string, f: Record<string, unknown>) => { s = apply(s, { t: t * S, type, node, ...f }); };
    ev(10, "node.add", "controller-0", { kind: "controller", ip: "10.0.0.9" });
    ev(10, "broker.role", "broker-a-1", { brokerName: "broker-a", role: "SLAVE", brokerId: 2, epoch: 1 });
    ev(10, "ha.connect", "broker-a-1", { master: "broker-a-0", offset: 0 });
    ev(11, "ha.ack", "broker-a-0", { slave: "broker-a-1", offset: 100, behind: 4096 });
    expect(s.info["controller-0"].kind).toBe("controller");
    expect(s.nodes["broker-a-1"]).toMatchObject({ role: "SLAVE", brokerId: 2, epoch: 1 });
    expect(s.ha["broker-a-1"]).toMatchObject({ master: "broker-a-0", connected: true, behind: 4096 });
    const infos = Object.values(s.info);
    expect(topologyLinks(s, infos).find((l) => l.kind === "ha")).toMatchObject({ from: "broker-a-1", to: "broker-a-0", state: "ok", behind: 4096 });
    ev(12, "ha.disconnect", "broker-a-0", { peer: "broker-a-1", side: "master", reason: "housekeeping" });
    expect(s.ha["broker-a-1"]).toMatchObject({ connected: false, reason: "housekeeping", master: "broker-a-0" });
    expect(topologyLinks(s, infos).find((l) => l.kind === "ha")?.state).toBe("failed");
    ev(13, "election.start", "controller-0", { term: 1, brokerName: "broker-a", reason: "master-down" });
    expect(s.elections["broker-a"]).toMatchObject({ term: 1, phase: "electing" });
    ev(13, "election.won", "broker-a-1", { term: 2, brokerName: "broker-a", brokerId: 2 });
    expect(s.elections["broker-a"]).toMatchObject({ term: 2, phase: "won", winner: "broker-a-1" });
    ev(13, "controller.syncStateSet", "controller-0", { brokerName: "broker-a", members: [2], epoch: 3, masterBrokerId: 2 });
    expect(s.syncStateSets["broker-a"]).toMatchObject({ members: [2], epoch: 3, masterBrokerId: 2 });
    ev(14, "pull.target", "consumer-0", { brokerName: "broker-a", queueId: 0, broker: "broker-a-1", brokerId: 1, result: "rejected" });
    const consume = topologyLinks(s, infos).filter((l) => l.kind === "consume" && l.from === "consumer-0");
    expect(consume).toContainEqual(expect.objectContaining({ to: "broker-a-1", state: "failed" }));
  });
});

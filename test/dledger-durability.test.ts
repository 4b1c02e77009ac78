// failover: dledger durability and slow followers, looked at on the nodes' disks: the store is
// a prefix of the DLedger log (sim/broker/dledger-commitlog.ts) — a power loss keeps in it only
// the log's flushed entries, what the store lost on its own is re-applied on restart, and a
// follower's append costs one write of its disk.
import { describe, expect, it } from "vitest";
import { Engine } from "../sim/core/engine.js";
import { RandomStreams } from "../sim/core/random.js";
import { dledgerBrokerPowerLoss } from "../sim/broker/dledger-commitlog.js";
import { dledgerDiskOf } from "../sim/dledger/log.js";
import { buildWorld, startWorld, type World } from "../sim/scenario/cluster.js";
import { scheduleFaults, stopNode } from "../sim/scenario/faults.js";
import { loadScenarioText } from "../sim/scenario/load.js";
import { makeStoreFor } from "../sim/scenario/store-factory.js";
import { slowDisk, storeFilesOf } from "../sim/store/index.js";
import { Tracer } from "../sim/trace/tracer.js";
import type { TraceEvent } from "../sim/trace/schema.js";

const S = 1_000_000;

const scenario = (flush: string, faults: string) => `name: t
seed: 5
duration: 60s
cluster:
  nameservers: 1
  brokers:
    - { name: g, slaves: 2, failover: dledger, flushDiskType: ${flush} }
topics:
  - { name: T, writeQueueNums: 2, readQueueNums: 2 }
producers:
  - { group: pg, topic: T, rate: 500, start: 5s, stop: 20s }
faults:
${faults}`;

/** Build and start a world; `run(t)` advances to absolute time t (µs). */
function sim(yaml: string) {
  const scn = loadScenarioText(yaml, "t.yaml");
  const engine = new Engine();
  const tracer = new Tracer(() => engine.nowUs);
  const events: TraceEvent[] = [];
  tracer.on((e) => events.push(e));
  const world: World = buildWorld(scn, engine, new RandomStreams(scn.seed), tracer, makeStoreFor(scn));
  startWorld(world, (name) => stopNode(world, world.nodes.get(name)!.node));
  scheduleFaults(world, scn.faults);
  const node = (name: string) => world.nodes.get(name)!.node;
  /** Messages in the node's store and entries in its DLedger log. */
  const counts = (name: string) => ({ store: storeFilesOf(node(name)).log.count, log: dledgerDiskOf(node(name)).log.endIndex + 1 });
  return { events, run: (t: number) => engine.run({ untilUs: t }), counts, node };
}

const NODES = ["g-0", "g-1", "g-2"];
const ALL_OFF = `  - { at: 20s, action: power-off, nodes: [g-0, g-1, g-2] }
  - { at: 25s, action: start, nodes: [g-0, g-1, g-2] }
`;

describe("failover: dledger power loss", () => {
  it("ASYNC_FLUSH store: it lost more than the log (500 ms flush); restarted, it re-applies the log's entries", () => {
    const w = sim(scenario("ASYNC_FLUSH", ALL_OFF));
    w.run(20 * S + 1);
    const after = NODES.map(w.counts);
    for (const c of after) expect(c.store).toBeLessThanOrEqual(c.log);
    // The store's own flush runs every 500 ms: it lost hundreds the log (10 ms) kept.
    expect(after.some((c) => c.log - c.store > 100)).toBe(true);
    w.run(35 * S);
    const leader = w.events.filter((e) => e.type === "broker.role" && e.brokerId === 0).pop()!.node;
    const end = w.counts(leader).log;
    // Everything committed is applied again, on every member, and nothing twice.
    for (const n of NODES) expect(w.counts(n)).toEqual({ store: end, log: end });
    // The new leader had the longest surviving log: nothing any member kept is dropped.
    expect(end).toBe(Math.max(...after.map((c) => c.log)));
  });

  it("a store that had flushed more than the log kept is cut back to the log, consume queues too", () => {
    const w = sim(scenario("SYNC_FLUSH", "  []\n"));
    w.run(21 * S); // the producer stopped at 20 s: everything committed and applied
    const n = w.node("g-0"), files = storeFilesOf(n), d = dledgerDiskOf(n);
    expect(w.counts("g-0")).toEqual({ store: 7500, log: 7500 });
    files.log.markFlushed(files.log.writePos); // the store's CommitLog is all durable...
    d.flushedIndex = d.log.endIndex - 10; // ...the DLedger log only up to 10 entries from its end
    dledgerBrokerPowerLoss(n);
    expect(w.counts("g-0")).toEqual({ store: 7490, log: 7490 });
    const cqTotal = files.cqs.byId.reduce((sum, cq) => sum + cq.maxOffset, 0);
    expect(cqTotal).toBe(7490);
  });

  it("a follower with a slow disk falls behind; the leader commits with the other", () => {
    const w = sim(scenario("ASYNC_FLUSH", "  []\n"));
    w.run(5 * S);
    const leader = w.events.filter((e) => e.type === "broker.role" && e.brokerId === 0).pop()!.node;
    const [slow, fast] = NODES.filter((n) => n !== leader);
    slowDisk(w.node(slow), { factor: 2500 }); // 20 us -> 50 ms per write: 20 appends/s against 500/s
    w.run(10 * S);
    const sent = w.events.filter((e) => e.type === "send.result" && e.t > 5 * S);
    expect(sent.length).toBeGreaterThan(2000);
    expect(sent.every((e) => e.type === "send.result" && e.status === "SEND_OK")).toBe(true);
    const l = w.counts(leader).log, f = w.counts(fast).log, s = w.counts(slow).log;
    expect(l - f).toBeLessThan(5);
    expect(l - s).toBeGreaterThan(2000);
    expect(w.events.some((e) => e.type === "election.start" && e.t > 5 * S)).toBe(false);
  });
});

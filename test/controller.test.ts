// Controller mode: elections, failover timing, SyncStateSet shrink/expand, restarts.
import { describe, expect, it } from "vitest";
import { Engine } from "../sim/core/engine.js";
import { sampler } from "../sim/core/distribution.js";
import { MS, SEC } from "../sim/core/duration.js";
import { Node, type Process } from "../sim/core/node.js";
import { RandomStreams } from "../sim/core/random.js";
import { Transport } from "../sim/remoting/channel.js";
import { Network } from "../sim/remoting/network.js";
import { RemotingServer } from "../sim/remoting/rpc.js";
import { Tracer } from "../sim/trace/tracer.js";
import { ControllerClient, type RoleChange } from "../sim/controller/client.js";
import { ControllerProcess } from "../sim/controller/controller.js";
import { electPolicy, type BrokerLiveInfo } from "../sim/controller/heartbeat.js";
import { ControllerResponseCode as RC, type ControllerEvent } from "../sim/controller/protocol.js";
import { ReplicasInfo } from "../sim/controller/replicas-info.js";

type Ev = ControllerEvent & { t: number };

interface WorldOptions { seed?: number; unclean?: boolean; starts?: number[]; priorities?: (number | undefined)[] }

/** A broker stand-in: a ControllerClient, a fake store offset, and "replication" by copying the master's offset. */
class StubBroker implements Process {
  client!: ControllerClient;
  role: RoleChange | null = null;
  constructor(readonly node: Node, private readonly w: World, private readonly priority: number | undefined) {}

  get offset(): number { return (this.node.disk.get("offset") as number | undefined) ?? 0; }
  set offset(v: number) { this.node.disk.set("offset", v); }
  get addr(): string { return `${this.node.ip}:10911`; }

  start(): void {
    const w = this.w;
    this.role = null;
    new RemotingServer(this.node, w.transport, 10911, 120 * SEC, {
      onRequest: (_ch, req, reply) => { const r = this.client.handleRequest(req); if (r) reply(r); },
    });
    this.client = new ControllerClient({
      node: this.node, transport: w.transport, rng: w.streams.get(`controller-client/${this.node.name}`),
      controllerAddr: "10.0.0.100:9878", clusterName: "c1", brokerName: "broker-a", brokerAddr: this.addr,
      config: this.priority === undefined ? {} : { brokerElectionPriority: this.priority },
      maxOffset: () => this.offset,
      slaveAckOffsets: () => w.acksFor(this),
      onRoleChange: (c) => { this.role = c; w.roles.push({ t: w.engine.nowUs, node: this.node.name, ...c }); },
      onEvent: w.onEvent,
    });
    this.client.start();
    this.node.every(100 * MS, () => this.tick(), 100 * MS, "rate");
  }

  private tick(): void {
    if (this.role?.role === "MASTER") { this.offset += 100; return; }
    if (this.role?.role !== "SLAVE" || this.w.lagging.has(this.node.name)) return;
    const master = this.w.brokers.find((b) => b.addr === this.role!.masterAddr);
    if (master?.node.running && master.running()?.role?.role === "MASTER") this.offset = master.running()!.offset;
  }
}

interface StubHandle { node: Node; addr: string; running(): StubBroker | null }

class World {
  readonly engine = new Engine();
  readonly streams: RandomStreams;
  readonly transport: Transport;
  readonly events: Ev[] = [];
  readonly roles: (RoleChange & { t: number; node: string })[] = [];
  readonly lagging = new Set<string>();
  readonly brokers: StubHandle[] = [];
  readonly controllerNode: Node;
  readonly onEvent = (e: ControllerEvent) => { this.events.push({ t: this.engine.nowUs, ...e }); };

  constructor(o: WorldOptions = {}) {
    this.streams = new RandomStreams(o.seed ?? 7);
    const tracer = new Tracer(() => this.engine.nowUs);
    const network = new Network(this.streams, sampler({ distribution: "uniform", min: 300, max: 1500 }), 0);
    this.transport = new Transport(this.engine, network, tracer);
    this.controllerNode = new Node(this.engine, "controller", "10.0.0.100",
      (n) => new ControllerProcess(n, { transport: this.transport, onEvent: this.onEvent, config: { enableElectUncleanMaster: o.unclean ?? false } }));
    this.transport.addNode(this.controllerNode);
    this.controllerNode.start();
    const starts = o.starts ?? [0, 500 * MS, 1000 * MS];
    starts.forEach((at, i) => {
      const node = new Node(this.engine, `b${i}`, `10.0.0.${11 + i}`, (n) => new StubBroker(n, this, o.priorities?.[i]));
      this.transport.addNode(node);
      this.brokers.push({ node, addr: `${node.ip}:10911`, running: () => node.process as StubBroker | null });
      this.engine.at(at, () => node.start());
    });
  }

  get controller(): ControllerProcess { return this.controllerNode.process as ControllerProcess; }
  stub(name: string): StubBroker { return this.brokers.find((b) => b.node.name === name)!.running()!; }
  node(name: string): Node { return this.brokers.find((b) => b.node.name === name)!.node; }

  acksFor(master: StubBroker): Map<number, number> {
    const acks = new Map<number, number>();
    for (const b of this.brokers) {
      const s = b.running();
      if (!s || s === master || s.role?.role !== "SLAVE" || s.role.masterAddr !== master.addr) continue;
      acks.set(s.client.controllerBrokerId!, s.offset);
    }
    return acks;
  }

  kill(name: string, how: "crash" | "power-off"): void {
    const n = this.node(name);
    const old = n.incarnation;
    n.kill(how);
    this.transport.processDied(n, old, how === "power-off");
  }

  runUntil(us: number): void { this.engine.run({ untilUs: us }); }
  of<T extends Ev["type"]>(type: T, after = 0): Extract<Ev, { type: T }>[] {
    return this.events.filter((e) => e.type === type && e.t >= after) as Extract<Ev, { type: T }>[];
  }
}

describe("controller elections", () => {
  it("the first election picks the first requester; the others follow it as slaves", () => {
    const w = new World();
    w.runUntil(20 * SEC);
    const starts = w.of("election.start");
    const won = w.of("election.won");
    expect(starts[0]).toMatchObject({ reason: "broker-elect", requester: "b0", brokerName: "broker-a" });
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ node: "b0", brokerId: 1, epoch: 1, addr: "10.0.0.11:10911" });
    expect(w.stub("b0").role).toMatchObject({ role: "MASTER", brokerId: 0, controllerBrokerId: 1, masterEpoch: 1 });
    expect(w.stub("b1").role).toMatchObject({ role: "SLAVE", brokerId: 2, masterAddr: "10.0.0.11:10911" });
    expect(w.stub("b2").role).toMatchObject({ role: "SLAVE", brokerId: 3, masterAddr: "10.0.0.11:10911" });
    // caught-up slaves are expanded into the SyncStateSet
    expect(w.controller.replicaInfo("broker-a")).toMatchObject({ masterBrokerId: 1, masterEpoch: 1, syncStateSet: [1, 2, 3] });
    expect(w.stub("b0").client.syncStateSet()).toEqual([1, 2, 3]);
    expect(w.stub("b0").client.hasEnoughInSyncReplicas()).toBe(true);
  });

  it("brokers starting together get distinct ids (apply conflicts back off) and exactly one master", () => {
    const w = new World({ starts: [0, 0, 0], seed: 3 });
    w.runUntil(20 * SEC);
    const ids = ["b0", "b1", "b2"].map((n) => w.stub(n).client.controllerBrokerId).sort();
    expect(ids).toEqual([1, 2, 3]);
    expect(["b0", "b1", "b2"].filter((n) => w.stub(n).role?.role === "MASTER")).toHaveLength(1);
    expect(w.of("election.won")).toHaveLength(1);
  });

  it("master power-off: a new master from the SyncStateSet 10 s (timeout) + <=5 s (scan) after its last heartbeat", () => {
    const w = new World();
    const T = 30 * SEC + 370 * MS;
    w.runUntil(T);
    w.kill("b0", "power-off");
    w.runUntil(T + 30 * SEC);
    const won = w.of("election.won", T);
    expect(won).toHaveLength(1);
    // its last heartbeat left within 1 s before T; detection is > 10 s and <= 15 s after it arrived
    expect(won[0].t).toBeGreaterThan(T + 9 * SEC);
    expect(won[0].t).toBeLessThanOrEqual(T + 15 * SEC + 10 * MS);
    expect(w.of("election.start", T)[0]).toMatchObject({ reason: expect.stringMatching(/master-inactive|inactive-master-scan/) });
    // equal epoch and offset: the lower id wins the tie
    expect(won[0]).toMatchObject({ node: "b1", brokerId: 2, epoch: 2 });
    expect(w.stub("b1").role).toMatchObject({ role: "MASTER", masterEpoch: 2 });
    expect(w.stub("b2").role).toMatchObject({ role: "SLAVE", masterAddr: "10.0.0.12:10911", masterEpoch: 2 });
    // the new set starts as {new master} and the caught-up slave is expanded back
    const sets = w.of("controller.syncStateSet", T).map((e) => e.members);
    expect(sets[0]).toEqual([2]);
    expect(w.controller.replicaInfo("broker-a")!.syncStateSet).toEqual([2, 3]);
  });

  it("the candidate with the higher offset wins even with a higher id; priority breaks a tie", () => {
    const w = new World();
    w.runUntil(30 * SEC);
    w.lagging.add("b1"); // briefly behind: still in the SyncStateSet, but with a lower offset
    w.runUntil(33 * SEC);
    w.kill("b0", "power-off");
    w.runUntil(60 * SEC);
    expect(w.of("election.won", 33 * SEC)[0]).toMatchObject({ node: "b2", brokerId: 3 });

    const p = new World({ priorities: [undefined, 5, 1] });
    p.runUntil(30 * SEC);
    p.kill("b0", "power-off");
    p.runUntil(60 * SEC);
    expect(p.of("election.won", 30 * SEC)[0]).toMatchObject({ node: "b2", brokerId: 3 });
  });

  it("master crash: the controller sees the channel close and elects at once", () => {
    const w = new World();
    const T = 30 * SEC;
    w.runUntil(T);
    w.kill("b0", "crash");
    w.runUntil(T + 10 * SEC);
    const won = w.of("election.won", T);
    expect(won[0].t - T).toBeLessThan(10 * MS);
    expect(w.of("election.start", T)[0]).toMatchObject({ reason: "master-channel-closed" });
  });

  it("a restarted old master comes back as a slave of the new master and rejoins the set", () => {
    const w = new World();
    w.runUntil(30 * SEC);
    w.kill("b0", "power-off");
    w.runUntil(60 * SEC);
    w.node("b0").start();
    w.runUntil(90 * SEC);
    const b0 = w.stub("b0");
    expect(b0.client.controllerBrokerId).toBe(1); // from its metadata file
    expect(b0.role).toMatchObject({ role: "SLAVE", brokerId: 1, masterAddr: "10.0.0.12:10911", masterEpoch: 2 });
    expect(w.of("election.won", 31 * SEC)).toHaveLength(1);
    expect(w.controller.replicaInfo("broker-a")!.syncStateSet).toEqual([1, 2, 3]);
  });
});

describe("controller restarts", () => {
  it("the controller's state survives its restart: no new election, same master and epoch", () => {
    const w = new World();
    w.runUntil(30 * SEC);
    const before = w.controller.replicaInfo("broker-a");
    const old = w.controllerNode.incarnation;
    w.controllerNode.kill("power-off");
    w.transport.processDied(w.controllerNode, old, true);
    w.runUntil(50 * SEC); // brokers keep their roles meanwhile
    expect(w.stub("b0").role?.role).toBe("MASTER");
    w.controllerNode.start();
    w.runUntil(80 * SEC);
    expect(w.controller.replicaInfo("broker-a")).toEqual(before);
    expect(w.of("election.start", 30 * SEC)).toHaveLength(0);
    expect(w.controller.isBrokerActive("broker-a", 1)).toBe(true);
  });
});

describe("SyncStateSet maintenance", () => {
  it("a slave lagging > 15 s is shrunk out and is not elected", () => {
    const w = new World();
    const L = 30 * SEC;
    w.runUntil(L);
    w.lagging.add("b2");
    w.runUntil(L + 30 * SEC);
    const shrink = w.of("controller.syncStateSet", L).find((e) => e.members.join() === "1,2")!;
    expect(shrink.t).toBeGreaterThan(L + 14 * SEC);
    expect(shrink.t).toBeLessThanOrEqual(L + 21 * SEC + 10 * MS);
    expect(w.stub("b0").client.inSyncReplicasCount()).toBe(2);
    // lose the master and the in-sync slave: the lagging one must not take over
    w.kill("b0", "power-off");
    w.kill("b1", "power-off");
    w.runUntil(L + 80 * SEC);
    expect(w.of("election.won", L)).toHaveLength(0);
    expect(w.of("election.failed", L).length).toBeGreaterThan(0);
    expect(w.controller.replicaInfo("broker-a")).toMatchObject({ masterBrokerId: null, syncStateSet: [1, 2] });
    expect(w.stub("b2").role?.role).toBe("SLAVE");
  });

  it("with enableElectUncleanMaster the lagging slave can be elected", () => {
    const w = new World({ unclean: true });
    w.runUntil(30 * SEC);
    w.lagging.add("b2");
    w.runUntil(60 * SEC);
    w.kill("b0", "power-off");
    w.kill("b1", "power-off");
    w.runUntil(110 * SEC);
    const won = w.of("election.won", 60 * SEC);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ node: "b2", brokerId: 3 });
    expect(w.stub("b2").role?.role).toBe("MASTER");
  });

  it("a lagging slave that catches up is expanded back", () => {
    const w = new World();
    w.runUntil(30 * SEC);
    w.lagging.add("b2");
    w.runUntil(60 * SEC);
    expect(w.controller.replicaInfo("broker-a")!.syncStateSet).toEqual([1, 2]);
    w.lagging.delete("b2");
    w.runUntil(63 * SEC);
    expect(w.controller.replicaInfo("broker-a")!.syncStateSet).toEqual([1, 2, 3]);
  });
});

describe("controller state machine", () => {
  it("ALTER_SYNC_STATE_SET is fenced by master, epochs, liveness and must keep the master", () => {
    const r = new ReplicasInfo();
    for (const id of [1, 2, 3]) {
      r.applyBrokerId("c", "g", r.nextBrokerId("g"), `10.0.0.${id}:10911;0`);
      expect(r.registerBroker("g", id, `10.0.0.${id}:10911`, () => true).code).toBe(RC.SUCCESS);
    }
    const deps = { enableElectUncleanMaster: false, policy: () => null };
    expect(r.electMaster("g", 2, deps).body).toMatchObject({ masterBrokerId: 2, masterEpoch: 1, syncStateSet: [2], syncStateSetEpoch: 1 });
    const alive = () => true;
    expect(r.alterSyncStateSet("g", 1, 1, [1, 2], 1, alive).code).toBe(RC.CONTROLLER_INVALID_MASTER);
    expect(r.alterSyncStateSet("g", 2, 0, [2, 3], 1, alive).code).toBe(RC.CONTROLLER_FENCED_MASTER_EPOCH);
    expect(r.alterSyncStateSet("g", 2, 1, [2, 3], 0, alive).code).toBe(RC.CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH);
    expect(r.alterSyncStateSet("g", 2, 1, [2, 3], 1, (id) => id !== 3).code).toBe(RC.CONTROLLER_BROKER_NOT_ALIVE);
    expect(r.alterSyncStateSet("g", 2, 1, [2, 9], 1, alive).code).toBe(RC.CONTROLLER_INVALID_REPLICAS);
    expect(r.alterSyncStateSet("g", 2, 1, [1, 3], 1, alive).code).toBe(RC.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED);
    expect(r.alterSyncStateSet("g", 2, 1, [2], 1, alive).code).toBe(RC.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED);
    expect(r.alterSyncStateSet("g", 2, 1, [3, 2], 1, alive)).toMatchObject({ code: RC.SUCCESS, body: { syncStateSet: [2, 3], syncStateSetEpoch: 2 } });
    // controller-triggered election with nobody electable: master cleared, epoch bumped
    expect(r.electMaster("g", null, deps).code).toBe(RC.CONTROLLER_MASTER_NOT_AVAILABLE);
    expect(r.getReplicaInfo("g").body).toMatchObject({ masterBrokerId: null, masterEpoch: 2, syncStateSet: [2, 3] });
    // a broker-triggered failure changes nothing
    expect(r.electMaster("g", 1, deps).code).toBe(RC.CONTROLLER_ELECT_MASTER_FAILED);
    expect(r.getReplicaInfo("g").body!.masterEpoch).toBe(2);
  });

  it("DefaultElectPolicy: epoch desc, then maxOffset desc, then priority asc; old master kept if alive", () => {
    const info = (id: number, epoch: number, maxOffset: number, electionPriority: number) =>
      ({ brokerId: id, epoch, maxOffset, electionPriority }) as BrokerLiveInfo;
    const live = new Map([[1, info(1, 3, 100, 9)], [2, info(2, 4, 50, 9)], [3, info(3, 4, 80, 9)], [4, info(4, 4, 80, 1)]]);
    const get = (id: number) => live.get(id);
    const all = () => true;
    expect(electPolicy([1, 2, 3, 4], null, null, null, all, get)).toBe(4);
    expect(electPolicy([1, 2, 3], null, null, null, all, get)).toBe(3);
    expect(electPolicy([1, 2], null, null, null, all, get)).toBe(2);
    expect(electPolicy([1, 2, 3], null, 1, null, all, get)).toBe(1);
    expect(electPolicy([1], [1, 2, 3], null, null, (id) => id !== 1, get)).toBe(3);
    expect(electPolicy([1], null, null, null, (id) => id !== 1, get)).toBeNull();
  });
});

describe("determinism", () => {
  it("same seed, same events", () => {
    const run = () => {
      const w = new World({ starts: [0, 0, 0], seed: 11 });
      w.runUntil(25 * SEC);
      w.lagging.add("b2");
      w.runUntil(45 * SEC);
      w.kill("b0", "power-off");
      w.runUntil(70 * SEC);
      w.node("b0").start();
      w.runUntil(100 * SEC);
      return JSON.stringify({ events: w.events, roles: w.roles });
    };
    const a = run();
    expect(a).toBe(run());
    expect(a.length).toBeGreaterThan(1000);
  });
});

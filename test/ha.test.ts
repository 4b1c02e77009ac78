// Classic master/slave replication (sim/store/ha/): connection, offset reports, transfer,
// catch-up, housekeeping, SYNC_MASTER waits per profile, slave reads in the pull processor.
import { describe, expect, it } from "vitest";
import { Engine } from "../sim/core/engine.js";
import { sampler } from "../sim/core/distribution.js";
import { Node } from "../sim/core/node.js";
import { RandomStreams } from "../sim/core/random.js";
import { Transport } from "../sim/remoting/channel.js";
import { Network } from "../sim/remoting/network.js";
import { ResponseCode } from "../sim/remoting/codes.js";
import type { Response } from "../sim/remoting/rpc.js";
import { Tracer } from "../sim/trace/tracer.js";
import type { TraceEvent } from "../sim/trace/schema.js";
import { MessageStore, onPowerLoss, type MessageStoreOptions, type PutRequest, type PutStatus } from "../sim/store/index.js";
import { HAClient, HAService, type HaOptions } from "../sim/store/ha/index.js";
import { PullProcessor, type PullContext, type PullRequest } from "../sim/broker/pull-processor.js";

const MS = 1000;
const S = 1_000_000;

interface Proc { store: MessageStore; ha: HAService; client: HAClient | null; start(): void }

function cluster(profile: "4.9" | "5.3", over: Partial<HaOptions> = {}, storeOpts: Partial<MessageStoreOptions> = {}) {
  const engine = new Engine();
  const streams = new RandomStreams(5);
  const tracer = new Tracer(() => engine.nowUs);
  const events: TraceEvent[] = [];
  tracer.on((e) => events.push(e));
  const network = new Network(streams, sampler({ distribution: "fixed", value: 1 * MS }), 0);
  const transport = new Transport(engine, network, tracer);
  const opts: HaOptions = {
    profile, port: 10912, heartbeatUs: 5 * S, housekeepingUs: 20 * S, batchBytes: 32 * 1024,
    maxGapNotInSync: 256 * 1024 * 1024, slaveTimeoutUs: 3 * S, inSyncReplicas: 1, ...over,
  };
  const byIp: Record<string, string> = { "10.0.0.1": "m", "10.0.0.2": "s" };
  const make = (slave: boolean, syncMaster: boolean) => (n: Node): Proc => {
    const store = new MessageStore(n, { streams, disk: { fsyncUs: { distribution: "fixed", value: 1000 } }, ...storeOpts });
    const host = { node: n, transport, emit: tracer.emit.bind(tracer), nameOf: (ip: string) => byIp[ip] ?? ip };
    const ha = new HAService(host, store, opts);
    const p: Proc = {
      store, ha, client: null,
      start() {
        store.start();
        store.role = slave ? "SLAVE" : syncMaster ? "SYNC_MASTER" : "ASYNC_MASTER";
        ha.start();
        ha.attach(!slave && syncMaster);
        if (slave) { p.client = new HAClient(host, store, opts); p.client.updateMasterAddress("10.0.0.1:10912"); p.client.start(); }
      },
    };
    return p;
  };
  return { engine, transport, network, events, opts, make };
}

function world(profile: "4.9" | "5.3", syncMaster = false, over: Partial<HaOptions> = {}, storeOpts: Partial<MessageStoreOptions> = {}) {
  const c = cluster(profile, over, storeOpts);
  const master = new Node<Proc>(c.engine, "m", "10.0.0.1", c.make(false, syncMaster));
  const slave = new Node<Proc>(c.engine, "s", "10.0.0.2", c.make(true, false));
  for (const n of [master, slave]) { c.transport.addNode(n); n.start(); }
  const put = (i: number, over2: Partial<PutRequest> = {}) => {
    const o: { status?: PutStatus; at?: number } = {};
    master.process!.store.putMessage({ topic: "T", queueId: i % 2, tags: "A", msgId: `ID${i}`, bornUs: 0, bodySize: 500, ...over2 },
      (st) => { o.status = st; o.at = c.engine.nowUs; });
    return o;
  };
  const run = (us: number) => c.engine.run({ untilUs: c.engine.nowUs + us });
  const ms = () => master.process!.store, ss = () => slave.process!.store;
  const of = (type: string) => c.events.filter((e) => e.type === type);
  return { ...c, master, slave, put, run, ms, ss, of };
}

describe("replication (4.9)", () => {
  it("connects, reports after 5 s, pushes the backlog and keeps the slave in step", () => {
    const w = world("4.9");
    for (let i = 0; i < 100; i++) w.put(i);
    w.run(5 * S);
    expect(w.of("ha.connect")).toHaveLength(1); // the address is known here: the client connects at start
    expect(w.ss().maxPhyOffset).toBe(0); // connected, but 4.9.8 sends its first report 5 s after connecting
    w.run(2 * S);
    expect(w.ss().maxPhyOffset).toBe(w.ms().maxPhyOffset);
    const acks = w.of("ha.ack") as Extract<TraceEvent, { type: "ha.ack" }>[];
    expect(acks[0]).toMatchObject({ node: "m", slave: "s", offset: 0 });
    expect(acks[acks.length - 1]).toMatchObject({ offset: w.ms().maxPhyOffset, behind: 0 });
    // ASYNC_MASTER: new data ships within the write side's 100 ms idle wait.
    const before = w.ms().maxPhyOffset;
    w.put(100);
    w.run(105 * MS);
    expect(w.ss().maxPhyOffset).toBeGreaterThan(before);
    // The slave's ConsumeQueues are readable.
    const g = w.ss().getMessage("T", 1, 0, 32, null);
    expect(g.status).toBe("FOUND");
    expect(g.messages[0].msgId).toBe("ID1");
    // A slave refuses puts.
    let st: PutStatus | undefined;
    w.ss().putMessage({ topic: "T", queueId: 0, msgId: "X", bornUs: 0, bodySize: 1 }, (s) => { st = s; });
    expect(st).toBe("SERVICE_NOT_AVAILABLE");
  });

  it("SYNC_MASTER: SLAVE_NOT_AVAILABLE without a slave, PUT_OK after the slave's ack, FLUSH_SLAVE_TIMEOUT when it stalls", () => {
    const w = world("4.9", true);
    const early = w.put(0);
    w.run(1);
    expect(early.status).toBe("SLAVE_NOT_AVAILABLE");
    w.run(10 * S); // connected and reporting
    const ok = w.put(1);
    const t0 = w.engine.nowUs;
    w.run(10 * MS);
    expect(ok.status).toBe("PUT_OK");
    expect(ok.at! - t0).toBeGreaterThanOrEqual(2 * MS); // push + ack: two 1 ms hops
    w.slave.pause();
    const stalled = w.put(2);
    const t1 = w.engine.nowUs;
    w.run(4 * S);
    expect(stalled.status).toBe("FLUSH_SLAVE_TIMEOUT");
    expect(stalled.at! - t1).toBe(3 * S);
    // 20 s without a report: the master drops the connection; then SLAVE_NOT_AVAILABLE at once.
    w.run(20 * S);
    expect(w.of("ha.disconnect")).toContainEqual(expect.objectContaining({ node: "m", side: "master", reason: "housekeeping" }));
    expect(w.master.process!.ha.connectionCount).toBe(0);
    const gone = w.put(3);
    w.run(1);
    expect(gone.status).toBe("SLAVE_NOT_AVAILABLE");
    // Resumed, the slave finds its socket closed (FIN), reconnects at once and catches up.
    w.slave.resume();
    w.run(8 * S);
    expect(w.ss().maxPhyOffset).toBe(w.ms().maxPhyOffset);
  });

  it("a slave never gives up on a silent (powered-off) master in 4.9; its restart resets the socket and replication resumes", () => {
    const w = world("4.9");
    for (let i = 0; i < 10; i++) w.put(i);
    w.run(7 * S);
    w.master.kill("power-off");
    w.transport.processDied(w.master, w.master.incarnation - 1, true);
    w.run(60 * S);
    expect(w.of("ha.disconnect").filter((e) => e.node === "s")).toEqual([]);
    w.master.start();
    w.run(12 * S);
    const d = w.of("ha.disconnect").filter((e) => e.node === "s");
    expect(d[0]).toMatchObject({ reason: "reset" });
    expect(w.of("ha.connect").length).toBe(2);
  });
});

describe("replication (5.3)", () => {
  it("SYNC_MASTER with inSyncReplicas 1 answers PUT_OK at once, with 2 waits for the slave", () => {
    const w1 = world("5.3", true);
    const a = w1.put(0);
    w1.run(1);
    expect(a.status).toBe("PUT_OK");
    const w2 = world("5.3", true, { inSyncReplicas: 2 });
    const b = w2.put(0);
    w2.run(4 * S);
    expect(b.status).toBe("FLUSH_SLAVE_TIMEOUT"); // no SLAVE_NOT_AVAILABLE in 5.x: it waits slaveTimeout
    w2.run(10 * S);
    const c = w2.put(1);
    w2.run(10 * MS);
    expect(c.status).toBe("PUT_OK");
  });

  it("the slave reports at once after connecting and closes a connection it has not read from for 20 s", () => {
    const w = world("5.3");
    for (let i = 0; i < 10; i++) w.put(i);
    w.run(5100 * MS);
    expect(w.ss().maxPhyOffset).toBe(w.ms().maxPhyOffset);
    w.network.partition([["m"], ["s"]], false);
    w.run(30 * S);
    const reasons = w.of("ha.disconnect").map((e) => `${e.node}:${(e as { reason: string }).reason}`);
    expect(reasons).toContain("s:housekeeping");
    expect(reasons).toContain("m:housekeeping");
    w.network.heal();
    for (let i = 10; i < 20; i++) w.put(i);
    w.run(15 * S);
    expect(w.ss().maxPhyOffset).toBe(w.ms().maxPhyOffset);
  });
});

describe("divergence and catch-up", () => {
  it("4.9: a slave ahead of its restarted master (lost unflushed tail) is dropped (ahead-of-master); 5.3 keeps it waiting", () => {
    for (const profile of ["4.9", "5.3"] as const) {
      const w = world(profile);
      w.run(6100 * MS); // just after a flush pass (every 500 ms)
      for (let i = 0; i < 50; i++) w.put(i);
      w.run(200 * MS); // replicated, but the master's async flush (every 500 ms, 16 KiB) has not run
      expect(w.ss().maxPhyOffset).toBe(w.ms().maxPhyOffset);
      const old = w.master.incarnation;
      w.master.kill("power-off");
      w.transport.processDied(w.master, old, true);
      onPowerLoss(w.master);
      w.master.start();
      expect(w.ms().maxPhyOffset).toBeLessThan(w.ss().maxPhyOffset);
      w.run(30 * S);
      const m = w.of("ha.disconnect").filter((e) => e.node === "m").map((e) => (e as { reason: string }).reason);
      if (profile === "4.9") expect(m).toContain("ahead-of-master");
      else expect(m).not.toContain("ahead-of-master");
      expect(w.ss().maxPhyOffset).toBeGreaterThan(w.ms().maxPhyOffset);
    }
  });

  it("4.9 SYNC_MASTER behind its slave: the slave's request offset becomes push2SlaveMaxOffset, so puts below it are PUT_OK at once", () => {
    const w = world("4.9", true);
    w.run(10 * S); // connected and reporting
    w.run(6100 * MS); // 16.1 s: just after a flush pass (every 500 ms)
    for (let i = 0; i < 50; i++) w.put(i);
    w.run(200 * MS); // replicated (SYNC_MASTER), not yet flushed
    const slaveMax = w.ss().maxPhyOffset;
    const old = w.master.incarnation;
    w.master.kill("power-off");
    w.transport.processDied(w.master, old, true);
    onPowerLoss(w.master);
    w.master.start();
    w.run(12 * S); // the slave's report meets an RST, it reconnects and reports 5 s later
    expect(w.master.process!.ha.push2SlaveMaxOffset).toBe(slaveMax);
    const before = w.ms().maxPhyOffset;
    const o = w.put(100);
    w.run(1);
    expect(o.status).toBe("PUT_OK"); // GroupTransferService: push2SlaveMaxOffset >= end
    expect(w.ms().maxPhyOffset).toBeLessThan(slaveMax); // written below what the slave holds
    w.run(30 * S);
    expect(w.ss().maxPhyOffset).toBe(slaveMax); // never replicated
    expect(before).toBeLessThan(slaveMax);
  });

  it("keeps what a connected slave still needs through retention", () => {
    const w = world("4.9", false, {}, { retainPerQueue: 100, commitLogRetain: 100, retainEveryAppends: 50 });
    w.run(7 * S);
    w.network.partition([["m"], ["s"]], false);
    for (let i = 0; i < 1000; i++) w.put(i);
    w.run(1 * S);
    w.network.heal();
    w.run(12 * S);
    expect(w.ss().maxPhyOffset).toBe(w.ms().maxPhyOffset);
  });

  it("a fresh slave starts at the master's last 1 GiB file and appends mid-log", () => {
    const w = world("5.3", false, {}, { maxMessageSize: 8 * 1024 * 1024 });
    w.slave.kill("crash");
    w.transport.processDied(w.slave, w.slave.incarnation - 1, false);
    for (let i = 0; i < 300; i++) w.put(i, { bodySize: 4 * 1024 * 1024 });
    w.run(1 * S);
    const max = w.ms().maxPhyOffset;
    expect(max).toBeGreaterThan(1024 ** 3);
    w.slave.start();
    w.slave.process!.client!.updateMasterAddress("10.0.0.1:10912");
    w.run(12 * S);
    expect(w.ss().maxPhyOffset).toBe(max);
    expect(w.ss().minPhyOffset).toBeGreaterThanOrEqual(1024 ** 3);
  });
});

describe("pulls on a slave", () => {
  function pullOn(profile: "4.9" | "5.3", slaveReadEnable: boolean, isSlave = true) {
    const w = world(profile, false, {}, { hotBytes: 2000 });
    for (let i = 0; i < 20; i++) w.put(i);
    w.run(7 * S);
    const store = isSlave ? w.ss() : w.ms();
    const ctx: PullContext = { isSlave: () => isSlave, profile, slaveReadEnable, whichBrokerWhenConsumeSlowly: 1 };
    const commits: number[] = [];
    const p = new PullProcessor(store, () => w.engine.nowUs, (r) => commits.push(r.commitOffset!), ctx);
    const ask = (queueOffset: number): Response => {
      let out!: Response;
      const req: PullRequest = { group: "g", topic: "T", queueId: 0, queueOffset, maxMsgNums: 1, suspend: true, suspendTimeoutUs: 15 * S,
        tagCodes: null, commitOffset: 3 };
      p.process(req, (r) => { out = r; });
      return out;
    };
    return { ask, commits };
  }

  it("4.9 serves pulls on a slave even without slaveReadEnable, suggesting the master", () => {
    const { ask, commits } = pullOn("4.9", false);
    const r = ask(0);
    expect(r.code).toBe(ResponseCode.SUCCESS);
    expect(r.suggestWhichBrokerId).toBe(0);
    expect(commits).toEqual([]); // a slave never stores the piggybacked commit offset
    expect(ask(10)).toBeUndefined(); // caught up: held (long polling) as on a master
  });

  it("5.3 rejects pulls on a slave without slaveReadEnable; with it, answers and never holds", () => {
    expect(pullOn("5.3", false).ask(0)).toMatchObject({ code: ResponseCode.SYSTEM_BUSY });
    const { ask } = pullOn("5.3", true);
    expect(ask(0).code).toBe(ResponseCode.SUCCESS);
    expect(ask(10)).toMatchObject({ code: ResponseCode.PULL_RETRY_IMMEDIATELY, suggestWhichBrokerId: 0 });
  });

  it("with slaveReadEnable a master suggests the slave to a consumer far behind", () => {
    expect(pullOn("4.9", true, false).ask(0)).toMatchObject({ code: ResponseCode.SUCCESS, suggestWhichBrokerId: 1 });
    expect(pullOn("4.9", false, false).ask(0)).toMatchObject({ code: ResponseCode.SUCCESS, suggestWhichBrokerId: 0 });
  });
});

// failover: controller: the confirmOffset bounds what consumers may read (sim/store/ha/confirm-offset.ts).
// Two brokers on a 1 ms network: controller broker id 1 is the master, 2 the slave.

import { describe, expect, it } from "vitest";
import { Engine } from "../sim/core/engine.js";
import { sampler } from "../sim/core/distribution.js";
import { Node } from "../sim/core/node.js";
import { RandomStreams } from "../sim/core/random.js";
import { Transport } from "../sim/remoting/channel.js";
import { Network } from "../sim/remoting/network.js";
import { Tracer } from "../sim/trace/tracer.js";
import { MessageStore, type PutStatus } from "../sim/store/index.js";
import { HAClient, HAService, type HaOptions } from "../sim/store/ha/index.js";
import { EpochFile } from "../sim/store/ha/epoch-file.js";

const MS = 1000;
const S = 1_000_000;

interface Proc { store: MessageStore; ha: HAService; start(): void }

function world(opts: { allAck: boolean; set: number[]; controllerMode?: boolean }) {
  const engine = new Engine();
  const streams = new RandomStreams(5);
  const tracer = new Tracer(() => engine.nowUs);
  const network = new Network(streams, sampler({ distribution: "fixed", value: 1 * MS }), 0);
  const transport = new Transport(engine, network, tracer);
  const set = [...opts.set];
  const make = (id: number) => (n: Node): Proc => {
    const slave = id !== 1;
    const ha0: HaOptions = {
      profile: "5.3", port: 10912, heartbeatUs: 5 * S, housekeepingUs: 20 * S, batchBytes: 32 * 1024,
      maxGapNotInSync: 256 * 1024 * 1024, slaveTimeoutUs: 3 * S, inSyncReplicas: 1,
      epochs: new EpochFile(n), allAckInSyncStateSet: opts.allAck, syncStateSet: () => set, localSyncStateSet: () => set,
      reportBrokerId: () => id, selfBrokerId: () => id,
    };
    const store = new MessageStore(n, { streams, profile: "5.3", controllerMode: opts.controllerMode ?? true });
    const host = { node: n, transport, emit: tracer.emit.bind(tracer), nameOf: (ip: string) => ip };
    const ha = new HAService(host, store, ha0);
    return {
      store, ha,
      start() {
        store.start();
        store.role = slave ? "SLAVE" : "SYNC_MASTER";
        ha.start();
        ha.attach(!slave);
        if (!slave) { ha0.epochs!.append({ epoch: 1, startOffset: 0 }); ha.confirm?.update(); return; }
        const client = new HAClient(host, store, ha0);
        client.updateMasterAddress("10.0.0.1:10912");
        client.start();
      },
    };
  };
  const master = new Node<Proc>(engine, "m", "10.0.0.1", make(1));
  const slave = new Node<Proc>(engine, "s", "10.0.0.2", make(2));
  for (const n of [master, slave]) { transport.addNode(n); n.start(); }
  const ms = () => master.process!.store, ss = () => slave.process!.store;
  /** A put at virtual time `atUs`; its answer and when it came. */
  const putAt = (atUs: number) => {
    const o: { status?: PutStatus; at?: number } = {};
    engine.at(atUs, () => ms().putMessage({ topic: "T", queueId: 0, tags: "A", msgId: `ID${atUs}`, bornUs: 0, bodySize: 500 },
      (st) => { o.status = st; o.at = engine.nowUs; }));
    return o;
  };
  /** Run every event at or before `us`. */
  const until = (us: number) => engine.run({ untilUs: us + 1 });
  /** Messages a consumer of queue T/0 can pull (the ConsumeQueue's max offset). */
  const readable = (s: MessageStore) => s.getMaxOffsetInQueue("T", 0);
  return { engine, network, set, master, ms, ss, putAt, until, readable };
}

describe("confirmOffset (5.3 controller mode)", () => {
  // The slave's first report comes 5 s after its handshake (haSendHeartbeatInterval); puts start at 6 s.
  const T0 = 6 * S;

  it("a set of the master alone: pullable 1 ms after the append, as without the gate", () => {
    const w = world({ allAck: true, set: [1] });
    w.putAt(T0);
    w.until(T0 + 1 * MS - 1);
    expect(w.readable(w.ms())).toBe(0);
    w.until(T0 + 1 * MS); // reputDelayUs
    expect(w.readable(w.ms())).toBe(1);
  });

  it("allAckInSyncStateSet off: the master reads up to its max offset even with a slave in the set", () => {
    const w = world({ allAck: false, set: [1, 2] });
    w.until(T0 - 1);
    w.network.partition([["m"], ["s"]], false); // the slave cannot ack
    w.putAt(T0);
    w.until(T0 + 1 * MS);
    expect(w.readable(w.ms())).toBe(1);
  });

  it("allAckInSyncStateSet with the slave in the set: pullable on the master only once the slave acked", () => {
    const w = world({ allAck: true, set: [1, 2] });
    const p = w.putAt(T0);
    // pushed at once (the put wakes the write side), 1 ms to the slave, its ack 1 ms back
    // (PUT_OK and a new confirmOffset), then the reput pass 1 ms later
    w.until(T0 + 3 * MS - 1);
    expect(w.readable(w.ms())).toBe(0);
    expect(p).toEqual({ status: "PUT_OK", at: T0 + 2 * MS });
    w.until(T0 + 3 * MS);
    expect(w.readable(w.ms())).toBe(1);
  });

  it("a slave that does not ack keeps the message invisible on the master until the set shrinks", () => {
    const w = world({ allAck: true, set: [1, 2] });
    w.until(T0 - 1);
    w.network.partition([["m"], ["s"]], false);
    const p = w.putAt(T0);
    w.until(T0 + 3 * S);
    expect(p).toEqual({ status: "FLUSH_SLAVE_TIMEOUT", at: T0 + 3 * S }); // stored on the master, not acknowledged
    expect(w.readable(w.ms())).toBe(0);
    w.until(T0 + 29 * S); // housekeeping dropped the connection: a member without one freezes the confirmOffset
    expect(w.master.process!.ha.connectionCount).toBe(0);
    expect(w.readable(w.ms())).toBe(0);
    // the controller shrinks the set to the master alone (setSyncStateSet)
    w.engine.at(T0 + 30 * S, () => { w.set.splice(1, 1); w.master.process!.ha.recheck(); });
    w.until(T0 + 30 * S + 1 * MS);
    expect(w.readable(w.ms())).toBe(1);
  });

  it("the slave reads only up to the confirmOffset of the master's last frame: a lone message waits for the next one", () => {
    const w = world({ allAck: true, set: [1, 2] });
    w.putAt(T0);
    w.until(T0 + 10 * MS);
    expect(w.ss().maxPhyOffset).toBe(w.ms().maxPhyOffset); // replicated
    expect(w.readable(w.ss())).toBe(0); // the frame carrying it named the older confirmOffset
    // The next frame is the heartbeat: nothing written for more than haSendHeartbeatInterval (5 s),
    // seen by the write side's 100 ms idle loop: 5.1 s after the data frame, 1 ms on the wire, 1 ms reput.
    w.until(T0 + 5100 * MS + 2 * MS - 1);
    expect(w.readable(w.ss())).toBe(0);
    w.until(T0 + 5100 * MS + 2 * MS);
    expect(w.readable(w.ss())).toBe(1);
  });

  it("outside controller mode the reput runs to the max offset", () => {
    const w = world({ allAck: true, set: [1, 2], controllerMode: false });
    w.until(T0 - 1);
    w.network.partition([["m"], ["s"]], false);
    w.putAt(T0);
    w.until(T0 + 1 * MS);
    expect(w.readable(w.ms())).toBe(1);
  });
});

describe("confirmOffset in the store (controller mode)", () => {
  function store() {
    const engine = new Engine();
    const streams = new RandomStreams(7);
    let s!: MessageStore;
    const node = new Node(engine, "b", "10.0.0.1", (n) => {
      s = new MessageStore(n, { streams, profile: "5.3", controllerMode: true });
      return { start: () => s.start() };
    });
    node.start();
    const put = () => s.putMessage({ topic: "T", queueId: 0, tags: "A", msgId: "ID", bornUs: 0, bodySize: 100 }, () => {});
    return { engine, node, get s() { return s; }, put };
  }

  it("with no HA service the stored confirmOffset bounds the dispatch, whole records only", () => {
    const w = store();
    w.put(); w.put(); w.put();
    w.engine.run({ untilUs: 10 * MS });
    expect(w.s.getMaxOffsetInQueue("T", 0)).toBe(0); // -1: nothing confirmed
    expect(w.s.getMessage("T", 0, 0, 1).messages.length).toBe(0); // nothing dispatched: nothing to read
    w.s.setConfirmOffset(w.s.maxPhyOffset / 3 * 2 - 1); // inside the second record
    w.engine.run({ untilUs: 20 * MS });
    expect(w.s.getMaxOffsetInQueue("T", 0)).toBe(1);
    w.s.setConfirmOffset(w.s.maxPhyOffset / 3 * 2); // the second record's end
    w.engine.run({ untilUs: 30 * MS });
    expect(w.s.getMaxOffsetInQueue("T", 0)).toBe(2);
  });

  it("a restarted store recovers only up to the confirmOffset kept with the log (CommitLog#recoverNormally)", () => {
    const w = store();
    w.put(); w.put(); w.put();
    w.s.setConfirmOffset(w.s.maxPhyOffset / 3);
    w.node.kill("crash"); // before any dispatch pass
    w.engine.run({ untilUs: 10 * MS });
    w.node.start();
    expect(w.s.getMaxOffsetInQueue("T", 0)).toBe(1);
    expect(w.s.storedConfirmOffset).toBe(w.s.maxPhyOffset / 3);
  });

  it("a truncation below the confirmOffset lowers it (CommitLog#truncateDirtyFiles)", () => {
    const w = store();
    w.put(); w.put();
    const end = w.s.maxPhyOffset;
    w.s.setConfirmOffset(end);
    w.engine.run({ untilUs: 10 * MS });
    w.s.truncateFiles(end / 2);
    expect(w.s.storedConfirmOffset).toBe(end / 2);
  });
});

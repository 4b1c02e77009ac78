// TCP semantics of the simulated transport, as RocketMQ's Netty channels see them.
import { describe, expect, it } from "vitest";
import { Engine } from "../sim/core/engine.js";
import { sampler } from "../sim/core/distribution.js";
import { Node } from "../sim/core/node.js";
import { RandomStreams } from "../sim/core/random.js";
import { Transport } from "../sim/remoting/channel.js";
import { Network } from "../sim/remoting/network.js";
import { RemotingClient, RemotingServer, type RpcError } from "../sim/remoting/rpc.js";
import { Tracer } from "../sim/trace/tracer.js";
import type { TraceEvent } from "../sim/trace/schema.js";

const MS = 1000;

function world(latencyUs = 1000) {
  const engine = new Engine();
  const tracer = new Tracer(() => engine.nowUs);
  const events: TraceEvent[] = [];
  tracer.on((e) => events.push(e));
  const network = new Network(new RandomStreams(1), sampler({ distribution: "fixed", value: latencyUs }), 0);
  const transport = new Transport(engine, network, tracer);
  const serverEvents: string[] = [];
  const server = new Node(engine, "srv", "10.0.0.1", (n) => ({
    start() {
      new RemotingServer(n, transport, 9876, 120_000 * MS, {
        onRequest: (_ch, req, reply) => { if (req.code !== 999) reply({ code: 0, echo: req.code }); },
        onChannelEvent: (_ch, ev) => serverEvents.push(`${engine.nowUs}:${ev}`),
      });
    },
  }));
  let client!: RemotingClient;
  const cli = new Node(engine, "cli", "10.0.0.2", (n) => ({
    start() { client = new RemotingClient(n, transport, { connectTimeoutUs: 3000 * MS, closeSocketIfTimeout: true, idleUs: 0 }); },
  }));
  for (const n of [server, cli]) { transport.addNode(n); n.start(); }
  const call = (code: number, timeoutUs = 3000 * MS) => {
    const out: { err?: RpcError | null; at?: number } = {};
    client.invoke("10.0.0.1:9876", { code }, timeoutUs, (err) => { out.err = err; out.at = engine.nowUs; });
    return out;
  };
  /** Run 10 s of virtual time (less than the 120 s idle close). */
  const step = () => engine.run({ untilUs: engine.nowUs + 10_000 * MS });
  return { engine, network, transport, server, cli, call, step, serverEvents, events };
}

describe("channels and requests", () => {
  it("a request round-trips in two network delays plus connect", () => {
    const w = world();
    const r = w.call(1);
    w.step();
    expect(r.err).toBeNull();
    expect(r.at).toBe(4 * MS); // SYN, SYN-ACK, request, response
  });

  it("crash: the server's OS sends FIN; the pending request fails fast", () => {
    const w = world();
    w.call(1);
    w.step();
    const r = w.call(999); // never answered
    w.engine.at(10_010 * MS, () => { const old = w.server.incarnation; w.server.kill("crash"); w.transport.processDied(w.server, old, false); });
    w.step();
    expect(r.err).toBe("send");
    expect(r.at).toBe(10_011 * MS); // FIN one delay after the crash
  });

  it("power-off: silence; the request times out and the client closes the channel", () => {
    const w = world();
    w.call(1);
    w.step();
    const r = w.call(999);
    w.engine.at(10_010 * MS, () => { const old = w.server.incarnation; w.server.kill("power-off"); w.transport.processDied(w.server, old, true); });
    w.step();
    expect(r.err).toBe("timeout");
    expect(r.at).toBe(10_000 * MS + 3000 * MS);
    expect(w.events.some((e) => e.type === "channel.close" && e.node === "cli" && e.reason === "timeout")).toBe(true);
  });

  it("connecting to a powered-off host times out; to a host without the process, it is refused at once", () => {
    const w = world();
    w.server.kill("power-off");
    const r1 = w.call(1, 10_000 * MS);
    w.step();
    expect(r1).toEqual({ err: "connect", at: 3000 * MS });
    const t = w.engine.nowUs;
    w.server.start();
    w.server.kill("crash");
    const r2 = w.call(1, 10_000 * MS);
    w.step();
    expect(r2.err).toBe("connect");
    expect(r2.at! - t).toBe(2 * MS);
  });

  it("a restarted server answers the old channel with RST", () => {
    const w = world();
    w.call(1);
    w.step();
    w.server.kill("power-off"); // no FIN: the client still believes in its channel
    w.server.start();
    const r = w.call(1);
    w.step();
    expect(r.err).toBe("send"); // reset arrives, pending request fails fast
    expect(w.events.some((e) => e.type === "channel.close" && e.node === "cli" && e.reason === "reset")).toBe(true);
    const again = w.call(1); // the next request reconnects
    w.step();
    expect(again.err).toBeNull();
  });

  it("a partition drops segments silently; the channel stays open on both sides", () => {
    const w = world();
    w.call(1);
    w.step();
    w.network.partition([["srv"], ["cli"]], false);
    const r = w.call(1, 500 * MS);
    w.step();
    expect(r.err).toBe("timeout");
    expect(w.serverEvents).toEqual([]); // the server saw nothing
  });

  it("one-way partition cuts only the first group's outbound traffic", () => {
    const w = world();
    w.network.partition([["srv"], ["cli"]], true);
    expect(w.network.reachable("srv", "cli")).toBe(false);
    expect(w.network.reachable("cli", "srv")).toBe(true);
    expect(w.network.reachable("other", "srv")).toBe(true);
  });

  it("segments on one channel keep their order whatever the jitter", () => {
    const engine = new Engine();
    const tracer = new Tracer(() => engine.nowUs);
    const network = new Network(new RandomStreams(3), sampler({ distribution: "uniform", min: 100, max: 5000 }), 0.3);
    const transport = new Transport(engine, network, tracer);
    const got: number[] = [];
    const srv = new Node(engine, "srv", "10.0.0.1", (n) => ({
      start() { new RemotingServer(n, transport, 1, 0, { onRequest: (_c, req) => { got.push(req.code); } }); },
    }));
    let client!: RemotingClient;
    const cli = new Node(engine, "cli", "10.0.0.2", (n) => ({
      start() { client = new RemotingClient(n, transport, { connectTimeoutUs: 1e9, closeSocketIfTimeout: false, idleUs: 0 }); },
    }));
    for (const n of [srv, cli]) { transport.addNode(n); n.start(); }
    for (let i = 0; i < 200; i++) engine.at(i * 10, () => client.oneway("10.0.0.1:1", { code: i }));
    engine.run();
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("the server's idle handler closes a silent channel after the idle time", () => {
    const w = world();
    w.call(1);
    w.engine.run({ untilUs: 200_000 * MS });
    expect(w.serverEvents).toEqual([`${3 * MS + 120_000 * MS}:idle`]);
  });
});

// MQClientInstance plumbing: which NameServer a client talks to, and its
// single-threaded scheduled executor.
import { describe, expect, it } from "vitest";
import { makeRng } from "../sim/core/random.js";
import { NameServerPicker } from "../sim/client/namesrv-picker.js";
import { SerialExecutor } from "../sim/client/serial-executor.js";
import type { RemotingClient } from "../sim/remoting/rpc.js";

/** A RemotingClient stand-in: addresses in `down` refuse connections. */
function fakeClient(down: Set<string>) {
  const ok = new Set<string>();
  const calls: string[] = [];
  const client = {
    isOk: (a: string) => ok.has(a),
    getChannel: (a: string, done: (ch: unknown) => void) => { if (down.has(a)) done(null); else { ok.add(a); done({}); } },
    invoke: (a: string, _req: unknown, _t: number, cb: (err: null) => void) => { calls.push(a); cb(null); },
  } as unknown as RemotingClient;
  return { client, calls, ok };
}

describe("NameServerPicker (NettyRemotingClient#getAndCreateNameserverChannel)", () => {
  const addrs = ["a:9876", "b:9876", "c:9876"];
  const now = () => 0;

  it("sticks to the chosen NameServer while its channel is healthy", () => {
    const f = fakeClient(new Set());
    const chosen: string[] = [];
    const p = new NameServerPicker(f.client, addrs, makeRng(1, "p"), "4.9", (a) => chosen.push(a));
    for (let i = 0; i < 5; i++) p.invoke({ code: 105 }, 3_000_000, () => {}, now);
    expect(chosen).toHaveLength(1);
    expect(new Set(f.calls)).toEqual(new Set(chosen));
  });

  it("walks on through the shuffled list when the chosen one fails", () => {
    const f = fakeClient(new Set());
    const chosen: string[] = [];
    const p = new NameServerPicker(f.client, addrs, makeRng(2, "p"), "4.9", (a) => chosen.push(a));
    p.invoke({ code: 105 }, 3_000_000, () => {}, now);
    f.ok.delete(chosen[0]); // its channel closed
    p.invoke({ code: 105 }, 3_000_000, () => {}, now);
    expect(chosen).toHaveLength(2);
    expect(chosen[1]).not.toBe(chosen[0]);
  });

  it("reports a connect failure only after trying every NameServer", () => {
    const f = fakeClient(new Set(addrs));
    const chosen: string[] = [];
    let err: unknown = undefined;
    const p = new NameServerPicker(f.client, addrs, makeRng(3, "p"), "5.3", (a) => chosen.push(a));
    p.invoke({ code: 105 }, 3_000_000, (e) => { err = e; }, now);
    expect(err).toBe("connect");
    expect(new Set(chosen)).toEqual(new Set(addrs));
  });

  it("different clients start at different places (seeded shuffle and index)", () => {
    const firsts = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const f = fakeClient(new Set());
      new NameServerPicker(f.client, addrs, makeRng(seed, "p"), "4.9", (a) => firsts.add(a)).invoke({ code: 105 }, 1, () => {}, now);
    }
    expect(firsts.size).toBe(3);
  });
});

describe("SerialExecutor (one scheduler thread)", () => {
  it("runs tasks one at a time, in the order they came due", () => {
    const ex = new SerialExecutor();
    const log: string[] = [];
    const pending: (() => void)[] = [];
    ex.submit("route", (done) => { log.push("route"); pending.push(done); });
    ex.submit("heartbeat", (done) => { log.push("heartbeat"); done(); });
    expect(log).toEqual(["route"]); // heartbeat waits behind the stuck route poll
    pending.shift()!();
    expect(log).toEqual(["route", "heartbeat"]);
  });

  it("a periodic task due again while queued runs once more, not twice", () => {
    const ex = new SerialExecutor();
    const log: string[] = [];
    let release: () => void = () => {};
    ex.submit("route", (done) => { log.push("route"); release = done; });
    ex.submit("heartbeat", (done) => { log.push("hb"); done(); });
    ex.submit("heartbeat", (done) => { log.push("hb"); done(); });
    release();
    expect(log).toEqual(["route", "hb"]);
  });
});

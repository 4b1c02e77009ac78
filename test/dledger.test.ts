// DLedger (Raft for enableDLegerCommitLog) on the simulated network: elections, failover
// timing, partitions, replication, truncation, persistence, determinism.
import { describe, expect, it } from "vitest";
import { MS, S, world, firstLeaderAfter, oneLeaderPerTerm, settle } from "./helpers/dledger-world.js";

describe("dledger: election", () => {
  it("3 members elect exactly one leader, which keeps its term while heartbeats flow", () => {
    const w = world();
    w.run(5 * S);
    const l = w.leaders();
    expect(l).toHaveLength(1);
    const leader = w.members.get(l[0])!;
    for (const id of w.ids) {
      const m = w.members.get(id)!;
      expect(m.role).toBe(id === l[0] ? "LEADER" : "FOLLOWER");
      expect(m.leaderId).toBe(l[0]);
      expect(m.term).toBe(leader.term);
    }
    // All start as candidates voting for themselves (term 0); the first back-off (300–1000 ms) wins term 1.
    const won = firstLeaderAfter(w, 0)!;
    expect(won.term).toBe(1);
    expect(won.t).toBeGreaterThanOrEqual(300 * MS);
    expect(won.t).toBeLessThan(1100 * MS);
    expect(w.seen.filter((e) => e.what.includes('"election.won"'))).toHaveLength(1);
    // A minute of heartbeats (every ~2 s) changes nothing.
    w.run(60 * S);
    expect(w.leaders()).toEqual(l);
    expect(w.roles.filter((r) => r.t > 5 * S)).toEqual([]);
    expect(leader.isReady()).toBe(true); // empty log: ready at once
  });

  it("leader power-off: a new leader 6–10.5 s later (6 s heartbeat timeout + 2–3 s vote wait + 0.3–1 s back-off)", () => {
    const delays: number[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const w = world({ seed });
      const old = settle(w);
      w.run(10 * S);
      const t0 = w.engine.nowUs;
      w.kill(old, "power-off");
      w.run(20 * S);
      const next = firstLeaderAfter(w, t0)!;
      expect(next.id).not.toBe(old);
      delays.push(next.t - t0);
      expect(w.leaders()).toEqual([next.id]);
      // The survivors first tried the old term (rejected: they had voted), then term + 1.
      expect(next.term).toBe(w.roles.find((r) => r.role === "LEADER")!.term + 1);
      oneLeaderPerTerm(w);
      // The old leader comes back as a candidate of the old term and joins as follower
      // without disturbing the new leader's term.
      w.start(old);
      w.run(15 * S);
      expect(w.members.get(old)!.role).toBe("FOLLOWER");
      expect(w.members.get(old)!.leaderId).toBe(next.id);
      expect(w.members.get(next.id)!.term).toBe(next.term);
    }
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(6 * S);
      expect(d).toBeLessThanOrEqual(10_500 * MS);
    }
  });

  it("5 members: one leader; losing two still leaves a majority, losing three does not", () => {
    const w = world({ n: 5, seed: 3 });
    const first = settle(w);
    expect(w.leaders()).toEqual([first]);
    const follower = w.ids.find((id) => id !== first)!;
    const t0 = w.engine.nowUs;
    w.kill(first, "power-off");
    w.kill(follower, "power-off");
    w.run(15 * S);
    const next = firstLeaderAfter(w, t0)!;
    expect(next.t - t0).toBeLessThanOrEqual(10_500 * MS);
    expect(w.leaders()).toEqual([next.id]);
    const ok = w.append(next.id, 3);
    w.run(1 * S);
    expect(ok.map((r) => r.ok)).toEqual([true, true, true]);
    // A third member down: 2 of 5 left, no commit; appends time out after 2500 ms.
    const third = w.ids.find((id) => w.up(id) && id !== next.id)!;
    w.kill(third, "power-off");
    const t1 = w.engine.nowUs;
    const lost = w.append(next.id, 1);
    w.run(3 * S);
    expect(lost).toEqual([{ ok: false, index: 3, code: "WAIT_QUORUM_ACK_TIMEOUT", t: t1 + 2500 * MS }]);
    oneLeaderPerTerm(w);
  });

  it("a candidate with a less up-to-date log is refused; the member with the longer log wins", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const w = world({ seed });
      const leader = settle(w);
      const [a, b] = w.ids.filter((id) => id !== leader);
      w.partition([[b], [leader, a]]); // b misses the next entries
      const res = w.append(leader, 10);
      w.run(1 * S);
      expect(res.every((r) => r.ok)).toBe(true);
      w.kill(leader, "power-off");
      w.network.heal();
      const t0 = w.engine.nowUs;
      w.run(20 * S);
      expect(firstLeaderAfter(w, t0)!.id).toBe(a);
      expect(w.seen.some((e) => e.node === a && e.what.includes(`"candidate":"broker-${b}","granted":false,"result":"REJECT_`)
        && /LEDGER/.test(e.what))).toBe(true);
      // b catches up from the new leader.
      w.run(5 * S);
      expect(w.logOf(b)).toEqual(w.logOf(a));
    }
  });
});


describe("dledger: faults", () => {
  it("a paused leader is replaced; on resume its stale heartbeats learn the new term and it follows", () => {
    const w = world({ seed: 9 });
    const old = settle(w);
    const node = w.nodes.get(old)!;
    const t0 = w.engine.nowUs;
    node.pause();
    w.run(14 * S);
    const next = firstLeaderAfter(w, t0)!;
    expect(next.id).not.toBe(old);
    expect(w.members.get(old)!.role).toBe("LEADER"); // it has not noticed anything yet
    node.resume();
    w.run(10 * S);
    const m = w.members.get(old)!;
    expect([m.role, m.leaderId]).toEqual(["FOLLOWER", next.id]);
    expect(w.leaders()).toEqual([next.id]);
    oneLeaderPerTerm(w);
  });

  for (const failPendingOnStepDown of [true, false]) {
    it(`pending appends at a deposed leader: ${failPendingOnStepDown ? "fail at step-down (TERM_CHANGED)" : "stay pending (DLedger's own behaviour)"}`, () => {
      const w = world({ seed: 3, config: { failPendingOnStepDown } });
      const old = settle(w);
      w.partition([[old], w.ids.filter((id) => id !== old)]);
      const results: { at: number; r: ReturnType<typeof w.append> }[] = [];
      for (let i = 0; i < 24; i++) {
        if (w.members.get(old)!.role === "LEADER") results.push({ at: w.engine.nowUs, r: w.append(old, 1) });
        w.run(500 * MS);
      }
      const down = w.roles.find((r) => r.id === old && r.role === "CANDIDATE")!.t;
      for (const { at, r } of results) {
        if (at + 2500 * MS <= down) {
          expect(r).toEqual([expect.objectContaining({ ok: false, code: "WAIT_QUORUM_ACK_TIMEOUT", t: at + 2500 * MS })]);
        } else if (failPendingOnStepDown) {
          expect(r).toEqual([expect.objectContaining({ ok: false, code: "TERM_CHANGED", t: down })]);
        } else {
          expect(r).toEqual([]);
        }
      }
      expect(results.some(({ at }) => at + 2500 * MS > down)).toBe(true);
    });
  }
});

describe("dledger: determinism", () => {
  function scenario(seed: number) {
    const w = world({ seed });
    const l = settle(w);
    w.append(l, 20);
    w.run(2 * S);
    const f = w.ids.find((id) => id !== l)!;
    w.partition([[f], w.ids.filter((id) => id !== f)]);
    w.append(l, 5);
    w.run(3 * S);
    w.kill(l, "power-off");
    w.network.heal();
    w.run(15 * S);
    w.start(l);
    w.run(10 * S);
    return w.seen;
  }

  it("the same seed gives the same event sequence; another seed does not", () => {
    const a = scenario(11), b = scenario(11), c = scenario(12);
    expect(a.length).toBeGreaterThan(20);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});

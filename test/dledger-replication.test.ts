// DLedger replication: appends, majority commit, catch-up and truncation of followers.
import { describe, expect, it } from "vitest";
import { MS, S, world, firstLeaderAfter, oneLeaderPerTerm, settle } from "./helpers/dledger-world.js";

describe("dledger: replication", () => {
  it("appends commit once a majority has them; followers learn the commit index", () => {
    const w = world({ latency: { distribution: "fixed", value: 1000 } });
    const leader = settle(w);
    let t0 = w.engine.nowUs;
    const first = w.append(leader, 1);
    w.run(1 * S);
    // The first append after an election: 1 ms poll, then a COMPARE round trip (the follower's
    // log is empty: mismatch) and a TRUNCATE round trip, which writes entry 0 there.
    expect(first.map((r) => [r.ok, r.code, r.t - t0])).toEqual([[true, "SUCCESS", 5 * MS]]);
    t0 = w.engine.nowUs;
    const res = w.append(leader, 4);
    w.run(2 * S);
    // Then: pushed at the dispatcher's next poll (1 ms), acked one round trip (2 ms) later.
    expect(res.map((r) => [r.ok, r.code, r.t - t0])).toEqual(Array(4).fill([true, "SUCCESS", 3 * MS]));
    // Completed from the highest index down (QuorumAckChecker's loop).
    expect(res.map((r) => r.index)).toEqual([4, 3, 2, 1]);
    for (const id of w.ids) {
      expect(w.logOf(id)).toEqual(w.logOf(leader));
      // Followers hear the new commit index with the next push (a COMMIT push after 1 s idle).
      expect(w.members.get(id)!.committedIndex).toBe(4);
    }
    // Positions follow DLedger's data file layout: 48-byte header + body.
    expect(w.logOf(leader).map((e) => e[2])).toEqual([0, 148, 296, 444, 592]);
    // A follower is not the leader: appends there fail at once.
    const f = w.ids.find((id) => id !== leader)!;
    expect(w.append(f, 1)).toEqual([{ ok: false, index: -1, code: "NOT_LEADER", t: w.engine.nowUs }]);
  });

  it("without a majority appends fail after maxWaitAckTimeMs (2500 ms); with one follower left they commit", () => {
    const w = world();
    const leader = settle(w);
    const [a, b] = w.ids.filter((id) => id !== leader);
    w.kill(a, "power-off");
    const ok = w.append(leader, 3);
    w.run(1 * S);
    expect(ok.every((r) => r.ok)).toBe(true);
    w.kill(b, "power-off");
    const t0 = w.engine.nowUs;
    const lost = w.append(leader, 3);
    w.run(3 * S);
    expect(lost.map((r) => [r.ok, r.code, r.t - t0])).toEqual(Array(3).fill([false, "WAIT_QUORUM_ACK_TIMEOUT", 2500 * MS]));
    expect(w.members.get(leader)!.committedIndex).toBe(2);
    // ... and the leader steps down once 6 s pass without a majority of heartbeat answers.
    w.run(10 * S);
    expect(w.members.get(leader)!.role).toBe("CANDIDATE");
    expect(w.append(leader, 1)[0].code).toBe("NOT_LEADER");
  });

  it("partition: the isolated leader cannot commit and steps down; the majority elects; after the heal its uncommitted entries are truncated", () => {
    for (let seed = 1; seed <= 4; seed++) {
      const w = world({ seed });
      const old = settle(w);
      const [a, b] = w.ids.filter((id) => id !== old);
      const before = w.append(old, 4);
      w.run(1 * S);
      expect(before.every((r) => r.ok)).toBe(true);
      const oldTerm = w.members.get(old)!.term;
      w.partition([[old], [a, b]]);
      const tp = w.engine.nowUs;
      const stranded = w.append(old, 5);
      w.run(20 * S);
      // No majority: the 5 entries time out, nothing more is committed there.
      expect(stranded.map((r) => [r.ok, r.code, r.t - tp])).toEqual(Array(5).fill([false, "WAIT_QUORUM_ACK_TIMEOUT", 2500 * MS]));
      expect(w.members.get(old)!.committedIndex).toBe(3);
      expect(w.members.get(old)!.ledgerEndIndex).toBe(8);
      // It stepped down (6 s without a majority of heartbeat answers, checked every ~2 s) ...
      const down = w.roles.find((r) => r.id === old && r.t > tp && r.role === "CANDIDATE")!;
      expect(down.t - tp).toBeGreaterThan(4 * S);
      expect(down.t - tp).toBeLessThan(10 * S);
      // ... and stays in its old term: a minority candidate re-votes without raising it.
      expect(w.members.get(old)!.term).toBe(oldTerm);
      // The majority side elected a new leader in a later term, and it commits.
      const next = firstLeaderAfter(w, tp)!;
      expect([a, b]).toContain(next.id);
      expect(next.term).toBeGreaterThan(oldTerm);
      const fresh = w.append(next.id, 3);
      w.run(1 * S);
      expect(fresh.every((r) => r.ok)).toBe(true);
      // Heal: the old leader follows the new one; its five stranded entries are replaced.
      w.network.heal();
      w.run(10 * S);
      const m = w.members.get(old)!;
      expect([m.role, m.leaderId, m.term]).toEqual(["FOLLOWER", next.id, w.members.get(next.id)!.term]);
      expect(w.logOf(old)).toEqual(w.logOf(next.id));
      expect(m.ledgerEndIndex).toBe(6);
      // The host heard that entries 4.. (the stranded ones) were replaced.
      expect(w.truncated.filter((x) => x.id === old).map((x) => x.from)).toEqual([4]);
      expect(w.logOf(old).some((e) => String(e[3]).startsWith(`${old}-${tp}`))).toBe(false);
      expect(w.leaders()).toEqual([next.id]);
      oneLeaderPerTerm(w);
    }
  });

  it("a new leader is ready once its log end equals its commit index", () => {
    const w = world({ seed: 5 });
    const old = settle(w);
    const res = w.append(old, 10);
    w.run(1 * S);
    expect(res.every((r) => r.ok)).toBe(true);
    for (const m of w.members.values()) expect(m.isReady()).toBe(m.selfId === old);
    const t0 = w.engine.nowUs;
    w.kill(old, "power-off");
    w.run(15 * S);
    const next = firstLeaderAfter(w, t0)!;
    const r = w.ready.find((x) => x.t >= t0)!;
    expect(r.id).toBe(next.id);
    expect(r.term).toBe(next.term);
    // Its first COMPARE reaches the voter while that is still a CANDIDATE (the heartbeat that
    // makes it a follower leaves 10 ms after the win): NOT_FOLLOWER, the dispatcher sleeps
    // 500 ms and compares again, the entries commit, and the next 100 ms check finds it ready.
    expect(r.t - next.t).toBe(600 * MS);
    expect(w.members.get(next.id)!.isReady()).toBe(true);
  });

  it("readiness also waits for the host's condition, re-checked every 100 ms", () => {
    let hostOk = true;
    const w = world({ seed: 6, readyCheck: () => hostOk });
    const old = settle(w);
    w.append(old, 3);
    w.run(1 * S);
    hostOk = false; // e.g. the broker's reput service is behind
    const t0 = w.engine.nowUs;
    w.kill(old, "power-off");
    w.run(15 * S);
    const next = firstLeaderAfter(w, t0)!;
    expect(w.ready.filter((r) => r.t >= t0)).toEqual([]);
    expect(w.members.get(next.id)!.isReady()).toBe(false);
    const t1 = w.engine.nowUs;
    hostOk = true;
    w.run(1 * S);
    const r = w.ready.find((x) => x.t >= t0)!;
    expect(r.id).toBe(next.id);
    expect(r.t - t1).toBeLessThanOrEqual(100 * MS);
    expect((r.t - next.t) % (100 * MS)).toBe(0);
    expect(w.members.get(next.id)!.isReady()).toBe(true);
  });

  it("a restarted member keeps its term, vote and log, and catches up", () => {
    const w = world({ seed: 2 });
    const leader = settle(w);
    const f = w.ids.find((id) => id !== leader)!;
    w.append(leader, 3);
    w.run(1 * S);
    const term = w.members.get(f)!.term;
    w.kill(f, "crash");
    const res = w.append(leader, 4);
    w.run(1 * S);
    expect(res.every((r) => r.ok)).toBe(true);
    w.start(f);
    const m = w.members.get(f)!;
    expect([m.term, m.ledgerEndIndex, m.role]).toEqual([term, 2, "CANDIDATE"]);
    w.run(5 * S);
    expect([m.role, m.leaderId, m.term]).toEqual(["FOLLOWER", leader, term]);
    expect(w.logOf(f)).toEqual(w.logOf(leader));
    expect(m.committedIndex).toBe(6);
  });

  it("power loss keeps only flushed entries; the member then catches up from the leader", () => {
    const w = world({ seed: 4, config: { flushFileIntervalMs: 0 } });
    const leader = settle(w);
    const f = w.ids.find((id) => id !== leader)!;
    w.append(leader, 3);
    w.run(1 * S);
    w.members.get(f)!.flush(1);
    w.append(leader, 2);
    w.run(1 * S);
    w.kill(f, "power-off");
    w.start(f);
    expect(w.members.get(f)!.ledgerEndIndex).toBe(1);
    expect(w.members.get(f)!.flushedIndex).toBe(1);
    w.run(8 * S);
    // The leader still believes f holds index 4: nothing is resent until a new entry makes f
    // wait for a gap; after 1 s f answers INCONSISTENT_STATE and the leader re-compares.
    expect(w.members.get(f)!.ledgerEndIndex).toBe(1);
    w.append(leader, 1);
    w.run(3 * S);
    expect(w.logOf(f)).toEqual(w.logOf(leader));
    // With the default flusher (10 ms) everything older than 10 ms survives.
    const w2 = world({ seed: 4 });
    const l2 = settle(w2);
    const f2 = w2.ids.find((id) => id !== l2)!;
    w2.append(l2, 3);
    w2.run(1 * S);
    w2.kill(f2, "power-off");
    w2.start(f2);
    expect(w2.members.get(f2)!.ledgerEndIndex).toBe(2);
  });
});

// DLedger (Raft for enableDLegerCommitLog) on the simulated network: elections, failover
// timing, partitions, replication, truncation, persistence, determinism.
import { describe, expect, it } from "vitest";
import { Engine } from "../sim/core/engine.js";
import { sampler, type Distribution } from "../sim/core/distribution.js";
import { Node } from "../sim/core/node.js";
import { RandomStreams } from "../sim/core/random.js";
import { Transport } from "../sim/remoting/channel.js";
import { Network } from "../sim/remoting/network.js";
import { Tracer } from "../sim/trace/tracer.js";
import { DLedgerMember } from "../sim/dledger/member.js";
import { dledgerPowerLoss } from "../sim/dledger/log.js";
import { ROCKETMQ_DLEDGER_PORT, type Code, type DLedgerConfig, type DLedgerEvent, type Role } from "../sim/dledger/types.js";

const MS = 1000;
const S = 1_000_000;

interface Seen { t: number; node: string; what: string }

interface WorldOptions {
  n?: number;
  seed?: number;
  latency?: Distribution;
  config?: Partial<DLedgerConfig>;
  readyCheck?: () => boolean;
}

function world(o: WorldOptions = {}) {
  const n = o.n ?? 3;
  const engine = new Engine();
  const tracer = new Tracer(() => engine.nowUs);
  const streams = new RandomStreams(o.seed ?? 1);
  const network = new Network(streams, sampler(o.latency ?? { distribution: "uniform", min: 500, max: 1500 }), 0);
  const transport = new Transport(engine, network, tracer);
  const ids = Array.from({ length: n }, (_, i) => `n${i}`);
  const peers = Object.fromEntries(ids.map((id, i) => [id, `10.0.0.${i + 1}:${ROCKETMQ_DLEDGER_PORT}`]));
  const members = new Map<string, DLedgerMember>();
  const seen: Seen[] = [];
  const roles: { t: number; id: string; role: Role; term: number }[] = [];
  const ready: { t: number; id: string; term: number }[] = [];
  const truncated: { t: number; id: string; from: number }[] = [];
  const nodes = new Map<string, Node>();
  for (const id of ids) {
    const node: Node = new Node(engine, `broker-${id}`, peers[id].split(":")[0], (nd) => {
      const m = new DLedgerMember({
        node: nd, transport, streams, selfId: id, peers, config: o.config,
        onRoleChange: (role, term, leader) => {
          roles.push({ t: engine.nowUs, id, role, term });
          seen.push({ t: engine.nowUs, node: id, what: `role ${role} ${term} ${leader}` });
        },
        onLeaderReady: (term) => ready.push({ t: engine.nowUs, id, term }),
        leaderReadyCheck: o.readyCheck,
        onTruncated: (from) => truncated.push({ t: engine.nowUs, id, from }),
        onEvent: (e: DLedgerEvent) => seen.push({ t: engine.nowUs, node: id, what: JSON.stringify(e) }),
      });
      members.set(id, m);
      return { start: () => m.start() };
    });
    nodes.set(id, node);
    transport.addNode(node);
  }
  for (const node of nodes.values()) node.start();
  const run = (us: number) => engine.run({ untilUs: engine.nowUs + us });
  const up = (id: string) => nodes.get(id)!.running;
  const leaders = () => ids.filter((id) => up(id) && members.get(id)!.role === "LEADER");
  const kill = (id: string, how: "crash" | "power-off") => {
    const node = nodes.get(id)!;
    const old = node.incarnation;
    node.kill(how);
    transport.processDied(node, old, how === "power-off");
    if (how === "power-off") dledgerPowerLoss(node);
  };
  const start = (id: string) => nodes.get(id)!.start();
  /** Partition by member ids. */
  const partition = (groups: string[][]) => network.partition(groups.map((g) => g.map((id) => nodes.get(id)!.name)), false);
  /** Append `count` entries on `id`; results land in the returned array. */
  const append = (id: string, count: number, size = 100) => {
    const out: { ok: boolean; index: number; code: Code; t: number }[] = [];
    for (let i = 0; i < count; i++) {
      members.get(id)!.append({ size, payload: `${id}-${engine.nowUs}-${i}` }, (ok, index, code) => {
        out.push({ ok, index, code, t: engine.nowUs });
      });
    }
    return out;
  };
  /** The log of `id` as (term, size, pos) triples. */
  const logOf = (id: string) => {
    const log = members.get(id)!.log;
    return Array.from({ length: log.endIndex + 1 }, (_, i) => [log.termAt(i), log.sizeAt(i), log.posAt(i), log.payloadAt(i)]);
  };
  return { engine, network, partition, ids, members, nodes, seen, roles, ready, truncated, run, leaders, kill, start, append, logOf, up };
}

/** Time of the first LEADER role change at or after `from`. */
function firstLeaderAfter(w: ReturnType<typeof world>, from: number) {
  return w.roles.find((r) => r.role === "LEADER" && r.t >= from);
}

/** At most one member ever leads a given term. */
function oneLeaderPerTerm(w: ReturnType<typeof world>) {
  const byTerm = new Map<number, Set<string>>();
  for (const r of w.roles) if (r.role === "LEADER") {
    if (!byTerm.has(r.term)) byTerm.set(r.term, new Set());
    byTerm.get(r.term)!.add(r.id);
  }
  for (const [term, set] of byTerm) expect(set.size, `term ${term}`).toBe(1);
}

/** Run until `id` is a follower/leader that agrees with everyone, at most `limit`. */
function settle(w: ReturnType<typeof world>, limit = 30 * S) {
  const end = w.engine.nowUs + limit;
  while (w.engine.nowUs < end) {
    w.run(100 * MS);
    const l = w.leaders();
    if (l.length === 1 && w.ids.filter(w.up).every((id) => w.members.get(id)!.leaderId === l[0])) return l[0];
  }
  throw new Error("no stable leader");
}

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

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

function world(o: { n?: number; seed?: number; latency?: Distribution; config?: Partial<DLedgerConfig> } = {}) {
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
  return { engine, network, partition, ids, members, nodes, seen, roles, ready, run, leaders, kill, start, append, logOf, up };
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


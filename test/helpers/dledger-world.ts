// A simulated DLedger group on its own (no broker) for the DLedger tests: members, network,
// fault helpers, and checks over what they saw.
import { expect } from "vitest";
import { Engine } from "../../sim/core/engine.js";
import { sampler, type Distribution } from "../../sim/core/distribution.js";
import { Node } from "../../sim/core/node.js";
import { RandomStreams } from "../../sim/core/random.js";
import { Transport } from "../../sim/remoting/channel.js";
import { Network } from "../../sim/remoting/network.js";
import { Tracer } from "../../sim/trace/tracer.js";
import { DLedgerMember } from "../../sim/dledger/member.js";
import { dledgerPowerLoss } from "../../sim/dledger/log.js";
import { ROCKETMQ_DLEDGER_PORT, type Code, type DLedgerConfig, type DLedgerEvent, type Role } from "../../sim/dledger/types.js";

export const MS = 1000;
export const S = 1_000_000;

export interface Seen { t: number; node: string; what: string }

export interface WorldOptions {
  n?: number;
  seed?: number;
  latency?: Distribution;
  config?: Partial<DLedgerConfig>;
  readyCheck?: () => boolean;
}

export function world(o: WorldOptions = {}) {
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
export function firstLeaderAfter(w: ReturnType<typeof world>, from: number) {
  return w.roles.find((r) => r.role === "LEADER" && r.t >= from);
}

/** At most one member ever leads a given term. */
export function oneLeaderPerTerm(w: ReturnType<typeof world>) {
  const byTerm = new Map<number, Set<string>>();
  for (const r of w.roles) if (r.role === "LEADER") {
    if (!byTerm.has(r.term)) byTerm.set(r.term, new Set());
    byTerm.get(r.term)!.add(r.id);
  }
  for (const [term, set] of byTerm) expect(set.size, `term ${term}`).toBe(1);
}

/** Run until `id` is a follower/leader that agrees with everyone, at most `limit`. */
export function settle(w: ReturnType<typeof world>, limit = 30 * S) {
  const end = w.engine.nowUs + limit;
  while (w.engine.nowUs < end) {
    w.run(100 * MS);
    const l = w.leaders();
    if (l.length === 1 && w.ids.filter(w.up).every((id) => w.members.get(id)!.leaderId === l[0])) return l[0];
  }
  throw new Error("no stable leader");
}

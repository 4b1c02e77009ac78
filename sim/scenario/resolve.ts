// From schema-valid input to the resolved Scenario: defaults, µs, node names,
// and every rule that spans fields (names exist and are unique, faults fit the
// run). Sections are resolved independently where they can be, and the error
// earliest in the file wins, so the report matches what a reader meets first.

import type { Distribution } from "../core/distribution.js";
import { formatUs } from "../core/duration.js";
import type { FaultInput, ScenarioInput } from "./schema.js";
import type { SourceMap } from "./source.js";
import { resolveConsumers } from "./resolve-consumers.js";
import { resolveExpectations } from "./resolve-expect.js";
import { resolveBrokers, resolveProducers } from "./resolve-groups.js";
import { Attempts, config, DEFAULT_LATENCY, distribution, Names, us, type Path } from "./resolve-values.js";
import type { BrokerGroupSpec, FaultSpec, Scenario, TopicSpec } from "./types.js";

export interface ResolveMeta {
  file: string;
  sha256: string;
  seed?: number;
}

export function resolveScenario(input: ScenarioInput, src: SourceMap, meta: ResolveMeta): Scenario {
  const tries = new Attempts();
  const durationUs = tries.run(() => runDuration(src, input.duration));
  const cfg = tries.run(() => config(src, input.config));
  const network = tries.run(() => {
    const lat = input.network?.latency === undefined ? DEFAULT_LATENCY : distribution(src, ["network", "latency"], input.network.latency);
    return { latency: lat.dist, latencyText: lat.text, loss: input.network?.loss ?? 0 };
  });
  const nodes = new Names(src, "node");
  const groups = new Names(src, "broker group");
  const clusterName = String(input.config?.broker?.brokerClusterName ?? "DefaultCluster");
  const brokers = tries.run(() => resolveCluster(src, input, nodes, groups, clusterName));
  const topics = brokers && tries.run(() => resolveTopics(src, input, groups));
  const clients = { src, nodes, ...(durationUs !== undefined ? { durationUs } : {}) };
  const producers = brokers && tries.run(() => resolveProducers(clients, input));
  // Consumers check `queues:` against the topics, so they wait for them.
  const consumers = producers && topics && tries.run(() => resolveConsumers({ ...clients, groups, topics }, input));
  const faults = consumers && durationUs !== undefined ? tries.run(() => resolveFaults(src, input.faults ?? [], nodes, durationUs, brokers!)) : undefined;
  const expect = faults && tries.run(() => resolveExpectations(src, input.expect ?? [], {
    nodes, groups, faults, consumerGroups: (input.consumers ?? []).map((c) => c.group),
  }));

  const err = tries.earliest();
  if (err) throw err;
  return {
    file: meta.file, sha256: meta.sha256, name: input.name,
    seed: meta.seed ?? input.seed ?? 1,
    durationUs: durationUs!,
    profile: input.profile === undefined ? "4.9" : (String(input.profile) as Scenario["profile"]),
    config: cfg!, network: network!,
    cluster: { nameservers: input.cluster.nameservers ?? 1, brokers: brokers! },
    topics: topics!, producers: producers!, consumers: consumers!,
    trace: { messages: input.trace?.messages ?? true },
    faults: faults!, expect: expect!,
  };
}

function runDuration(src: SourceMap, v: string | number): number {
  const d = us(src, ["duration"], v);
  if (d <= 0) throw src.error(["duration"], "the run needs a duration greater than 0");
  return d;
}

function resolveCluster(src: SourceMap, input: ScenarioInput, nodes: Names, groups: Names, clusterName: string): BrokerGroupSpec[] {
  const n = input.cluster.nameservers ?? 1;
  for (let i = 0; i < n; i++) nodes.add(`ns-${i}`, ["cluster", "nameservers"], "NameServer node");
  // failover: controller: one controller node, built right after the NameServers (cluster.ts).
  const ci = input.cluster.brokers.findIndex((b) => b.failover === "controller");
  if (ci >= 0) nodes.add("controller-0", ["cluster", "brokers", ci, "failover"], "controller node");
  return resolveBrokers(src, input, nodes, groups, clusterName);
}

function resolveTopics(src: SourceMap, input: ScenarioInput, groups: Names): TopicSpec[] {
  const names = new Names(src, "topic");
  return (input.topics ?? []).map((t, i) => {
    names.add(t.name, ["topics", i, "name"], "topic");
    t.brokers?.forEach((b, j) => groups.check(b, ["topics", i, "brokers", j]));
    return {
      name: t.name,
      brokers: t.brokers ?? input.cluster.brokers.map((b) => b.name),
      writeQueueNums: t.writeQueueNums ?? 8,
      readQueueNums: t.readQueueNums ?? 8,
      perm: t.perm ?? 6,
    };
  });
}

function resolveFaults(src: SourceMap, faults: FaultInput[], nodes: Names, durationUs: number, brokers: BrokerGroupSpec[]): FaultSpec[] {
  const names = new Names(src, "fault");
  return faults.map((f, index) => {
    const path: Path = ["faults", index];
    if (f.name !== undefined) names.add(f.name, [...path, "name"], "fault name");
    const atUs = us(src, [...path, "at"], f.at);
    if (atUs > durationUs) throw src.error([...path, "at"], `${formatUs(atUs)} is after the end of the run (duration ${formatUs(durationUs)})`);
    const base = { atUs, index, ...(f.name !== undefined ? { name: f.name } : {}), pos: src.pos(path) };
    return { ...base, ...faultBody(src, f, path, nodes, brokers) } as FaultSpec;
  });
}

type FaultBody = FaultSpec extends infer F ? (F extends FaultSpec ? Omit<F, "atUs" | "index" | "name" | "pos"> : never) : never;

function faultBody(src: SourceMap, f: FaultInput, path: Path, nodes: Names, brokers: BrokerGroupSpec[]): FaultBody {
  switch (f.action) {
    case "promote":
      checkNodes(src, f.nodes, path, nodes, false);
      checkPromote(src, f.nodes, path, brokers);
      return { action: "promote", nodes: f.nodes };
    case "partition": {
      const where = new Map<string, number>();
      f.groups.forEach((g, gi) => g.forEach((n, ni) => {
        const at = [...path, "groups", gi, ni];
        nodes.check(n, at);
        if (where.has(n)) throw src.error(at, `node "${n}" is already in group ${where.get(n)} (a node may be in only one group)`);
        where.set(n, gi);
      }));
      return { action: "partition", groups: f.groups, oneWay: f.oneWay ?? false };
    }
    case "heal":
      return { action: "heal" };
    case "latency": {
      const lat = distribution(src, [...path, "latency"], f.latency);
      if (f.from !== undefined) nodes.check(f.from, [...path, "from"]);
      if (f.to !== undefined) nodes.check(f.to, [...path, "to"]);
      return { action: "latency", latency: lat.dist, latencyText: lat.text, ...(f.from !== undefined ? { from: f.from } : {}), ...(f.to !== undefined ? { to: f.to } : {}) };
    }
    case "slow-disk":
      checkNodes(src, f.nodes, path, nodes, true);
      return { action: "slow-disk", nodes: f.nodes, ...slowDisk(src, f, path) };
    case "disk-fail":
    case "disk-full":
    case "disk-heal":
      checkNodes(src, f.nodes, path, nodes, true);
      return { action: f.action, nodes: f.nodes };
    default:
      checkNodes(src, f.nodes, path, nodes, false);
      return { action: f.action, nodes: f.nodes };
  }
}

function checkNodes(src: SourceMap, list: string[], path: Path, nodes: Names, brokersOnly: boolean): void {
  list.forEach((n, i) => {
    const at = [...path, "nodes", i];
    nodes.check(n, at);
    if (list.indexOf(n) !== i) throw src.error(at, `node "${n}" is listed twice`);
    const what = nodes.whatOf(n)!;
    if (brokersOnly && what !== "broker node") throw src.error(at, `"${n}" is a ${what.replace(/ node$/, "")}; disk faults apply to brokers`);
  });
}

/** promote: slaves (brokerId > 0) of manual-failover groups, at most one per group. */
function checkPromote(src: SourceMap, list: string[], path: Path, brokers: BrokerGroupSpec[]): void {
  const seen = new Map<string, string>();
  list.forEach((n, i) => {
    const at = [...path, "nodes", i];
    const g = brokers.find((b) => n.startsWith(`${b.name}-`) && /^\d+$/.test(n.slice(b.name.length + 1)));
    if (!g) throw src.error(at, `"${n}" is not a broker; promote applies to slaves`);
    if (g.failover === "controller") throw src.error(at, `"${n}" is in broker group ${g.name} (failover: controller): the controller elects its master; promote applies to manual failover`);
    if (g.failover === "dledger") throw src.error(at, `"${n}" is in broker group ${g.name} (failover: dledger): its nodes elect their master; promote applies to manual failover`);
    if (n === `${g.name}-0`) throw src.error(at, `"${n}" is broker group ${g.name}'s master (brokerId 0); promote a slave such as "${g.name}-1"`);
    const other = seen.get(g.name);
    if (other !== undefined) throw src.error(at, `"${n}" and "${other}" are both in broker group ${g.name}; a group has one master`);
    seen.set(g.name, n);
  });
}

/** Exactly one of factor (scale the disk's latencies) or latency (replace them). */
function slowDisk(src: SourceMap, f: Extract<FaultInput, { action: "slow-disk" }>, path: Path): { factor: number } | { latency: Distribution; latencyText: string } {
  if (f.factor !== undefined && f.latency !== undefined) {
    throw src.error([...path, "latency"], "use either factor or latency, not both (factor scales the disk's latencies, latency replaces them)", "key");
  }
  if (f.factor !== undefined) return { factor: f.factor };
  if (f.latency === undefined) throw src.error(path, "slow-disk needs factor (e.g. 10: ten times slower) or latency (e.g. 50ms)");
  const lat = distribution(src, [...path, "latency"], f.latency);
  return { latency: lat.dist, latencyText: lat.text };
}

// Broker and producer groups, and what every client group shares (node names,
// start/stop window, per-group config), from schema-valid input to the specs in
// types.ts. Within one group each key is resolved on its own and the error
// earliest in the file is reported, as for the whole scenario.

import { formatUs } from "../core/duration.js";
import type { Distribution } from "../core/distribution.js";
import type { ScenarioInput } from "./schema.js";
import type { BrokerInput, ProducerInput, TagsInput } from "./schema-groups.js";
import type { SourceMap } from "./source.js";
import { Attempts, bandwidth, distribution, Names, settings, sizeDistribution, us, type Path } from "./resolve-values.js";
import type { BrokerGroupSpec, ClientGroupSpec, DiskSpec, ProducerGroupSpec } from "./types.js";

// A page-cache append is a memory copy; an fsync waits for the device. The
// lognormal tail stands in for the occasional slow flush of a real SSD.
export const DEFAULT_DISK: DiskSpec = {
  writeLatency: { distribution: "fixed", value: 20 },
  fsyncLatency: { distribution: "lognormal", median: 2_000, sigma: 0.5 },
  bandwidthBytesPerSec: 200 * 1024 * 1024,
};
/** Default body size: 1 KiB, a typical small business message. */
const DEFAULT_SIZE: Distribution = { distribution: "fixed", value: 1024 };

export function resolveBrokers(src: SourceMap, input: ScenarioInput, nodes: Names, groups: Names, clusterName: string): BrokerGroupSpec[] {
  return input.cluster.brokers.map((b, i) => {
    const path: Path = ["cluster", "brokers", i];
    groups.add(b.name, [...path, "name"], "broker group");
    const slaves = b.slaves ?? 0;
    if (b.failover === "dledger" && slaves < 2) {
      throw src.error([...path, "failover"], `failover: dledger needs at least 3 nodes in the group (slaves: 2 or more), got ${slaves + 1}`);
    }
    if (b.failover === "controller" && String(input.profile ?? "4.9") !== "5.3") {
      throw src.error([...path, "failover"], `failover: controller needs profile "5.3" (Controller mode is RocketMQ 5.x), got "${String(input.profile ?? "4.9")}"`);
    }
    for (let id = 0; id <= slaves; id++) nodes.add(`${b.name}-${id}`, [...path, "name"], "broker node");
    const tries = new Attempts();
    const config = tries.run(() => ({ ...settings(src, "broker", b.config, [...path, "config"]), ...groupStoreKeys(src, b, path) }));
    const cluster = tries.run(() => groupCluster(src, b, path, clusterName));
    const disk = tries.run(() => resolveDisk(src, b.disk, [...path, "disk"]));
    tries.check();
    return { name: b.name, slaves, cluster: cluster!, config: config!, disk: disk!, ...(b.failover !== undefined ? { failover: b.failover } : {}) };
  });
}

/**
 * `brokerRole:` and `flushDiskType:` on a group are shorthands for the same keys in its
 * `config:`; both may be written only if they agree.
 */
function groupStoreKeys(src: SourceMap, b: BrokerInput, path: Path): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["brokerRole", "flushDiskType"] as const) {
    const v = b[key], own = b.config?.[key] as string | undefined;
    if (v === undefined) continue;
    if (own !== undefined && own !== v) {
      throw src.error([...path, "config", key], `${JSON.stringify(own)} contradicts ${key}: ${JSON.stringify(v)} of this group (write only one)`);
    }
    out[key] = v;
  }
  return out;
}

/** `cluster:` and a group's own brokerClusterName say the same thing; both may be written only if they agree. */
function groupCluster(src: SourceMap, b: BrokerInput, path: Path, clusterName: string): string {
  const own = b.config?.brokerClusterName as string | undefined;
  if (b.cluster !== undefined && own !== undefined && own !== b.cluster) {
    throw src.error([...path, "config", "brokerClusterName"], `${JSON.stringify(own)} contradicts cluster: ${JSON.stringify(b.cluster)} of this group (write only one)`);
  }
  return b.cluster ?? own ?? clusterName;
}

function resolveDisk(src: SourceMap, d: BrokerInput["disk"], path: Path): DiskSpec {
  const tries = new Attempts();
  const write = d?.writeLatency === undefined ? DEFAULT_DISK.writeLatency : tries.run(() => distribution(src, [...path, "writeLatency"], d.writeLatency!).dist);
  const fsync = d?.fsyncLatency === undefined ? DEFAULT_DISK.fsyncLatency : tries.run(() => distribution(src, [...path, "fsyncLatency"], d.fsyncLatency!).dist);
  const bw = d?.bandwidth === undefined ? DEFAULT_DISK.bandwidthBytesPerSec : tries.run(() => bandwidth(src, [...path, "bandwidth"], d.bandwidth!));
  tries.check();
  return { writeLatency: write!, fsyncLatency: fsync!, bandwidthBytesPerSec: bw! };
}

// ---- clients --------------------------------------------------------------

export interface ClientContext {
  src: SourceMap;
  nodes: Names;
  /** Undefined when the run's own duration was invalid (that error is reported instead). */
  durationUs?: number;
}

type ClientInput = Pick<ProducerInput, "group" | "instances" | "topic" | "start" | "stop" | "config">;

/** Defines the group's nodes; returns a resolver for the shared keys, run alongside the kind's own keys. */
export function defineClients(ctx: ClientContext, c: ClientInput, path: Path, kind: "producer" | "consumer", seen: Names): (tries: Attempts) => ClientGroupSpec | undefined {
  seen.add(c.group, [...path, "group"], `${kind} group`);
  const instances = c.instances ?? 1;
  for (let j = 0; j < instances; j++) ctx.nodes.add(`${c.group}-${j}`, [...path, "group"], `${kind} node`);
  return (tries) => {
    const window = tries.run(() => clientWindow(ctx, c, path));
    const config = tries.run(() => settings(ctx.src, "client", c.config, [...path, "config"]));
    if (!window || !config) return undefined;
    return { group: c.group, instances, topic: c.topic, ...window, config };
  };
}

function clientWindow(ctx: ClientContext, c: ClientInput, path: Path): { startUs: number; stopUs?: number } {
  const { src, durationUs } = ctx;
  const inRun = (key: string, t: number) => {
    if (durationUs !== undefined && t > durationUs) throw src.error([...path, key], `${formatUs(t)} is after the end of the run (duration ${formatUs(durationUs)})`);
    return t;
  };
  const startUs = c.start === undefined ? 0 : inRun("start", us(src, [...path, "start"], c.start));
  if (c.stop === undefined) return { startUs };
  const stopUs = inRun("stop", us(src, [...path, "stop"], c.stop));
  if (stopUs <= startUs) throw src.error([...path, "stop"], `stop (${formatUs(stopUs)}) must be after start (${formatUs(startUs)})`);
  return { startUs, stopUs };
}

// ---- producers ------------------------------------------------------------

export function resolveProducers(ctx: ClientContext, input: ScenarioInput): ProducerGroupSpec[] {
  const seen = new Names(ctx.src, "producer group");
  return (input.producers ?? []).map((p, i) => {
    const path: Path = ["producers", i];
    const shared = defineClients(ctx, p, path, "producer", seen);
    const tries = new Attempts();
    const base = shared(tries);
    const size = p.size === undefined ? DEFAULT_SIZE : tries.run(() => sizeDistribution(ctx.src, [...path, "size"], p.size!));
    const tags = tries.run(() => resolveTags(ctx.src, p.tags, [...path, "tags"]));
    tries.run(() => checkBatch(ctx.src, p, path));
    tries.check();
    return {
      ...base!, rate: p.rate ?? 0, arrival: p.arrival ?? "constant", ...(p.count !== undefined ? { count: p.count } : {}),
      size: size!, ...tags!, keys: p.keys ?? false, sendMode: p.sendMode ?? "sync", batchSize: p.batchSize ?? 1,
      ...(p.delayLevel !== undefined ? { delayLevel: p.delayLevel } : {}),
    };
  });
}

/**
 * What RocketMQ 4.9.8 refuses for send(Collection): MessageBatch#generateFromList throws for a
 * delay level or a %RETRY% topic, and DefaultMQProducer has no sendOneway(Collection).
 */
function checkBatch(src: SourceMap, p: ProducerInput, path: Path): void {
  if ((p.batchSize ?? 1) === 1) return;
  const at: Path = [...path, "batchSize"];
  if (p.delayLevel !== undefined) throw src.error(at, "batches cannot carry a delay level (MessageBatch: TimeDelayLevel is not supported for batching); drop delayLevel or batchSize");
  if (p.sendMode === "oneway") throw src.error(at, "RocketMQ has no oneway batch send (DefaultMQProducer has no sendOneway(Collection)); use sendMode sync or async");
  if (p.topic.startsWith("%RETRY%")) throw src.error(at, "batches cannot go to a %RETRY% topic (MessageBatch: Retry Group is not supported for batching)");
}

type Tags = Pick<ProducerGroupSpec, "tags" | "tagPick">;

/** Weight 1 where none is written; picking is by weight as soon as any weight is written. */
function resolveTags(src: SourceMap, v: TagsInput | undefined, path: Path): Tags {
  if (v === undefined) return { tags: [], tagPick: "round-robin" };
  if (!Array.isArray(v)) {
    const tags = Object.entries(v).map(([tag, weight]) => ({ tag, weight }));
    return { tags, tagPick: tags.length ? "weighted" : "round-robin" };
  }
  const seen = new Set<string>();
  let weighted = false;
  const tags = v.map((item, j) => {
    const t = typeof item === "string" ? { tag: item, weight: 1 } : { tag: item.tag, weight: item.weight ?? 1 };
    if (typeof item !== "string" && item.weight !== undefined) weighted = true;
    if (seen.has(t.tag)) throw src.error([...path, j], `tag ${JSON.stringify(t.tag)} is listed twice`);
    seen.add(t.tag);
    return t;
  });
  return { tags, tagPick: weighted ? "weighted" : "round-robin" };
}

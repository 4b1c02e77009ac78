// `rocketsim allocate`: what every consumer of a group would compute with a
// given allocation strategy, for a given route and consumer list, without
// running a simulation. The queues and client ids are sorted exactly as
// RebalanceImpl sorts them before calling the strategy, so the answer is the
// one a real cluster with a consistent view would reach.
//
// Pure: takes argv, returns output and exit code (0 ok, 1 strategy failure,
// 2 bad input); the CLI entry point prints and exits.

import {
  messageQueue,
  sortJavaStrings,
  sortMessageQueues,
  type MessageQueue,
} from "./message-queue.js";
import { roomPrefix } from "./rebalance/machine-room-nearby.js";
import {
  ROCKETMQ_NAMES,
  STRATEGY_NAMES,
  isStrategyName,
  strategies,
  type InnerStrategyName,
  type StrategyName,
  type StrategyOptions,
} from "./rebalance/registry.js";

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

export const ALLOCATE_USAGE = `Usage: rocketsim allocate --queues LIST --consumers LIST [options]

Prints the queues each consumer of a group takes, computed as RocketMQ's
RebalanceImpl does: queues sorted by (topic, brokerName, queueId), client ids
sorted in Java String order (so "10.0.0.10@1" sorts before "10.0.0.2@1"),
then the strategy runs once per consumer.

  --strategy S         averagely (default, RocketMQ AVG) | circle | consistent-hash
                       | config | machine-room | machine-room-nearby
                       (RocketMQ names such as AVG_BY_CIRCLE are accepted too)
  --topic T            topic of every queue (default TopicTest); consistent-hash
                       hashes it as part of MessageQueue.toString()
  --queues LIST        brokerName:count,... e.g. broker-a:4,broker-b:4 gives queue
                       ids 0..count-1 per broker; a machine room is written into
                       the broker name: room1@broker-a:4 (brokerName "room1@broker-a")
  --consumers LIST     client ids, e.g. c1,c2 or 10.0.0.1@4321,10.0.0.2@4321
  --virtual-nodes N    consistent-hash: virtual nodes per consumer (default 10)
  --rooms LIST         machine-room: the consumeridcs, rooms this group consumes;
                       only queues of "room@broker" brokers in these rooms are shared
  --inner S            machine-room-nearby: the wrapped strategy (default averagely)
  --config-queues LIST config: brokerName:queueId,... the list every consumer gets
  --json               print {"strategy":..,"allocation":{"<cid>":[{"brokerName":..,"queueId":..}]}}
  -h, --help           this text

Machine rooms for machine-room-nearby: a room is the text before the first "@",
for brokers (--queues room1@broker-a:4) and for consumers alike
(--consumers room1@c1,room2@c2); the client id is the whole string. Queues of a
room with consumers go to that room's consumers only; queues of a room without
consumers are shared by all.

Exit status: 0 ok, 1 the strategy failed, 2 bad arguments.`;

const VALUE_OPTIONS = [
  "--strategy", "--topic", "--queues", "--consumers", "--virtual-nodes", "--rooms", "--inner", "--config-queues",
] as const;
const FLAG_OPTIONS = ["--json", "--help", "-h"] as const;
const MAX_QUEUES_PER_BROKER = 65_536;

class UsageError extends Error {}

export function runAllocate(args: string[]): CommandResult {
  if (args.includes("--help") || args.includes("-h")) return { stdout: ALLOCATE_USAGE + "\n", stderr: "", code: 0 };
  try {
    const plan = parsePlan(args);
    let done: Allocation;
    try {
      done = allocateAll(plan);
    } catch (e) {
      return { stdout: "", stderr: `rocketsim allocate: ${(e as Error).message}\n`, code: 1 };
    }
    const stdout = plan.json ? formatJson(plan.strategy, done.byConsumer) : formatText(plan, done);
    return { stdout, stderr: "", code: 0 };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { stdout: "", stderr: `rocketsim allocate: ${e.message}\n`, code: 2 };
  }
}

interface Plan {
  strategy: StrategyName;
  options: StrategyOptions;
  topic: string;
  mqAll: MessageQueue[]; // sorted as RebalanceImpl sorts it
  cidAll: string[]; // sorted as RebalanceImpl sorts it
  json: boolean;
}

function parsePlan(args: string[]): Plan {
  const { values, flags } = parseArgv(args);
  const strategy = resolveStrategy("--strategy", values.get("--strategy") ?? "averagely");
  let inner: InnerStrategyName | undefined;
  if (values.has("--inner")) {
    if (strategy !== "machine-room-nearby") throw new UsageError("--inner only applies to --strategy machine-room-nearby");
    const s = resolveStrategy("--inner", values.get("--inner")!);
    if (s === "machine-room-nearby") throw new UsageError("--inner: machine-room-nearby cannot wrap itself");
    inner = s;
  }
  // The strategy that actually reads each option (nearby passes its options on).
  const effective: StrategyName = inner ?? (strategy === "machine-room-nearby" ? "averagely" : strategy);
  const onlyFor = (option: string, wanted: StrategyName) => {
    if (values.has(option) && effective !== wanted) throw new UsageError(`${option} only applies to --strategy ${wanted}`);
  };
  onlyFor("--virtual-nodes", "consistent-hash");
  onlyFor("--rooms", "machine-room");
  onlyFor("--config-queues", "config");

  const topic = values.get("--topic") ?? "TopicTest";
  if (topic === "") throw new UsageError("--topic: empty topic");
  const brokers = parseList("--queues", required(values, "--queues"), (entry) => parsePair("--queues", entry, "brokerName:count", 1, MAX_QUEUES_PER_BROKER));
  const seenBrokers = new Set<string>();
  for (const [b] of brokers) {
    if (seenBrokers.has(b)) throw new UsageError(`--queues: broker "${b}" listed twice`);
    seenBrokers.add(b);
  }
  const cids = parseList("--consumers", required(values, "--consumers"), (entry) => entry);
  const seenCids = new Set<string>();
  for (const cid of cids) {
    if (seenCids.has(cid)) throw new UsageError(`--consumers: "${cid}" listed twice`);
    seenCids.add(cid);
  }

  const options: StrategyOptions = { inner };
  if (effective === "consistent-hash" && values.has("--virtual-nodes")) {
    const v = values.get("--virtual-nodes")!;
    if (!/^\d+$/.test(v) || Number(v) > 10_000) throw new UsageError(`--virtual-nodes: "${v}" is not an integer from 0 to 10000`);
    options.virtualNodes = Number(v);
  }
  if (effective === "machine-room") {
    const rooms = values.get("--rooms");
    if (rooms === undefined) throw new UsageError("--rooms is required by machine-room (the rooms this group consumes)");
    options.rooms = parseList("--rooms", rooms, (r) => r);
  }
  if (effective === "config") {
    const list = values.get("--config-queues");
    if (list === undefined) throw new UsageError("--config-queues is required by config");
    options.config = parseList("--config-queues", list, (entry) => parsePair("--config-queues", entry, "brokerName:queueId", 0, 2 ** 31 - 1))
      .map(([b, q]) => messageQueue(topic, b, q));
  }
  if (strategy === "machine-room-nearby") {
    // RocketMQ throws "Machine room is null for ..."; say which argument is at fault instead.
    for (const [b] of brokers) {
      if (!roomPrefix(b)) throw new UsageError(`--queues: "${b}" has no room; machine-room-nearby needs room@brokerName`);
    }
    for (const cid of cids) {
      if (!roomPrefix(cid)) throw new UsageError(`--consumers: "${cid}" has no room; machine-room-nearby needs room@consumerId`);
    }
  }

  const mqs: MessageQueue[] = [];
  for (const [b, count] of brokers) for (let q = 0; q < count; q++) mqs.push(messageQueue(topic, b, q));
  return { strategy, options, topic, mqAll: sortMessageQueues(mqs), cidAll: sortJavaStrings(cids), json: flags.has("--json") };
}

function parseArgv(args: string[]): { values: Map<string, string>; flags: Set<string> } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if ((FLAG_OPTIONS as readonly string[]).includes(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      flags.add(name);
    } else if ((VALUE_OPTIONS as readonly string[]).includes(name)) {
      let value: string | undefined;
      if (eq > 0) value = arg.slice(eq + 1);
      else if (i + 1 < args.length && !args[i + 1].startsWith("--")) value = args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      if (values.has(name)) throw new UsageError(`${name} given twice`);
      values.set(name, value);
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option "${name}"${didYouMean(name, [...VALUE_OPTIONS, "--json", "--help"])}`);
    } else {
      throw new UsageError(`unexpected argument "${arg}"`);
    }
  }
  return { values, flags };
}

function required(values: Map<string, string>, option: string): string {
  const v = values.get(option);
  if (v === undefined) throw new UsageError(`${option} is required (see --help)`);
  return v;
}

function parseList<T>(option: string, list: string, parse: (entry: string) => T): T[] {
  const entries = list.split(",").map((s) => s.trim());
  if (entries.some((e) => e === "")) throw new UsageError(`${option}: empty entry in "${list}"`);
  return entries.map(parse);
}

/** "name:number" with the number an integer in [min, max]; split at the last ':'. */
function parsePair(option: string, entry: string, shape: string, min: number, max: number): [string, number] {
  const colon = entry.lastIndexOf(":");
  const name = entry.slice(0, Math.max(colon, 0));
  const num = entry.slice(colon + 1);
  if (colon < 1 || !/^\d+$/.test(num)) throw new UsageError(`${option}: "${entry}" is not ${shape}`);
  const n = Number(num);
  if (n < min || n > max) throw new UsageError(`${option}: "${entry}": ${shape.split(":")[1]} must be from ${min} to ${max}`);
  return [name, n];
}

function resolveStrategy(option: string, given: string): StrategyName {
  if (isStrategyName(given)) return given;
  const upper = given.toUpperCase();
  if (upper in ROCKETMQ_NAMES) return ROCKETMQ_NAMES[upper];
  if (upper === "MACHINE_ROOM_NEARBY") return "machine-room-nearby";
  throw new UsageError(`${option}: unknown strategy "${given}"${didYouMean(given, STRATEGY_NAMES)}; one of ${STRATEGY_NAMES.join(", ")}`);
}

function didYouMean(given: string, candidates: readonly string[]): string {
  let best = "", bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(given.toLowerCase(), c);
    if (d < bestD) { best = c; bestD = d; }
  }
  return bestD <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean "${best}"?)` : "";
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

interface Allocation {
  name: string; // RocketMQ's getName()
  byConsumer: Map<string, MessageQueue[]>; // in cidAll order
}

function allocateAll(plan: Plan): Allocation {
  const strategy = strategies[plan.strategy](plan.options);
  const byConsumer = new Map<string, MessageQueue[]>();
  for (const cid of plan.cidAll) byConsumer.set(cid, strategy.allocate("rocketsim_allocate", cid, plan.mqAll, plan.cidAll));
  return { name: strategy.name, byConsumer };
}

// Built by hand rather than JSON.stringify on an object: JS objects put
// integer-like keys ("1", "10") first, which would break the sorted order.
function formatJson(strategy: StrategyName, allocation: Map<string, MessageQueue[]>): string {
  const entries = [...allocation].map(([cid, mqs]) =>
    `${JSON.stringify(cid)}:${JSON.stringify(mqs.map((mq) => ({ brokerName: mq.brokerName, queueId: mq.queueId })))}`);
  return `{"strategy":${JSON.stringify(strategy)},"allocation":{${entries.join(",")}}}\n`;
}

function formatText(plan: Plan, { name, byConsumer }: Allocation): string {
  const out = [`strategy ${plan.strategy} (${name}), topic ${plan.topic}, ${plan.mqAll.length} queues, ${plan.cidAll.length} consumers`];
  const width = Math.max(...plan.cidAll.map((c) => c.length));
  const owners = new Map<string, string[]>(); // queue label -> consumers holding it
  for (const [cid, mqs] of byConsumer) {
    out.push(`${cid.padEnd(width)}  ${mqs.length === 0 ? "(nothing)" : queueRuns(mqs)}`);
    for (const mq of mqs) {
      const key = `${mq.brokerName}:${mq.queueId}`;
      owners.set(key, [...(owners.get(key) ?? []), cid]);
    }
  }
  const unassigned = plan.mqAll.filter((mq) => !owners.has(`${mq.brokerName}:${mq.queueId}`));
  if (unassigned.length > 0) out.push(`unassigned: ${queueRuns(unassigned)}`);
  const doubled = [...owners].filter(([, cids]) => cids.length > 1).map(([q, cids]) => `${q} (${cids.join(",")})`);
  if (doubled.length > 0) out.push(`double-assigned: ${doubled.join(", ")}`);
  return out.join("\n") + "\n";
}

/** "broker-a:0,1,2  broker-b:0": consecutive queues of one broker share a label, in result order. */
function queueRuns(mqs: readonly MessageQueue[]): string {
  const runs: string[] = [];
  let prev: MessageQueue | undefined;
  for (const mq of mqs) {
    if (prev && prev.brokerName === mq.brokerName) runs[runs.length - 1] += `,${mq.queueId}`;
    else runs.push(`${mq.brokerName}:${mq.queueId}`);
    prev = mq;
  }
  return runs.join("  ");
}

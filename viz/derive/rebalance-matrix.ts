// The consumers x queues ownership matrix of each (consumer group, topic) at the
// playhead: who owns which queue, which queues nobody owns, which several do.

import { own } from "../state/record.js";
import type { NodeStatus, VizState } from "../state/types.js";

export type QueueStatus = "owned" | "unowned" | "overlap";

export interface MatrixQueue {
  key: string;
  brokerName: string;
  queueId: number;
  owners: string[];
  status: QueueStatus;
}

export interface MatrixRow {
  consumer: string;
  status: NodeStatus;
  /** Queue keys it owns. */
  owns: string[];
  /** When its assignment was last set. */
  since?: number;
}

export interface GroupMatrix {
  group: string;
  topic: string;
  rows: MatrixRow[];
  queues: MatrixQueue[];
}

const qkey = (brokerName: string, queueId: number): string => `${brokerName}#${queueId}`;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function rebalanceMatrices(s: VizState): GroupMatrix[] {
  // group -> consumers, group -> topics
  const members = new Map<string, Set<string>>();
  const topics = new Map<string, Set<string>>();
  const add = <K, V>(m: Map<K, Set<V>>, k: K, v: V) => { let x = m.get(k); if (!x) m.set(k, (x = new Set())); x.add(v); };
  for (const info of Object.values(s.info)) if (info.kind === "consumer") add(members, info.group ?? info.name, info.name);
  for (const [consumer, byTopic] of Object.entries(s.assignments)) {
    for (const [topic, a] of Object.entries(byTopic)) { add(members, a.group, consumer); add(topics, a.group, topic); }
  }
  for (const [group, consumers] of members) {
    for (const c of consumers) for (const topic of Object.keys(own(s.clients, c)?.routes ?? {})) add(topics, group, topic);
  }

  const out: GroupMatrix[] = [];
  for (const group of [...members.keys()].sort(cmp)) {
    const consumers = [...members.get(group)!].sort(cmp);
    for (const topic of [...(topics.get(group) ?? [])].sort(cmp)) out.push(matrix(s, group, topic, consumers));
  }
  return out;
}

function matrix(s: VizState, group: string, topic: string, consumers: string[]): GroupMatrix {
  const queues = new Map<string, MatrixQueue>();
  const addQueue = (brokerName: string, queueId: number) => {
    const key = qkey(brokerName, queueId);
    if (!queues.has(key)) queues.set(key, { key, brokerName, queueId, owners: [], status: "unowned" });
    return queues.get(key)!;
  };
  // The queues the group should cover: its live members' routes (readable brokers).
  for (const c of consumers) {
    if (!isLive(s, c)) continue;
    const route = own(own(s.clients, c)?.routes ?? {}, topic);
    if (!route) continue;
    for (const b of route.brokers) {
      if (!route.subscribe.includes(b.brokerName)) continue;
      for (let q = 0; q < b.readQueueNums; q++) addQueue(b.brokerName, q);
    }
  }
  const rows: MatrixRow[] = consumers.map((c) => {
    const a = own(own(s.assignments, c) ?? {}, topic);
    const status = own(s.nodes, c)?.status ?? "new";
    const owns = a && a.group === group ? a.queues.map((q) => addQueue(q.brokerName, q.queueId).key) : [];
    if (isLive(s, c)) for (const k of owns) queues.get(k)!.owners.push(c);
    return { consumer: c, status, owns, ...(a && { since: a.t }) };
  });
  for (const q of queues.values()) q.status = q.owners.length === 0 ? "unowned" : q.owners.length > 1 ? "overlap" : "owned";
  const sorted = [...queues.values()].sort((a, b) => cmp(a.brokerName, b.brokerName) || a.queueId - b.queueId);
  return { group, topic, rows, queues: sorted };
}

function isLive(s: VizState, node: string): boolean {
  const st = own(s.nodes, node)?.status;
  return st === "up" || st === "paused";
}

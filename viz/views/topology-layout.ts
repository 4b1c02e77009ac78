// Where each node goes in the topology drawing (viewBox units): NameServers (and
// controllers) on top, broker groups (master and slaves side by side) in the middle, producers
// on the left and consumers on the right, grouped by client group. Computed once
// from every node the trace ever adds, so nodes never jump around.

import type { NodeInfo } from "../state/types.js";

export const NODE_W = 128, NODE_H = 38;

export interface Box { x: number; y: number; w: number; h: number }
export interface Placed extends Box { info: NodeInfo }
export interface GroupBox extends Box { label: string; kind: "broker" | "producer" | "consumer"; key: string }

export interface Layout {
  width: number;
  height: number;
  nodes: Placed[];
  groups: GroupBox[];
  /** Centre of each node by name, and of each broker group by brokerName. */
  nodeAt: Map<string, Placed>;
  brokerGroupAt: Map<string, GroupBox>;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function layoutTopology(infos: NodeInfo[]): Layout {
  const byKind = (k: string) => infos.filter((i) => i.kind === k).sort((a, b) => a.order - b.order);
  const nss = [...byKind("namesrv"), ...byKind("controller")], brokers = byKind("broker"), producers = byKind("producer"), consumers = byKind("consumer");

  // Broker groups by brokerName, master (id 0) first.
  const bgroups = new Map<string, NodeInfo[]>();
  for (const b of brokers) {
    const key = b.brokerName ?? b.name;
    if (!bgroups.has(key)) bgroups.set(key, []);
    bgroups.get(key)!.push(b);
  }
  for (const list of bgroups.values()) list.sort((a, b) => (a.brokerId ?? 0) - (b.brokerId ?? 0) || cmp(a.name, b.name));
  const maxMembers = Math.max(1, ...[...bgroups.values()].map((l) => l.length));
  const brokerW = maxMembers * (NODE_W + 10) + 10;
  const width = Math.max(760, 2 * (NODE_W + 60) + brokerW + 120, nss.length * (NODE_W + 24) + 40);
  const cx = width / 2;

  const nodes: Placed[] = [];
  const groups: GroupBox[] = [];
  const place = (info: NodeInfo, x: number, y: number) => nodes.push({ info, x, y, w: NODE_W, h: NODE_H });

  nss.forEach((n, i) => place(n, cx + (i - (nss.length - 1) / 2) * (NODE_W + 24) - NODE_W / 2, 16));

  const top = 100;
  let y = top;
  const brokerGroupAt = new Map<string, GroupBox>();
  for (const [name, members] of [...bgroups.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    const w = members.length * (NODE_W + 10) + 10, h = NODE_H + 30;
    const g: GroupBox = { x: cx - w / 2, y, w, h, label: name, kind: "broker", key: `broker:${name}` };
    groups.push(g);
    brokerGroupAt.set(name, g);
    members.forEach((m, i) => place(m, g.x + 10 + i * (NODE_W + 10), y + 22));
    y += h + 18;
  }
  const brokerBottom = y;

  const column = (list: NodeInfo[], x: number, kind: "producer" | "consumer") => {
    const byGroup = new Map<string, NodeInfo[]>();
    for (const c of list) { const g = c.group ?? c.name; if (!byGroup.has(g)) byGroup.set(g, []); byGroup.get(g)!.push(c); }
    let cy = top;
    for (const [g, members] of byGroup) {
      const h = members.length * (NODE_H + 8) + 22;
      groups.push({ x: x - 8, y: cy, w: NODE_W + 16, h, label: g, kind, key: `${kind}:${g}` });
      members.forEach((m, i) => place(m, x, cy + 18 + i * (NODE_H + 8)));
      cy += h + 14;
    }
    return cy;
  };
  const left = column(producers, 24, "producer");
  const right = column(consumers, width - 24 - NODE_W, "consumer");
  const height = Math.max(brokerBottom, left, right, top + 40) + 10;

  return { width, height, nodes, groups, nodeAt: new Map(nodes.map((n) => [n.info.name, n])), brokerGroupAt };
}

export const centre = (b: Box): [number, number] => [b.x + b.w / 2, b.y + b.h / 2];

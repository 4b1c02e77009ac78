// Which links a partition cuts. Same rule as sim/remoting/network.ts: nodes in
// no group keep all their links; oneWay cuts only the first group's outbound
// traffic.

import type { Partition } from "../state/types.js";

function groupIndex(p: Partition, node: string): number {
  for (let i = 0; i < p.groups.length; i++) if (p.groups[i].includes(node)) return i;
  return -1;
}

/** Can a segment from `from` reach `to`? */
export function reachable(p: Partition | null, from: string, to: string): boolean {
  if (!p) return true;
  const a = groupIndex(p, from), b = groupIndex(p, to);
  if (a < 0 || b < 0 || a === b) return true;
  if (p.oneWay) return a !== 0;
  return false;
}

export type LinkCut = "none" | "both" | "forward" | "backward";

/** How the link a—b is cut: not at all, both ways, or one way. */
export function linkCut(p: Partition | null, a: string, b: string): LinkCut {
  const ab = reachable(p, a, b), ba = reachable(p, b, a);
  if (ab && ba) return "none";
  if (!ab && !ba) return "both";
  return ab ? "backward" : "forward";
}

/** Partition group of a node (0-based), or -1 if it keeps all its links. */
export function partitionGroup(p: Partition | null, node: string): number {
  return p ? groupIndex(p, node) : -1;
}

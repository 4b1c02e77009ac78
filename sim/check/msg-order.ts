// Per-queue FIFO check, the partition-order rule of OpenChaos's order checker
// applied to RocketMQ queues: within one (group, consumer node, queue), first
// deliveries must come in non-decreasing queueOffset order. Each step backwards
// (offset < the previous one this node consumed from this queue) is one
// violation, after which the lower offset becomes the reference, so a single
// rewind of N messages counts once, not N times.
//
// A node legitimately restarts from the committed offset when it (re)gains a
// queue, so a `rebalance` event forgets the reference for every queue the node
// newly got or gave up. Re-delivering the same offset is a duplicate, not an
// order violation.

import type { TraceEvent } from "../trace/schema.js";

type RebalanceEvent = Extract<TraceEvent, { type: "rebalance" }>;

interface NodeState {
  owned: Map<string, Set<string>>; // topic -> queue keys owned after the last rebalance
  last: Map<string, number>; // queue key -> last consumed offset
}

export function queueKey(topic: string, brokerName: string, queueId: number): string {
  // Tabs cannot occur in topic names, so the key is unambiguous.
  return `${topic}\t${brokerName}\t${queueId}`;
}

export class OrderTracker {
  private readonly nodes = new Map<string, NodeState>(); // "group\tnode"

  /** Number of (group, node, queue) references held: bounded by nodes × queues. */
  get size(): number {
    let n = 0;
    for (const s of this.nodes.values()) n += s.last.size;
    return n;
  }

  onRebalance(e: RebalanceEvent): void {
    const s = this.state(e.group, e.node);
    const now = new Set(e.queues.map((q) => queueKey(e.topic, q.brokerName, q.queueId)));
    const before = s.owned.get(e.topic) ?? new Set<string>();
    for (const k of before) if (!now.has(k)) s.last.delete(k);
    for (const k of now) if (!before.has(k)) s.last.delete(k);
    s.owned.set(e.topic, now);
  }

  /** Records a first delivery; true if it steps backwards in its queue. */
  onConsume(group: string, node: string, qk: string, offset: number): boolean {
    const s = this.state(group, node);
    const prev = s.last.get(qk);
    s.last.set(qk, offset);
    return prev !== undefined && offset < prev;
  }

  private state(group: string, node: string): NodeState {
    const key = `${group}\t${node}`;
    let s = this.nodes.get(key);
    if (!s) this.nodes.set(key, (s = { owned: new Map(), last: new Map() }));
    return s;
  }
}

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

/**
 * queueKey, memoised per (topic, broker, queue): the checker needs the key for
 * every send result and every delivery, and building then hashing a fresh
 * string each time was a visible share of a run's CPU.
 */
export class QueueKeys {
  private readonly byTopic = new Map<string, Map<string, string[]>>();

  of(topic: string, brokerName: string, queueId: number): string {
    let byBroker = this.byTopic.get(topic);
    if (!byBroker) this.byTopic.set(topic, (byBroker = new Map()));
    let keys = byBroker.get(brokerName);
    if (!keys) byBroker.set(brokerName, (keys = []));
    return (keys[queueId] ??= queueKey(topic, brokerName, queueId));
  }
}

export class OrderTracker {
  // group -> node -> state; nested rather than keyed "group\tnode" so that the
  // per-delivery lookup builds no string.
  private readonly nodes = new Map<string, Map<string, NodeState>>();

  /** Number of (group, node, queue) references held: bounded by nodes × queues. */
  get size(): number {
    let n = 0;
    for (const byNode of this.nodes.values()) for (const s of byNode.values()) n += s.last.size;
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
    let byNode = this.nodes.get(group);
    if (!byNode) this.nodes.set(group, (byNode = new Map()));
    let s = byNode.get(node);
    if (!s) byNode.set(node, (s = { owned: new Map(), last: new Map() }));
    return s;
  }
}

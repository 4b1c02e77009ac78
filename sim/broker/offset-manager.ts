// Consumer offsets on the broker (broker/offset/ConsumerOffsetManager,
// processor/ConsumerManageProcessor). The table lives in memory; every
// flushConsumerOffsetInterval (5 s, first after 10 s) it is written to
// consumerOffset.json — our node.disk — so a crash or power-off loses the
// updates since the last persist, as in RocketMQ.

import type { Node } from "../core/node.js";

type Table = Map<string, Map<number, number>>; // "topic@group" -> queueId -> next offset

export class OffsetManager {
  private table: Table;

  constructor(private readonly node: Node) {
    const saved = node.disk.get("consumerOffset") as Table | undefined;
    this.table = saved ? clone(saved) : new Map();
  }

  commit(group: string, topic: string, queueId: number, offset: number): void {
    const key = `${topic}@${group}`;
    let m = this.table.get(key);
    if (!m) { m = new Map(); this.table.set(key, m); }
    m.set(queueId, offset);
  }

  query(group: string, topic: string, queueId: number): number | undefined {
    return this.table.get(`${topic}@${group}`)?.get(queueId);
  }

  /** The smallest committed offset of any group on this queue (for retention). */
  minOffset(topic: string, queueId: number): number | undefined {
    let min: number | undefined;
    for (const [key, m] of this.table) {
      if (!key.startsWith(`${topic}@`)) continue;
      const v = m.get(queueId);
      if (v !== undefined && (min === undefined || v < min)) min = v;
    }
    return min;
  }

  persist(): void {
    this.node.disk.set("consumerOffset", clone(this.table));
  }
}

function clone(t: Table): Table {
  return new Map([...t].map(([k, m]) => [k, new Map(m)]));
}

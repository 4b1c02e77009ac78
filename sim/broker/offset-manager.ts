// Consumer offsets on the broker (broker/offset/ConsumerOffsetManager,
// processor/ConsumerManageProcessor). The table lives in memory; every
// flushConsumerOffsetInterval (5 s, first after 10 s) it is written to // wall-clock ok: a key name, not a host timer
// consumerOffset.json — our node.disk — so a crash or power-off loses the
// updates since the last persist, as in RocketMQ.

import type { Node } from "../core/node.js";

type Table = Map<string, Map<number, number>>; // "topic@group" -> queueId -> next offset

export class OffsetManager {
  private table: Table;
  private readonly keys = new Map<string, Map<string, string>>(); // topic -> group -> table key

  constructor(private readonly node: Node) {
    const saved = node.disk.get("consumerOffset") as Table | undefined;
    this.table = saved ? clone(saved) : new Map();
  }

  commit(group: string, topic: string, queueId: number, offset: number): void {
    const key = this.keyOf(topic, group);
    let m = this.table.get(key);
    if (!m) { m = new Map(); this.table.set(key, m); }
    m.set(queueId, offset);
  }

  /**
   * "topic@group", memoised: every pull commits an offset, and building then
   * hashing a fresh key string each time was a visible cost.
   */
  private keyOf(topic: string, group: string): string {
    let byGroup = this.keys.get(topic);
    if (!byGroup) this.keys.set(topic, (byGroup = new Map()));
    let key = byGroup.get(group);
    if (key === undefined) byGroup.set(group, (key = `${topic}@${group}`));
    return key;
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

  /** ConsumerOffsetManager#encode (GET_ALL_CONSUMER_OFFSET): a copy of the table. */
  snapshot(): [string, [number, number][]][] {
    return [...this.table].map(([k, m]) => [k, [...m]]);
  }

  /**
   * SlaveSynchronize#syncConsumerOffset: offsetTable.putAll(master's) — each topic@group
   * the master has replaces this broker's whole entry. Counts the queue offsets that
   * changed, and those that went backwards (the slave knew a later offset than the master).
   */
  putAll(entries: [string, [number, number][]][]): { changed: number; rewound: number } {
    let changed = 0, rewound = 0;
    for (const [key, list] of entries) {
      const old = this.table.get(key);
      for (const [q, off] of list) {
        const was = old?.get(q);
        if (was !== off) changed++;
        if (was !== undefined && was > off) rewound++;
      }
      this.table.set(key, new Map(list));
    }
    return { changed, rewound };
  }

  persist(): void {
    this.node.disk.set("consumerOffset", clone(this.table));
  }
}

function clone(t: Table): Table {
  return new Map([...t].map(([k, m]) => [k, new Map(m)]));
}

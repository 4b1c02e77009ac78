// TopicConfigManager (broker/topic/): the broker's topic table and its data version,
// both on the node's disk (topics.json) so they survive restarts. A change bumps the
// version (keeping a controller-mode stateVersion); a slave replaces the whole table
// with its master's (SlaveSynchronize#syncTopicConfig).

import type { Node } from "../core/node.js";
import type { DataVersion, TopicConfig } from "../namesrv/routeinfo.js";

const TOPICS_KEY = "topics";
const VERSION_KEY = "dataVersion";

export class TopicTable {
  readonly map = new Map<string, TopicConfig>();

  /** `initial` serves when the disk holds no table yet. */
  constructor(private readonly node: Node, initial: () => TopicConfig[]) {
    const saved = node.disk.get(TOPICS_KEY) as TopicConfig[] | undefined;
    for (const tc of saved ?? initial()) this.map.set(tc.topicName, { ...tc });
  }

  /** Copies for a registration or a slave's sync. */
  configs(): TopicConfig[] {
    return [...this.map.values()].map((t) => ({ ...t }));
  }

  get dataVersion(): DataVersion {
    let v = this.node.disk.get(VERSION_KEY) as DataVersion | undefined;
    if (!v) {
      v = { timestamp: this.nowMs(), counter: 0 };
      this.node.disk.set(VERSION_KEY, v);
    }
    return v;
  }

  /** updateDataVersion + persist, after a topic was created. */
  changed(): void {
    const v = this.dataVersion;
    this.node.disk.set(VERSION_KEY, { ...v, timestamp: this.nowMs(), counter: v.counter + 1 }); // keeps stateVersion
    this.node.disk.set(TOPICS_KEY, this.configs());
  }

  /** DataVersion#nextVersion(stateVersion): a controller-mode role change. */
  nextVersion(stateVersion: number): void {
    const v = this.dataVersion;
    this.node.disk.set(VERSION_KEY, { timestamp: this.nowMs(), counter: v.counter + 1, stateVersion });
  }

  /** A slave takes its master's table and version. */
  replace(configs: TopicConfig[], version: DataVersion): void {
    this.map.clear();
    for (const tc of configs) this.map.set(tc.topicName, { ...tc });
    this.node.disk.set(VERSION_KEY, { ...version });
    this.node.disk.set(TOPICS_KEY, configs.map((t) => ({ ...t })));
  }

  private nowMs(): number {
    return Math.floor(this.node.engine.nowUs / 1000);
  }
}

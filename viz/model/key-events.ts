// Key events: the moments worth a marker on the timeline. Route, rebalance and
// SyncStateSet events count only when they change something; election votes and
// offset syncs that rewind nothing are left to the log.

import type { AnyEvent } from "../state/events.js";
import { isRebalance } from "../state/events.js";

export const KEY_KINDS = ["fault", "node", "network", "unregister", "register", "route", "rebalance", "role", "replication"] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export const KEY_LABELS: Record<KeyKind, string> = {
  fault: "faults", node: "node up/down", network: "partition/heal", unregister: "unregister",
  register: "first registration", route: "route change", rebalance: "rebalance", role: "role/election",
  replication: "HA/offset sync",
};

export interface KeyEvents {
  /** Event indexes, ascending. */
  index: Int32Array;
  kind: Uint8Array;
  /** For rebalance markers: the consumer group (else ""). */
  group: string[];
}

export function keyEventCollector() {
  const index: number[] = [];
  const kind: number[] = [];
  const group: string[] = [];
  const lastRoute = new Map<string, string>();
  const lastAssign = new Map<string, string>();
  const lastSyncSet = new Map<string, string>();
  const push = (i: number, k: KeyKind, g = "") => { index.push(i); kind.push(KEY_KINDS.indexOf(k)); group.push(g); };

  function observe(e: AnyEvent, i: number): void {
    switch (e.type) {
      case "fault": return push(i, "fault");
      case "node.up": case "node.down": case "node.pause": case "node.resume": return push(i, "node");
      case "net.partition": case "net.heal": return push(i, "network");
      case "ns.unregister": return push(i, "unregister");
      case "ns.register": if (e.first === true) push(i, "register"); return;
      case "broker.role": case "election.start": case "election.won": return push(i, "role");
      case "controller.syncStateSet": {
        const k = String(e.brokerName), v = JSON.stringify([e.members, e.epoch, e.masterBrokerId]);
        if (lastSyncSet.get(k) !== v) { lastSyncSet.set(k, v); push(i, "role"); }
        return;
      }
      case "ha.disconnect": return push(i, "replication");
      case "offset.sync": if (typeof e.rewound === "number" && e.rewound > 0) push(i, "replication"); return;
      case "client.route": {
        const k = `${e.node}\u0000${String(e.topic)}`;
        const v = JSON.stringify([e.brokers, e.publish, e.subscribe, e.error]);
        if (lastRoute.get(k) !== v) { lastRoute.set(k, v); push(i, "route"); }
        return;
      }
      case "rebalance": {
        if (!isRebalance(e)) return;
        const k = `${e.node}\u0000${e.topic}`;
        const v = JSON.stringify(e.queues);
        if (lastAssign.get(k) !== v) { lastAssign.set(k, v); push(i, "rebalance", e.group); }
        return;
      }
    }
  }

  function result(): KeyEvents {
    return { index: Int32Array.from(index), kind: Uint8Array.from(kind), group };
  }
  return { observe, result };
}

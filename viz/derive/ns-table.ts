// A NameServer's broker table at time t, with each entry's expiry countdown.

import { own } from "../state/record.js";
import type { VizState } from "../state/types.js";
import type { ViewConfig } from "./config.js";

export interface NsRow {
  broker: string;
  brokerName: string;
  brokerId: number;
  cluster: string;
  lastT: number;
  /** Time since the last registration. */
  age: number;
  /**
   * When the entry can go: the earlier of the scan expiry
   * (lastT + brokerChannelExpiredTime) and the idle-channel close.
   */
  deadline: number;
  /** deadline - t; negative once overdue (waiting for the next scan). */
  remaining: number;
  /** age / (deadline - lastT), 0..1+ */
  fraction: number;
}

export interface NsGone {
  broker: string;
  brokerName: string;
  brokerId: number;
  reason: string;
  t: number;
}

export function nsRows(s: VizState, ns: string, t: number, cfg: ViewConfig): NsRow[] {
  const table = own(s.ns, ns) ?? {};
  const window = Math.min(cfg.brokerChannelExpiredTime, cfg.serverChannelMaxIdleTime);
  return Object.values(table)
    .map((r) => {
      const age = Math.max(0, t - r.lastT);
      const deadline = r.lastT + window;
      return { broker: r.broker, brokerName: r.brokerName, brokerId: r.brokerId, cluster: r.cluster,
        lastT: r.lastT, age, deadline, remaining: deadline - t, fraction: age / window };
    })
    .sort((a, b) => cmp(a.brokerName, b.brokerName) || a.brokerId - b.brokerId || cmp(a.broker, b.broker));
}

export function nsGone(s: VizState, ns: string): NsGone[] {
  return Object.values(own(s.nsRemoved, ns) ?? {}).sort((a, b) => cmp(a.brokerName, b.brokerName) || a.brokerId - b.brokerId);
}

export function nameServers(s: VizState): string[] {
  return Object.values(s.info).filter((i) => i.kind === "namesrv").sort((a, b) => a.order - b.order).map((i) => i.name);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// The links drawn in the topology at the playhead, and their condition.

import { own } from "../state/record.js";
import type { NodeInfo, VizState } from "../state/types.js";
import { linkCut, type LinkCut } from "./reachability.js";

export type LinkKind = "register" | "namesrv" | "publish" | "consume" | "ha";
/**
 * ok; stale: registered but the broker is not up; absent: not in the table;
 * failed: an HA connection down, or pulls rejected / unanswered; cut: partitioned.
 */
export type LinkState = "ok" | "stale" | "absent" | "failed" | "cut";

export interface TopoLink {
  key: string;
  kind: LinkKind;
  from: string;
  /** A node name, or a brokerName for publish links and consume links without pull targets. */
  to: string;
  /** HA links: bytes the slave is behind. */
  behind?: number;
  state: LinkState;
  cut: LinkCut;
}

const live = (s: VizState, n: string) => { const st = own(s.nodes, n)?.status; return st === "up" || st === "paused"; };

/** The node that stands for a broker group when checking reachability: the master, else any member. */
export function groupNode(infos: NodeInfo[], brokerName: string): string | undefined {
  const members = infos.filter((i) => i.kind === "broker" && (i.brokerName ?? i.name) === brokerName);
  return (members.find((m) => m.brokerId === 0) ?? members[0])?.name;
}

export function topologyLinks(s: VizState, infos: NodeInfo[]): TopoLink[] {
  const out: TopoLink[] = [];
  const nss = infos.filter((i) => i.kind === "namesrv");
  const add = (kind: LinkKind, from: string, to: string, toNode: string | undefined, base: LinkState) => {
    const cut = toNode ? linkCut(s.partition, from, toNode) : "none";
    out.push({ key: `${kind}:${from}>${to}`, kind, from, to, cut, state: cut !== "none" ? "cut" : base });
  };
  for (const b of infos) {
    if (b.kind !== "broker") continue;
    for (const ns of nss) {
      const registered = own(own(s.ns, ns.name) ?? {}, b.name) !== undefined;
      add("register", b.name, ns.name, ns.name, registered ? (live(s, b.name) ? "ok" : "stale") : "absent");
    }
  }
  for (const c of infos) {
    if (c.kind !== "producer" && c.kind !== "consumer") continue;
    if (!live(s, c.name)) continue;
    const client = own(s.clients, c.name);
    if (client?.namesrv) add("namesrv", c.name, client.namesrv, client.namesrv, "ok");
    const targets = new Set<string>();
    if (c.kind === "producer") {
      for (const r of Object.values(client?.routes ?? {})) for (const b of r.publish) targets.add(b);
    } else {
      for (const a of Object.values(own(s.assignments, c.name) ?? {})) for (const q of a.queues) targets.add(q.brokerName);
    }
    if (c.kind === "producer") {
      for (const b of targets) add("publish", c.name, b, groupNode(infos, b), "ok");
      continue;
    }
    // A consumer reads each owned broker group from the broker its pulls last went to, if known.
    const pulls = Object.entries(own(s.pulls, c.name) ?? {});
    for (const b of targets) {
      const latest = pulls.filter(([k]) => k.slice(0, k.lastIndexOf("#")) === b).map(([, p]) => p).sort((x, y) => y.t - x.t)[0];
      if (latest) add("consume", c.name, latest.broker, latest.broker, latest.result === "served" ? "ok" : "failed");
      else add("consume", c.name, b, groupNode(infos, b), "ok");
    }
  }
  for (const [slave, h] of Object.entries(s.ha)) {
    const cut = linkCut(s.partition, slave, h.master);
    const state: LinkState = cut !== "none" ? "cut" : h.connected ? "ok" : "failed";
    out.push({ key: `ha:${slave}>${h.master}`, kind: "ha", from: slave, to: h.master, cut, state, ...(h.behind !== undefined && { behind: h.behind }) });
  }
  return out;
}

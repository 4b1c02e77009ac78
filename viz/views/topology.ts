// Topology: NameServers, broker groups, producer and consumer groups, each node's
// condition at the playhead, and the links between them (cut ones in red).
// Redrawn only when the parts of the state it shows change.

import * as d3 from "d3";
import type { Commands, Frame, View } from "../app/frame.js";
import { partitionGroup } from "../derive/reachability.js";
import { topologyLinks, type TopoLink } from "../derive/topology-links.js";
import { duration } from "../format/time.js";
import type { TraceModel } from "../model/trace-model.js";
import { own } from "../state/record.js";
import type { NodeInfo, NodeState, VizState } from "../state/types.js";
import { centre, layoutTopology, type Box, type Layout, type Placed } from "./topology-layout.js";

export const STATUS_TEXT: Record<string, string> = {
  new: "not started", up: "up", paused: "paused", crashed: "crashed", off: "powered off", stopped: "shut down",
};

export interface TopologyView extends View {
  readonly layout: Layout;
  readonly element: SVGSVGElement;
}

export function createTopology(root: HTMLElement, cmd: Commands, model: TraceModel): TopologyView {
  const infos = Object.values(model.cp.final.info).sort((a, b) => a.order - b.order);
  const layout = layoutTopology(infos);
  const svg = d3.select(root).append("svg").attr("class", "topology")
    .attr("viewBox", `0 0 ${layout.width} ${layout.height}`).attr("preserveAspectRatio", "xMidYMin meet");
  svg.on("click", () => cmd.select(null));
  const gGroups = svg.append("g").attr("class", "groups");
  const gLinks = svg.append("g").attr("class", "links");
  const gNodes = svg.append("g").attr("class", "nodes");
  const caption = d3.select(root).append("div").attr("class", "caption");

  const groupSel = gGroups.selectAll("g").data(layout.groups).join("g").attr("class", (g) => `group group-${g.kind}`);
  groupSel.append("rect").attr("x", (g) => g.x).attr("y", (g) => g.y).attr("width", (g) => g.w).attr("height", (g) => g.h).attr("rx", 8);
  groupSel.append("text").attr("x", (g) => g.x + 8).attr("y", (g) => g.y + 13).text((g) => g.label);

  const nodeSel = gNodes.selectAll<SVGGElement, Placed>("g").data(layout.nodes, (d) => d.info.name).join("g")
    .attr("class", "node").attr("data-node", (d) => d.info.name).attr("transform", (d) => `translate(${d.x},${d.y})`)
    .on("click", (ev: MouseEvent, d) => { ev.stopPropagation(); cmd.select(d.info.name); });
  nodeSel.append("rect").attr("width", (d) => d.w).attr("height", (d) => d.h).attr("rx", 5);
  nodeSel.append("text").attr("class", "name").attr("x", 6).attr("y", 14).text((d) => d.info.name);
  nodeSel.append("text").attr("class", "status").attr("x", 6).attr("y", 29);
  nodeSel.append("text").attr("class", "badge").attr("x", (d) => d.w - 5).attr("y", 14).attr("text-anchor", "end");
  const tip = nodeSel.append("title");

  let lastT = -1;
  const watched = (s: VizState, sel: string | null) => [s.nodes, s.partition, s.ns, s.clients, s.assignments, s.pulls, s.ha, s.elections, s.syncStateSets, sel];
  let last: unknown[] | null = null;

  function linkPath(l: TopoLink): string {
    const a = layout.nodeAt.get(l.from);
    const b = l.kind === "publish" ? layout.brokerGroupAt.get(l.to)
      : l.kind === "consume" ? layout.nodeAt.get(l.to) ?? layout.brokerGroupAt.get(l.to) : layout.nodeAt.get(l.to);
    if (!a || !b) return "";
    if (l.kind === "ha") return haArc(a, b);
    const [x1, y1] = centre(a), [x2, y2] = centre(b);
    return `M${x1},${y1} L${x2},${y2}`;
  }

  return {
    layout,
    element: svg.node() as SVGSVGElement,
    update(f: Frame) {
      const s = f.state;
      const now = watched(s, f.selection);
      if (last && now.every((v, i) => v === last![i])) {
        if (f.t !== lastT) { lastT = f.t; nodeSel.select("text.status").text((d) => statusLine(s, d.info, f.t)); }
        return;
      }
      last = now;
      const links = topologyLinks(s, infos).filter((l) => linkPath(l) !== "");
      gLinks.selectAll<SVGPathElement, TopoLink>("path").data(links, (l) => l.key).join("path")
        .attr("d", linkPath)
        .attr("class", (l) => `link link-${l.kind} link-${l.state}${l.cut !== "none" ? ` cut-${l.cut}` : ""}`)
        .attr("data-link", (l) => l.key);
      const cuts = links.filter((l) => l.state === "cut");
      gLinks.selectAll<SVGTextElement, TopoLink>("text.cut-mark").data(cuts, (l) => l.key).join("text")
        .attr("class", "cut-mark").attr("text-anchor", "middle").attr("dy", "0.35em")
        .attr("x", (l) => midpoint(linkPath(l))[0]).attr("y", (l) => midpoint(linkPath(l))[1]).text("✕");
      const lagging = links.filter((l) => l.kind === "ha" && (l.behind ?? 0) > 0);
      gLinks.selectAll<SVGTextElement, TopoLink>("text.ha-lag").data(lagging, (l) => l.key).join("text")
        .attr("class", "ha-lag").attr("text-anchor", "middle")
        .attr("x", (l) => midpoint(linkPath(l))[0]).attr("y", (l) => midpoint(linkPath(l))[1] + 10).text((l) => `${bytes(l.behind ?? 0)} behind`);
      groupSel.select("text").text((g) => (g.kind === "broker" ? brokerGroupLabel(s, g.label) : g.label));

      nodeSel.attr("data-status", (d) => stateOf(s, d.info).status)
        .attr("class", (d) => {
          const st = stateOf(s, d.info);
          const part = partitionGroup(s.partition, d.info.name);
          return `node kind-${d.info.kind} status-${st.status}${part >= 0 ? ` part part-${part % 4}` : ""}${f.selection === d.info.name ? " selected" : ""}${own(s.info, d.info.name) ? "" : " absent"}`;
        })
        .attr("data-partition", (d) => String(partitionGroup(s.partition, d.info.name)));
      nodeSel.select("text.status").text((d) => statusLine(s, d.info, f.t));
      nodeSel.select("text.badge").text((d) => badge(s, d.info));
      tip.text((d) => `${d.info.name} (${d.info.kind}, ${d.info.ip}${d.info.group ? `, group ${d.info.group}` : ""})\n${statusLine(s, d.info, f.t)}`);
      caption.text(s.partition
        ? `Partition${s.partition.oneWay ? " (one way: first group's outbound traffic dropped)" : ""}: ${s.partition.groups.map((g, i) => `P${i + 1} {${g.join(", ")}}`).join("  |  ")}`
        : "");
      lastT = f.t;
    },
  };
}

function stateOf(s: VizState, info: NodeInfo): NodeState {
  return own(s.nodes, info.name) ?? { status: "new", since: 0, incarnation: 0 };
}

function statusLine(s: VizState, info: NodeInfo, t: number): string {
  const st = stateOf(s, info);
  const part = partitionGroup(s.partition, info.name);
  const text = STATUS_TEXT[st.status] ?? st.status;
  const since = st.status !== "up" && st.status !== "new" ? ` ${duration(t - st.since)}` : "";
  return `${text}${since}${part >= 0 ? ` · P${part + 1}` : ""}`;
}

function badge(s: VizState, info: NodeInfo): string {
  if (info.kind !== "broker") return "";
  const st = stateOf(s, info);
  const id = st.brokerId ?? info.brokerId;
  if (st.role) return st.role === "SLAVE" ? `slave ${id ?? ""}`.trim() : st.role === "SYNC_MASTER" ? "sync master" : "master";
  return id === 0 ? "master" : id !== undefined && id >= 0 ? `slave ${id}` : "";
}

/** "broker-a · term 3 won by broker-a-1 · SyncStateSet {1,2}". */
function brokerGroupLabel(s: VizState, brokerName: string): string {
  const parts = [brokerName];
  const el = own(s.elections, brokerName);
  if (el) parts.push(el.phase === "electing" ? `electing (term ${el.term})…` : `term ${el.term}: ${el.winner ?? "?"}`);
  const sss = own(s.syncStateSets, brokerName);
  if (sss) parts.push(`SyncStateSet {${sss.members.join(",")}}`);
  return parts.join(" · ");
}

/** HA link: an arc under the two nodes of a broker group. */
function haArc(a: Box, b: Box): string {
  const x1 = a.x + a.w / 2, x2 = b.x + b.w / 2, y = Math.max(a.y + a.h, b.y + b.h);
  return `M${x1},${y} Q${(x1 + x2) / 2},${y + 16} ${x2},${y}`;
}

function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

/** Middle of a straight (M…L…) or quadratic (M…Q…) link path. */
function midpoint(d: string): [number, number] {
  const q = /M([-\d.]+),([-\d.]+) Q([-\d.]+),([-\d.]+) ([-\d.]+),([-\d.]+)/.exec(d);
  if (q) return [(+q[1] + 2 * +q[3] + +q[5]) / 4, (+q[2] + 2 * +q[4] + +q[6]) / 4];
  const m = /M([-\d.]+),([-\d.]+) L([-\d.]+),([-\d.]+)/.exec(d);
  if (!m) return [0, 0];
  return [(+m[1] + +m[3]) / 2, (+m[2] + +m[4]) / 2];
}

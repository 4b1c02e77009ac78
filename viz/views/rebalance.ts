// Rebalancing: for each consumer group and topic, consumers x queues at the
// playhead. Unowned queues (nobody consumes them) and overlaps (several
// consumers do) stand out; below, a strip of the moments the group's assignment
// changed (click to seek).

import * as d3 from "d3";
import type { Commands, Frame, View } from "../app/frame.js";
import { rebalanceMatrices, type GroupMatrix, type MatrixRow } from "../derive/rebalance-matrix.js";
import { clock } from "../format/time.js";
import { KEY_KINDS } from "../model/key-events.js";
import type { TraceModel } from "../model/trace-model.js";
import { STATUS_TEXT } from "./topology.js";
import { el } from "./dom.js";

export function createRebalance(root: HTMLElement, cmd: Commands, model: TraceModel): View {
  const holder = el("div", "matrices");
  const empty = el("p", "note", "No consumer groups in this trace.");
  root.append(holder, empty);
  const changes = changeTimes(model);
  let last: unknown[] = [];
  let strips: { g: d3.Selection<SVGGElement, unknown, null, undefined>; x: d3.ScaleLinear<number, number> }[] = [];
  let lastT = -1;

  function render(f: Frame) {
    const ms = rebalanceMatrices(f.state);
    empty.hidden = ms.length > 0;
    holder.replaceChildren();
    strips = [];
    for (const m of ms) {
      const times = changes.get(m.group);
      if (times) holder.append(block(m, f, cmd, times, model, strips));
      else {
        const box = el("div", "matrix");
        box.dataset.group = m.group;
        box.append(el("h3", "", `${m.group} / ${m.topic}`), el("p", "note", "No rebalance events for this group in the trace: ownership unknown."));
        holder.append(box);
      }
    }
  }

  return {
    update(f: Frame) {
      const s = f.state;
      const key = [s.assignments, s.clients, s.nodes, f.selection];
      if (key.some((k, i) => k !== last[i])) { last = key; render(f); lastT = -1; }
      if (f.t !== lastT) {
        lastT = f.t;
        for (const st of strips) st.g.attr("transform", `translate(${st.x(f.t)},0)`);
      }
    },
  };
}

function changeTimes(model: TraceModel): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const { index, kind, group } = model.keys;
  const rb = KEY_KINDS.indexOf("rebalance");
  for (let k = 0; k < index.length; k++) {
    if (kind[k] !== rb) continue;
    const t = model.cp.times[index[k]];
    const list = out.get(group[k]) ?? [];
    if (list[list.length - 1] !== t) list.push(t);
    out.set(group[k], list);
  }
  return out;
}

function block(m: GroupMatrix, f: Frame, cmd: Commands, times: number[], model: TraceModel,
  strips: { g: d3.Selection<SVGGElement, unknown, null, undefined>; x: d3.ScaleLinear<number, number> }[]): HTMLElement {
  const box = el("div", "matrix");
  box.dataset.group = m.group;
  box.dataset.topic = m.topic;
  const unowned = m.queues.filter((q) => q.status === "unowned").length;
  const overlap = m.queues.filter((q) => q.status === "overlap").length;
  const title = el("h3", "", `${m.group} / ${m.topic}`);
  const summary = el("span", `summary${unowned || overlap ? " bad" : ""}`,
    `${m.queues.length} queues · ${unowned} unowned · ${overlap} owned twice`);
  title.append(" ", summary);
  box.append(title);

  const table = d3.select(box).append("table").attr("class", "rb");
  const thead = table.append("thead");
  const brokers = d3.groups(m.queues, (q) => q.brokerName);
  const h1 = thead.append("tr");
  h1.append("th");
  h1.selectAll("th.bn").data(brokers).join("th").attr("class", "bn").attr("colspan", (d) => d[1].length).text((d) => d[0]);
  const h2 = thead.append("tr");
  h2.append("th").text("consumer");
  h2.selectAll("th.q").data(m.queues).join("th").attr("class", (q) => `q ${q.status}`).attr("data-queue", (q) => q.key)
    .attr("title", (q) => `${q.key}: ${q.status === "unowned" ? "nobody consumes it" : q.owners.join(", ")}`).text((q) => String(q.queueId));
  const rows = table.append("tbody").selectAll<HTMLTableRowElement, MatrixRow>("tr").data(m.rows).join("tr")
    .attr("data-consumer", (r) => r.consumer)
    .attr("class", (r) => `${r.status === "up" || r.status === "paused" ? "" : "down"}${f.selection === r.consumer ? " selected" : ""}`)
    .on("click", (_ev, r) => cmd.select(r.consumer));
  rows.append("th").text((r) => `${r.consumer}${r.status === "up" ? "" : ` (${STATUS_TEXT[r.status] ?? r.status})`}`);
  rows.selectAll("td").data((r) => m.queues.map((q) => ({ q, owns: r.owns.includes(q.key) }))).join("td")
    .attr("class", (d) => `${d.owns ? "own" : ""} ${d.q.status}`).attr("data-queue", (d) => d.q.key)
    .text((d) => (d.owns ? "■" : ""));

  // The moments this group's assignment changed.
  const width = 300, height = 22;
  const x = d3.scaleLinear().domain([0, model.end]).range([4, width - 4]);
  const svg = d3.select(box).append("svg").attr("class", "rb-strip").attr("viewBox", `0 0 ${width} ${height}`).attr("width", width).attr("height", height);
  svg.append("line").attr("class", "base").attr("x1", 4).attr("x2", width - 4).attr("y1", height / 2).attr("y2", height / 2);
  svg.selectAll("rect").data(times).join("rect").attr("class", "change").attr("x", (t) => x(t) - 1.5).attr("y", 4).attr("width", 3).attr("height", height - 8)
    .on("click", (_ev, t) => cmd.seek(t)).append("title").text((t) => `rebalance at ${clock(t)}`);
  const g = svg.append("g").attr("class", "playhead");
  g.append("line").attr("y1", 0).attr("y2", height);
  strips.push({ g, x });
  d3.select(box).append("span").attr("class", "note").text(` ${times.length} changes`);
  return box;
}

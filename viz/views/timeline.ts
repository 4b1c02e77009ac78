// The timeline: fault flags, one lane per kind of key event (ticks merged per
// pixel), the playhead; drag anywhere to scrub, click a tick to seek to it.

import * as d3 from "d3";
import type { Commands, Frame, View } from "../app/frame.js";
import { eventText } from "../format/event-text.js";
import { clock } from "../format/time.js";
import { KEY_KINDS, KEY_LABELS, type KeyKind } from "../model/key-events.js";
import type { TraceModel } from "../model/trace-model.js";

const LANE = 13, TOP = 34, LEFT = 118, RIGHT = 14, AXIS = 22, CHAR = 5.6;

export function createTimeline(root: HTMLElement, cmd: Commands, model: TraceModel): View {
  root.replaceChildren();
  const svg = d3.select(root).append("svg").attr("class", "timeline").attr("role", "slider").attr("aria-label", "timeline");
  let x = d3.scaleLinear();
  let playhead: d3.Selection<SVGGElement, unknown, null, undefined>;
  let lastT = -1;

  const lanes = KEY_KINDS.filter((k) => k !== "fault" && model.keys.kind.some((v) => KEY_KINDS[v] === k));

  function draw() {
    const width = Math.max(320, root.clientWidth);
    const height = TOP + lanes.length * LANE + AXIS;
    svg.attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`);
    svg.selectAll("*").remove();
    x = d3.scaleLinear().domain([0, model.end]).range([LEFT, width - RIGHT]);
    const { cp, keys } = model;

    svg.append("rect").attr("class", "bg").attr("x", LEFT).attr("y", 0).attr("width", width - LEFT - RIGHT).attr("height", height - AXIS);
    const ticksBy = new Map<KeyKind, Map<number, number[]>>();
    for (let k = 0; k < keys.index.length; k++) {
      const kind = KEY_KINDS[keys.kind[k]];
      const px = Math.round(x(cp.times[keys.index[k]]));
      let m = ticksBy.get(kind);
      if (!m) ticksBy.set(kind, (m = new Map()));
      const list = m.get(px);
      if (list) { if (list.length < 6) list.push(keys.index[k]); } else m.set(px, [keys.index[k]]);
    }
    const tip = (ids: number[]) => ids.map((i) => `${clock(cp.times[i])} ${cp.events[i].node}: ${eventText(cp.events[i])}`).join("\n");

    lanes.forEach((kind, li) => {
      const y = TOP + li * LANE;
      const g = svg.append("g").attr("class", `lane lane-${kind}`);
      g.append("text").attr("class", "lane-label").attr("x", LEFT - 6).attr("y", y + LANE - 3).attr("text-anchor", "end").text(KEY_LABELS[kind]);
      g.selectAll("rect.tick").data([...(ticksBy.get(kind) ?? new Map<number, number[]>()).entries()]).join("rect")
        .attr("class", `tick kind-${kind}`).attr("x", (d) => d[0] - 1).attr("y", y + 2).attr("width", 3).attr("height", LANE - 4)
        .on("click", (ev: MouseEvent, d) => { ev.stopPropagation(); cmd.seek(cp.times[d[1][0]]); })
        .append("title").text((d) => tip(d[1]));
    });

    const faults = svg.append("g").attr("class", "faults");
    const fx: number[] = [];
    for (let k = 0; k < keys.index.length; k++) if (KEY_KINDS[keys.kind[k]] === "fault") fx.push(keys.index[k]);
    // Labels stagger over two rows when they would overlap.
    const row = new Map<number, number>();
    let ends = [-Infinity, -Infinity];
    for (const i of fx) {
      const px = x(cp.times[i]), w = 14 + faultLabel(cp.events[i]).length * CHAR;
      const r = px > ends[0] ? 0 : px > ends[1] ? 1 : (ends[0] <= ends[1] ? 0 : 1);
      row.set(i, r);
      ends[r] = px + w;
    }
    const flag = faults.selectAll("g").data(fx).join("g").attr("class", "fault")
      .attr("transform", (i) => `translate(${x(cp.times[i])},0)`)
      .on("click", (ev: MouseEvent, i) => { ev.stopPropagation(); cmd.seek(cp.times[i]); });
    flag.append("line").attr("y1", 4).attr("y2", height - AXIS);
    flag.append("path").attr("d", (i) => { const y = 4 + (row.get(i) ?? 0) * 13; return `M0,${y} L9,${y + 4} L0,${y + 8} Z`; });
    flag.append("text").attr("x", 11).attr("y", (i) => 12 + (row.get(i) ?? 0) * 13).text((i) => faultLabel(cp.events[i]));
    flag.append("title").text((i) => `${clock(cp.times[i])} ${eventText(cp.events[i])}`);

    svg.append("g").attr("class", "axis").attr("transform", `translate(0,${height - AXIS})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))).tickFormat((v) => clock(+v)));

    playhead = svg.append("g").attr("class", "playhead");
    playhead.append("line").attr("y1", 0).attr("y2", height - AXIS);
    playhead.append("path").attr("d", "M-5,0 L5,0 L0,7 Z");
    lastT = -1;
  }

  const seekAt = (ev: PointerEvent) => {
    const [px] = d3.pointer(ev, svg.node());
    cmd.seek(x.invert(Math.max(LEFT, Math.min(px, x.range()[1]))));
  };
  svg.on("pointerdown", (ev: PointerEvent) => {
    if ((ev.target as Element).closest(".tick, .fault")) return;
    (svg.node() as SVGSVGElement).setPointerCapture(ev.pointerId);
    seekAt(ev);
    svg.on("pointermove", seekAt);
  });
  svg.on("pointerup pointercancel", () => svg.on("pointermove", null));

  draw();
  let lastWidth = root.clientWidth;
  new ResizeObserver(() => { if (root.clientWidth !== lastWidth) { lastWidth = root.clientWidth; draw(); lastT = -1; } }).observe(root);

  return {
    update(f: Frame) {
      if (f.t === lastT) return;
      lastT = f.t;
      playhead.attr("transform", `translate(${x(f.t)},0)`);
    },
  };
}

function faultLabel(e: { [k: string]: unknown }): string {
  const name = typeof e.name === "string" ? e.name : `${String(e.action)}${Array.isArray(e.nodes) ? ` ${e.nodes.join(",")}` : ""}`;
  return name.length > 28 ? `${name.slice(0, 27)}…` : name;
}

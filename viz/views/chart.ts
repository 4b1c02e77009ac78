// One small d3 line chart over the whole trace, with the playhead drawn across
// it; click or drag to seek.

import * as d3 from "d3";
import { clock } from "../format/time.js";

export interface Line { name: string; values: Float64Array; cls?: string }

export interface ChartSpec {
  title: string;
  lines: Line[];
  /** Bin width (µs): point k is drawn at the middle of bin k. */
  bin: number;
  end: number;
  yFormat?: (v: number) => string;
  seek(t: number): void;
}

const M = { top: 8, right: 10, bottom: 20, left: 46 }, H = 130;

export function createChart(root: HTMLElement, spec: ChartSpec) {
  const box = d3.select(root).append("div").attr("class", "chart").attr("data-chart", spec.title);
  box.append("h3").text(spec.title);
  const legend = box.append("div").attr("class", "legend");
  legend.selectAll("span").data(spec.lines).join("span").attr("class", (l, i) => `key ${l.cls ?? `c${i % 8}`}`).text((l) => l.name);
  const svg = box.append("svg").attr("height", H);
  let x = d3.scaleLinear();
  let playhead: d3.Selection<SVGLineElement, unknown, null, undefined> | null = null;
  let lastT = -1;

  function draw() {
    const width = Math.max(200, (box.node() as HTMLElement).clientWidth);
    svg.attr("width", width).attr("viewBox", `0 0 ${width} ${H}`);
    svg.selectAll("*").remove();
    x = d3.scaleLinear().domain([0, spec.end]).range([M.left, width - M.right]);
    let ymax = 0;
    for (const l of spec.lines) for (const v of l.values) if (v > ymax) ymax = v;
    const y = d3.scaleLinear().domain([0, Math.max(ymax, 4)]).nice().range([H - M.bottom, M.top]);
    svg.append("g").attr("class", "axis").attr("transform", `translate(0,${H - M.bottom})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 100))).tickFormat((v) => clock(+v).replace(/\.000$/, "")));
    svg.append("g").attr("class", "axis").attr("transform", `translate(${M.left},0)`)
      .call(d3.axisLeft(y).ticks(4).tickFormat((v) => (spec.yFormat ?? d3.format("~s"))(+v)));
    const line = d3.line<number>().defined((v) => !Number.isNaN(v)).x((_v, i) => x((i + 0.5) * spec.bin)).y((v) => y(v));
    svg.append("g").selectAll("path").data(spec.lines).join("path")
      .attr("class", (l, i) => `series ${l.cls ?? `c${i % 8}`}`).attr("d", (l) => line(Array.from(l.values)));
    playhead = svg.append("line").attr("class", "playhead").attr("y1", M.top).attr("y2", H - M.bottom);
    lastT = -1;
  }

  const seekAt = (ev: PointerEvent) => spec.seek(Math.max(0, Math.min(spec.end, x.invert(d3.pointer(ev, svg.node())[0]))));
  svg.on("pointerdown", (ev: PointerEvent) => {
    (svg.node() as SVGSVGElement).setPointerCapture(ev.pointerId);
    seekAt(ev);
    svg.on("pointermove", seekAt);
  }).on("pointerup pointercancel", () => svg.on("pointermove", null));

  draw();
  let lastWidth = (box.node() as HTMLElement).clientWidth;
  new ResizeObserver(() => {
    const w = (box.node() as HTMLElement).clientWidth;
    if (w !== lastWidth) { lastWidth = w; draw(); }
  }).observe(box.node() as HTMLElement);

  return {
    setPlayhead(t: number) {
      if (t === lastT || !playhead) return;
      lastT = t;
      playhead.attr("x1", x(t)).attr("x2", x(t));
    },
  };
}

// Message flow, drawn on a canvas over the topology: each send travels producer
// -> broker group, each consume broker group -> consumer, over about 0.6 s of
// real time at the current speed. Failed sends are red. When an edge carries
// too many messages to see one by one, it is drawn as a band with its rate.

import type { Frame, View } from "../app/frame.js";
import { lowerBound, type FlowIndex } from "../model/flow-index.js";
import type { TraceModel } from "../model/trace-model.js";
import type { Box, Layout } from "./topology-layout.js";

const TRAVEL_REAL_US = 600_000;
const MAX_DOTS_PER_EDGE = 30;
const MAX_SCAN = 20_000;

interface Edge { x1: number; y1: number; x2: number; y2: number; n: number; bad: number; dots: number[]; badDots: number[] }

export function createFlowCanvas(root: HTMLElement, svg: SVGSVGElement, layout: Layout, model: TraceModel): View {
  const canvas = document.createElement("canvas");
  canvas.className = "flow";
  root.append(canvas);
  const ctx = canvas.getContext("2d")!;
  const flow = model.flow;
  const anchor: (Box | null)[] = flow.names.map((n) => layout.nodeAt.get(n) ?? layout.brokerGroupAt.get(n) ?? null);
  // Sends whose broker is unknown (no send.result yet, or an error) head for the broker column.
  const groups = [...layout.brokerGroupAt.values()];
  const column: Box | null = groups.length === 0 ? null : {
    x: Math.min(...groups.map((g) => g.x)), y: Math.min(...groups.map((g) => g.y)), w: Math.max(...groups.map((g) => g.w)),
    h: Math.max(...groups.map((g) => g.y + g.h)) - Math.min(...groups.map((g) => g.y)),
  };
  anchor.push(column);
  const unknown = anchor.length - 1;
  let lastT = -1, lastSpeed = -1, lastW = -1;

  function resize(): number {
    const w = svg.clientWidth, h = svg.clientHeight, dpr = window.devicePixelRatio || 1;
    canvas.style.width = `${w}px`; canvas.style.height = `${h}px`;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    }
    const scale = (w / layout.width) * dpr;
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    return w;
  }

  return {
    update(f: Frame) {
      if (flow.sendT.length === 0 && flow.consumeT.length === 0) return;
      const w = svg.clientWidth;
      if (f.t === lastT && f.speed === lastSpeed && w === lastW) return;
      lastT = f.t; lastSpeed = f.speed; lastW = resize();
      ctx.clearRect(0, 0, layout.width, layout.height);
      const travel = Math.max(2_000, TRAVEL_REAL_US * f.speed);
      const edges = new Map<number, Edge>();
      collect(edges, flow.sendT, flow.sendFrom, flow.sendTo, flow.sendOk, f.t, travel, anchor, 0, unknown);
      collect(edges, flow.consumeT, flow.consumeFrom, flow.consumeTo, null, f.t, travel, anchor, 1 << 30, unknown);
      for (const e of edges.values()) drawEdge(ctx, e, travel);
    },
  };
}

function side(b: Box, towards: number): [number, number] {
  return [towards > b.x + b.w / 2 ? b.x + b.w : b.x, b.y + b.h / 2];
}

function collect(edges: Map<number, Edge>, times: Float64Array, from: Int32Array, to: Int32Array, ok: Uint8Array | null,
  t: number, travel: number, anchor: (Box | null)[], salt: number, unknown: number): void {
  const lo = lowerBound(times, t - travel + 1), hi = lowerBound(times, t + 1);
  const stride = Math.max(1, Math.ceil((hi - lo) / MAX_SCAN));
  for (let i = lo; i < hi; i += stride) {
    const target = to[i] < 0 ? unknown : to[i];
    const a = anchor[from[i]], b = anchor[target];
    if (!a || !b) continue;
    const key = salt + from[i] * 65536 + target;
    let e = edges.get(key);
    if (!e) {
      const [x1, y1] = side(a, b.x + b.w / 2), [x2, y2] = side(b, a.x + a.w / 2);
      edges.set(key, (e = { x1, y1, x2, y2, n: 0, bad: 0, dots: [], badDots: [] }));
    }
    const p = (t - times[i]) / travel;
    const failed = ok !== null && ok[i] === 0;
    e.n += stride;
    if (failed) e.bad += stride;
    if (e.dots.length + e.badDots.length < MAX_DOTS_PER_EDGE * 2) (failed ? e.badDots : e.dots).push(p);
  }
}

function drawEdge(ctx: CanvasRenderingContext2D, e: Edge, travel: number): void {
  const at = (p: number): [number, number] => [e.x1 + (e.x2 - e.x1) * p, e.y1 + (e.y2 - e.y1) * p];
  if (e.n > MAX_DOTS_PER_EDGE) {
    const rate = (e.n / travel) * 1e6;
    ctx.strokeStyle = e.bad > e.n / 2 ? "rgba(214,39,40,0.35)" : "rgba(31,119,180,0.3)";
    ctx.lineWidth = Math.min(14, 2 + Math.log2(1 + e.n / MAX_DOTS_PER_EDGE) * 2.5);
    ctx.beginPath(); ctx.moveTo(e.x1, e.y1); ctx.lineTo(e.x2, e.y2); ctx.stroke();
    const [mx, my] = at(0.5);
    ctx.fillStyle = "#123"; ctx.font = "11px system-ui, sans-serif"; ctx.textAlign = "center";
    ctx.fillText(`${fmtRate(rate)}/s${e.bad ? ` (${fmtRate((e.bad / travel) * 1e6)} failed)` : ""}`, mx, my - 8);
    return;
  }
  ctx.fillStyle = "#1f77b4";
  for (const p of e.dots) { const [x, y] = at(p); ctx.beginPath(); ctx.arc(x, y, 3.2, 0, Math.PI * 2); ctx.fill(); }
  ctx.fillStyle = "#d62728";
  for (const p of e.badDots) { const [x, y] = at(Math.min(p, 0.85)); ctx.beginPath(); ctx.arc(x, y, 3.2, 0, Math.PI * 2); ctx.fill(); }
}

function fmtRate(r: number): string {
  return r >= 100 ? String(Math.round(r)) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

export type { FlowIndex };

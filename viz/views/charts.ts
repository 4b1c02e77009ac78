// Charts: sends/s and failures by status, consumes/s, lag per consumer group,
// end-to-end latency percentiles; all with the playhead.

import type { Commands, Frame, View } from "../app/frame.js";
import type { TraceModel } from "../model/trace-model.js";
import { createChart, type Line } from "./chart.js";
import { el } from "./dom.js";

export function createCharts(root: HTMLElement, cmd: Commands, model: TraceModel): View {
  const s = model.series;
  if (!s.hasMessages) {
    root.append(el("p", "note", "No message events (send, consume…) in this trace: nothing to chart yet."));
    return { update() {} };
  }
  const perSec = (a: Float64Array) => a.map((v) => (v * 1e6) / s.bin);
  const statuses = [...s.results.keys()].sort((a, b) => (a === "SEND_OK" ? -1 : b === "SEND_OK" ? 1 : a < b ? -1 : 1));
  const sendLines: Line[] = [
    { name: "sends/s", values: perSec(s.sends), cls: "c0" },
    ...statuses.map((st, i): Line => ({ name: `${st}/s`, values: perSec(s.results.get(st)!), cls: st === "SEND_OK" ? "c2" : `bad${i % 4}` })),
  ];
  const ms = (a: Float64Array) => a.map((v) => v / 1000);
  const common = { bin: s.bin, end: model.end, seek: (t: number) => cmd.seek(t) };
  const charts = [
    createChart(root, { ...common, title: "sends/s by result", lines: sendLines }),
    createChart(root, { ...common, title: "consumes/s", lines: [{ name: "consumes/s", values: perSec(s.consumes), cls: "c1" }] }),
    createChart(root, { ...common, title: "lag per group (messages)", lines: [...s.lag.entries()].map(([g, v], i) => ({ name: g, values: v, cls: `c${(i + 3) % 8}` })) }),
    createChart(root, { ...common, title: "end-to-end latency (ms)", lines: [
      { name: "p50", values: ms(s.p50), cls: "c0" }, { name: "p99", values: ms(s.p99), cls: "c4" }, { name: "max", values: ms(s.max), cls: "bad0" },
    ] }),
  ];
  return { update(f: Frame) { for (const c of charts) c.setPlayhead(f.t); } };
}

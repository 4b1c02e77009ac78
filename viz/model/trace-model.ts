// Everything the page derives from a trace in one loading pass: checkpoints for
// seeking, key events for the timeline, time series for the charts and the
// message-flow index. Built in slices so the page can show progress.

import type { TraceHeader } from "../../sim/trace/schema.js";
import type { ParsedTrace, Progress } from "../trace/parse.js";
import { checkpointBuilder, DEFAULT_EVERY, type Checkpoints } from "../state/checkpoints.js";
import { viewConfig, type ViewConfig } from "../derive/config.js";
import { flowCollector, type FlowIndex } from "./flow-index.js";
import { keyEventCollector, type KeyEvents } from "./key-events.js";
import { seriesCollector, type Series } from "./series.js";

export interface TraceModel {
  header: TraceHeader;
  config: ViewConfig;
  /** Last time shown: max(header.durationUs, last event). */
  end: number;
  lines: Int32Array;
  cp: Checkpoints;
  keys: KeyEvents;
  series: Series;
  flow: FlowIndex;
}

const SLICE = 100_000;

export async function buildModel(parsed: ParsedTrace, progress?: Progress, every = DEFAULT_EVERY): Promise<TraceModel> {
  const { header, events } = parsed;
  const end = Math.max(header.durationUs, events.length ? events[events.length - 1].t : 0, 1);
  const keys = keyEventCollector();
  const series = seriesCollector(end);
  const flow = flowCollector();
  const b = checkpointBuilder(events, every, (e, after, i) => {
    keys.observe(e, i);
    series.observe(e, after);
    flow.observe(e);
  });
  while (!b.step(SLICE)) {
    if (progress) { progress(b.done, events.length); await new Promise((r) => setTimeout(r, 0)); }
  }
  return {
    header, config: viewConfig(header), end, lines: parsed.lines,
    cp: b.result(), keys: keys.result(), series: series.result(), flow: flow.result(),
  };
}

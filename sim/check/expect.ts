// Evaluates a scenario's `expect:` list online, event by event, as the run
// produces them (nothing keeps the trace). Each expectation is a small state
// machine; `finish` turns them into pass/fail results with a readable detail.

import { formatUs } from "../core/duration.js";
import type { ExpectationSpec, Reference } from "../scenario/types.js";
import type { TraceEvent } from "../trace/schema.js";
import { describeFilter, matches } from "./filter.js";

export interface ExpectationResult {
  label: string;
  pass: boolean;
  detail: string;
  line: number;
}

interface State {
  spec: ExpectationSpec;
  refUs: number | null; // reference time once known
  targetUs: number | null; // first matching target event
  count: number;
  firstViolationUs: number | null;
}

export class ExpectationChecker {
  private states: State[];

  constructor(specs: ExpectationSpec[], private readonly faultNames: Map<number, string>) {
    this.states = specs.map((spec) => ({
      spec, refUs: initialRef(spec), targetUs: null, count: 0, firstViolationUs: null,
    }));
  }

  observe = (e: TraceEvent): void => {
    for (const s of this.states) this.step(s, e);
  };

  /** Checker figures for `metric` expectations, known only at the end of the run. */
  private metrics: ((path: string) => number | undefined) | null = null;

  setMetrics(lookup: (path: string) => number | undefined): void {
    this.metrics = lookup;
  }

  private step(s: State, e: TraceEvent): void {
    const spec = s.spec;
    if (spec.kind === "metric") return;
    if (spec.betweenUs && (e.t < spec.betweenUs[0] || e.t > spec.betweenUs[1])) return;
    if (spec.kind === "never") {
      if (s.firstViolationUs === null && matches(spec.filter, e)) s.firstViolationUs = e.t;
      return;
    }
    if (spec.kind === "count") {
      if (matches(spec.filter, e)) s.count++;
      return;
    }
    if (s.targetUs !== null) return;
    const ref = spec.after;
    // The target is looked for only once the reference is known, and after it in
    // trace order (a fault's effects follow its `fault` event at the same time).
    if (s.refUs !== null && matches(spec.filter, e)) {
      if (!ref || ref.kind !== "at" || e.t >= s.refUs) { s.targetUs = e.t; return; }
    }
    if (!ref) return;
    if (ref.kind === "fault" && s.refUs === null && e.type === "fault" && e.index === ref.index) s.refUs = e.t;
    else if (ref.kind === "event" && matches(ref.filter, e) && (ref.which === "last" || s.refUs === null)) s.refUs = e.t;
  }

  finish(): ExpectationResult[] {
    return this.states.map((s) => {
      const { pass, detail } = s.spec.kind === "metric" ? metricVerdict(s.spec, this.metrics) : verdict(s, this.faultNames);
      return { label: s.spec.label, pass, detail, line: s.spec.pos.line };
    });
  }
}

function initialRef(spec: ExpectationSpec): number | null {
  if (spec.kind !== "happens") return null;
  if (!spec.after) return 0;
  if (spec.after.kind === "at") return spec.after.us;
  return null;
}

function describeRef(ref: Reference | undefined, faultNames: Map<number, string>): string {
  if (!ref) return "the start";
  if (ref.kind === "at") return formatUs(ref.us);
  if (ref.kind === "fault") return `fault ${faultNames.get(ref.index) ?? `#${ref.index}`}`;
  return `${ref.which} ${describeFilter(ref.filter)}`;
}

function bounds(n: number, spec: { equals?: number; min?: number; max?: number }): { ok: boolean; want: string } {
  const ok = (spec.equals === undefined || n === spec.equals) && (spec.min === undefined || n >= spec.min)
    && (spec.max === undefined || n <= spec.max);
  const want = spec.equals !== undefined ? `${spec.equals}` : `${spec.min ?? 0}..${spec.max ?? "∞"}`;
  return { ok, want };
}

function metricVerdict(spec: Extract<ExpectationSpec, { kind: "metric" }>, lookup: ((p: string) => number | undefined) | null) {
  const v = lookup?.(spec.metric);
  if (v === undefined || v === null) return { pass: false, detail: `no figure "${spec.metric}" in this run's checks` };
  const { ok, want } = bounds(v, spec);
  return { pass: ok, detail: `${spec.metric} = ${v} (expected ${want})` };
}

function verdict(s: State, faultNames: Map<number, string>): { pass: boolean; detail: string } {
  const spec = s.spec;
  if (spec.kind === "metric") return { pass: false, detail: "" };
  if (spec.kind === "never") {
    return s.firstViolationUs === null
      ? { pass: true, detail: `no ${describeFilter(spec.filter)}` }
      : { pass: false, detail: `${describeFilter(spec.filter)} happened at ${formatUs(s.firstViolationUs)}` };
  }
  if (spec.kind === "count") {
    const { ok, want } = bounds(s.count, spec);
    return { pass: ok, detail: `${s.count} × ${describeFilter(spec.filter)} (expected ${want})` };
  }
  const what = describeFilter(spec.filter);
  const refText = describeRef(spec.after, faultNames);
  if (s.refUs === null) return { pass: false, detail: `${refText} never happened` };
  if (s.targetUs === null) return { pass: false, detail: `no ${what} after ${refText} (at ${formatUs(s.refUs)})` };
  const dt = s.targetUs - s.refUs;
  const at = `${what} at ${formatUs(s.targetUs)}, ${formatUs(dt)} after ${refText} (at ${formatUs(s.refUs)})`;
  if (!spec.withinUs) return { pass: true, detail: at };
  const [lo, hi] = spec.withinUs;
  const ok = dt >= lo && dt <= hi;
  return { pass: ok, detail: `${at}; expected ${formatUs(lo)}–${formatUs(hi)}` };
}

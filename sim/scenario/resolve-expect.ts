// `expect:` items to ExpectationSpec. The schema has already checked event types
// and field names; here go the rules between keys (one of happens/never/count,
// `within` only with `happens`, …), references to faults, and node names inside
// filters — a misspelt node would otherwise make an expectation silently vacuous.

import { formatUs } from "../core/duration.js";
import { didYouMean, listSome } from "./didyoumean.js";
import type { ExpectItemInput, FilterInput, FilterValueInput } from "./schema-expect.js";
import type { SourceMap } from "./source.js";
import { fmtWindow, us, type Names, type Path } from "./resolve-values.js";
import type { EventFilter, ExpectationSpec, FaultSpec, Matcher, Reference, Scalar } from "./types.js";

export interface ExpectContext {
  nodes: Names;
  groups: Names;
  faults: FaultSpec[];
  /** Consumer group names (for byGroup metrics). */
  consumerGroups?: string[];
}

const KINDS = ["happens", "never", "count", "metric"] as const;
const ONLY_WITH: Record<string, readonly (typeof KINDS)[number][]> = {
  after: ["happens"], within: ["happens"], min: ["count", "metric"], max: ["count", "metric"], equals: ["count", "metric"],
  between: ["happens", "never", "count"],
};
/** The figures of the message checks (sim/check/messages.ts summary). */
const METRICS = ["sent", "acknowledged", "consumed", "lost", "duplicates", "orderViolations", "e2eLatencyMs", "sendFailures",
  "storedNotOk", "longestSendOutageMs", "sendOutageWindowMs", "byGroup", "recovery", "redelivered", "resendDuplicates",
  "filterViolations", "untrackedAcks", "resendTrackingEvicted", "oneway", "batchesSent", "batchesStored", "batchesSplit"];
/** Fields whose values are node names / brokerNames, checked against the cluster. */
const NODE_FIELDS = new Set(["node", "nodes", "broker", "peer", "namesrv", "from", "to", "master", "slave"]);
const GROUP_FIELDS = new Set(["brokerName", "publish", "subscribe"]);
const MATCHER_OPS = ["not", "in", "contains", "excludes", "exists"] as const;

export function resolveExpectations(src: SourceMap, items: ExpectItemInput[], ctx: ExpectContext): ExpectationSpec[] {
  return items.map((item, i) => resolveItem(src, item, ["expect", i], ctx));
}

function resolveItem(src: SourceMap, item: ExpectItemInput, path: Path, ctx: ExpectContext): ExpectationSpec {
  const kinds = KINDS.filter((k) => item[k] !== undefined);
  if (kinds.length === 0) throw src.error(path, "needs one of happens, never, count or metric");
  if (kinds.length > 1) throw src.error([...path, kinds[1]], `use only one of happens, never, count, metric per item (this one already has ${kinds[0]})`);
  const kind = kinds[0];
  for (const [key, needs] of Object.entries(ONLY_WITH)) {
    if (item[key as keyof ExpectItemInput] !== undefined && !needs.includes(kind)) {
      throw src.error([...path, key], `"${key}" only works with ${needs.join(" or ")} (this item uses ${kind})`, "key");
    }
  }
  if (kind === "metric") {
    const metric = checkMetric(src, item.metric!, [...path, "metric"], ctx);
    const spec: ExpectationSpec = { pos: src.pos(path), label: "", kind, metric, ...countBounds(src, item, path, "metric") };
    spec.label = item.name ?? label(spec, ctx.faults);
    return spec;
  }
  const filter = resolveFilter(src, item[kind as "happens"] as FilterInput, [...path, kind], ctx);
  const between = item.between && window(src, [...path, "between"], item.between);
  const base = { pos: src.pos(path), ...(between ? { betweenUs: between } : {}) };
  let spec: ExpectationSpec;
  if (kind === "happens") spec = { ...base, label: "", kind, filter, ...happensTiming(src, item, path, ctx) };
  else if (kind === "never") spec = { ...base, label: "", kind, filter };
  else spec = { ...base, label: "", kind, filter, ...countBounds(src, item, path) };
  spec.label = item.name ?? label(spec, ctx.faults);
  return spec;
}

function window(src: SourceMap, path: Path, w: readonly [string | number, string | number]): [number, number] {
  const lo = us(src, [...path, 0], w[0]), hi = us(src, [...path, 1], w[1]);
  if (lo > hi) throw src.error([...path, 1], `the window ends (${formatUs(hi)}) before it starts (${formatUs(lo)})`);
  return [lo, hi];
}

function happensTiming(src: SourceMap, item: ExpectItemInput, path: Path, ctx: ExpectContext): { after?: Reference; withinUs?: [number, number] } {
  const withinUs = item.within === undefined ? undefined
    : Array.isArray(item.within) ? window(src, [...path, "within"], item.within)
    : ([0, us(src, [...path, "within"], item.within)] as [number, number]);
  // `within` alone is measured from the start of the run.
  const after = item.after ? reference(src, item.after, [...path, "after"], ctx) : withinUs ? ({ kind: "at", us: 0 } as const) : undefined;
  return { ...(after ? { after } : {}), ...(withinUs ? { withinUs } : {}) };
}

function reference(src: SourceMap, ref: NonNullable<ExpectItemInput["after"]>, path: Path, ctx: ExpectContext): Reference {
  const given = (["at", "fault", "event"] as const).filter((k) => ref[k] !== undefined);
  if (given.length !== 1) {
    throw given.length === 0 ? src.error(path, "needs one of at, fault or event")
      : src.error([...path, given[1]], `use only one of at, fault, event (this one already has ${given[0]})`, "key");
  }
  if (ref.which !== undefined && given[0] !== "event") throw src.error([...path, "which"], `"which" only works with event`, "key");
  if (ref.at !== undefined) return { kind: "at", us: us(src, [...path, "at"], ref.at) };
  if (ref.fault !== undefined) return { kind: "fault", index: faultIndex(src, ref.fault, [...path, "fault"], ctx.faults) };
  return { kind: "event", filter: resolveFilter(src, ref.event as FilterInput, [...path, "event"], ctx), which: ref.which ?? "first" };
}

function faultIndex(src: SourceMap, ref: string | number, path: Path, faults: FaultSpec[]): number {
  if (typeof ref === "number") {
    if (ref < faults.length) return ref;
    throw src.error(path, faults.length ? `no fault with index ${ref} (faults are numbered 0..${faults.length - 1})` : `no fault with index ${ref} (there are no faults)`);
  }
  const found = faults.find((f) => f.name === ref);
  if (found) return found.index;
  const names = faults.flatMap((f) => (f.name === undefined ? [] : [f.name]));
  const known = names.length ? `; named faults are ${listSome(names, 10)}` : "; no fault has a name (add name: to one, or use its index)";
  throw src.error(path, `no fault named ${JSON.stringify(ref)}${didYouMean(ref, names)}${known}`);
}

/** A metric path: a known figure, and for byGroup a consumer group of this scenario. */
function checkMetric(src: SourceMap, metric: string, path: Path, ctx: ExpectContext): string {
  const parts = metric.split(".");
  if (!METRICS.includes(parts[0])) throw src.error(path, `unknown metric "${parts[0]}"${didYouMean(parts[0], METRICS)}; metrics are ${METRICS.join(", ")}`);
  if (parts[0] === "byGroup") {
    const groups = ctx.consumerGroups ?? [];
    if (parts.length < 3) throw src.error(path, `byGroup needs a group and a figure, e.g. byGroup.${groups[0] ?? "cg"}.lost`);
    if (!groups.includes(parts[1])) throw src.error(path, `no consumer group "${parts[1]}"${didYouMean(parts[1], groups)}`);
  }
  return metric;
}

function countBounds(src: SourceMap, item: ExpectItemInput, path: Path, kind = "count"): { equals?: number; min?: number; max?: number } {
  const { min, max, equals } = item;
  if (min === undefined && max === undefined && equals === undefined) throw src.error(path, `${kind} needs min, max or equals`);
  if (kind === "count" && [min, max, equals].some((v) => v !== undefined && !Number.isInteger(v)))
    throw src.error(path, "count bounds are whole numbers");
  if (equals !== undefined && (min !== undefined || max !== undefined)) throw src.error([...path, "equals"], "use either equals or min/max", "key");
  if (min !== undefined && max !== undefined && min > max) throw src.error([...path, "max"], `max (${max}) is smaller than min (${min})`);
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), ...(equals !== undefined ? { equals } : {}) };
}

function resolveFilter(src: SourceMap, f: FilterInput, path: Path, ctx: ExpectContext): EventFilter {
  const fields: Record<string, Matcher> = {};
  for (const [key, v] of Object.entries(f)) {
    if (key === "type" || v === undefined) continue;
    fields[key] = matcher(src, v as FilterValueInput, [...path, key]);
    checkNames(key, fields[key], [...path, key], ctx);
  }
  return { type: f.type, fields };
}

function matcher(src: SourceMap, v: FilterValueInput, path: Path): Matcher {
  if (Array.isArray(v)) return { op: "in", values: v };
  if (typeof v !== "object") return { op: "eq", value: v };
  const ops = MATCHER_OPS.filter((op) => v[op] !== undefined);
  if (ops.length !== 1) {
    throw ops.length === 0 ? src.error(path, `empty matcher; use one of ${MATCHER_OPS.join(", ")}`)
      : src.error([...path, ops[1]], `use only one of ${MATCHER_OPS.join(", ")} (this matcher already has ${ops[0]})`, "key");
  }
  const op = ops[0];
  if (op === "in") return { op, values: v.in! };
  if (op === "exists") return { op, value: v.exists! };
  return { op, value: v[op]! };
}

function checkNames(field: string, m: Matcher, path: Path, ctx: ExpectContext): void {
  const names = NODE_FIELDS.has(field) ? ctx.nodes : GROUP_FIELDS.has(field) ? ctx.groups : undefined;
  if (!names || m.op === "exists") return;
  // Fault events are logged by the pseudo-node "scenario".
  const extra = names === ctx.nodes ? ["scenario"] : [];
  const values = m.op === "in" ? m.values.map((v, i) => [v, [...path, i]] as const) : [[m.value, m.op === "eq" ? path : [...path, m.op]] as const];
  for (const [v, at] of values) if (typeof v === "string") names.check(v, at, extra);
}

// ---- labels ---------------------------------------------------------------

const show = (v: Scalar) => String(v);

function describeMatcher(k: string, m: Matcher): string {
  switch (m.op) {
    case "eq": return `${k}=${show(m.value)}`;
    case "in": return `${k} in [${m.values.map(show).join(",")}]`;
    case "not": return `${k}!=${show(m.value)}`;
    case "contains": return `${k} contains ${show(m.value)}`;
    case "excludes": return `${k} excludes ${show(m.value)}`;
    case "exists": return m.value ? `${k} exists` : `no ${k}`;
  }
}

export function describeFilter(f: EventFilter): string {
  const parts = Object.entries(f.fields).map(([k, m]) => describeMatcher(k, m));
  return parts.length ? `${f.type}{${parts.join(",")}}` : f.type;
}

function describeRef(r: Reference, faults: FaultSpec[]): string {
  if (r.kind === "at") return `t=${formatUs(r.us)}`;
  if (r.kind === "fault") return `fault ${faults[r.index]?.name ?? `#${r.index}`} (${faults[r.index]?.action})`;
  return `${r.which} ${describeFilter(r.filter)}`;
}

function describeBound(s: { equals?: number; min?: number; max?: number }): string {
  return s.equals !== undefined ? `== ${s.equals}` : s.max === undefined ? `>= ${s.min}` : s.min === undefined ? `<= ${s.max}` : `in [${s.min},${s.max}]`;
}

function label(s: ExpectationSpec, faults: FaultSpec[]): string {
  if (s.kind === "metric") return `${s.metric} ${describeBound(s)}`;
  const what = describeFilter(s.filter);
  const between = s.betweenUs ? ` between ${fmtWindow(s.betweenUs)}` : "";
  if (s.kind === "never") return `never ${what}${between}`;
  if (s.kind === "count") return `count ${what} ${describeBound(s)}${between}`;
  const within = s.withinUs ? ` within ${fmtWindow(s.withinUs)}` : "";
  const after = s.after ? ` after ${describeRef(s.after, faults)}` : "";
  return `${what}${within || (after ? "" : " happens")}${after}${between}`;
}

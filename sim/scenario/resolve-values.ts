// Value-level resolution shared by resolve.ts, resolve-groups.ts and
// resolve-expect.ts: durations to µs, sizes to bytes, distributions, RocketMQ
// config values, node-name lookups, and collecting the earliest error.

import { formatUs, parseDurationUs } from "../core/duration.js";
import type { Distribution } from "../core/distribution.js";
import { SETTINGS, type Section, type SettingKind } from "./defaults.js";
import { didYouMean, listSome } from "./didyoumean.js";
import { ScenarioError, type PathSeg } from "./errors.js";
import type { DistributionInput, SizeInput } from "./schema-base.js";
import type { SettingsInput } from "./schema-config.js";
import { parseBandwidth, parseBytes } from "./sizes.js";
import type { SourceMap } from "./source.js";
import type { ConfigOverrides } from "./types.js";

export type Path = readonly PathSeg[];

/** A duration the schema already accepted, in µs (parseDurationUs can still refuse huge values). */
export function us(src: SourceMap, path: Path, v: string | number): number {
  const r = parseDurationUs(v);
  if (typeof r === "string") throw src.error(path, r);
  if (!Number.isSafeInteger(r)) throw src.error(path, `${JSON.stringify(v)} is too large`);
  return r;
}

const text = (v: string | number) => (typeof v === "number" ? String(v) : v.trim());

type Value = string | number;
type DistObject<V> =
  | { distribution: "fixed"; value: V }
  | { distribution: "uniform"; min: V; max: V }
  | { distribution: "exponential"; mean: V }
  | { distribution: "normal"; mean: V; stddev: V }
  | { distribution: "lognormal"; median: V; sigma: number };

/** A distribution mapping with each value converted by `conv` (to µs, to bytes). */
function distObject<V extends Value>(src: SourceMap, path: Path, v: DistObject<V>, conv: (path: Path, v: V) => number): { dist: Distribution; text: string } {
  const at = (k: string) => [...path, k];
  switch (v.distribution) {
    case "fixed":
      return { dist: { distribution: "fixed", value: conv(at("value"), v.value) }, text: `fixed(${text(v.value)})` };
    case "uniform": {
      const min = conv(at("min"), v.min), max = conv(at("max"), v.max);
      if (min > max) throw src.error(at("max"), `max (${text(v.max)}) is smaller than min (${text(v.min)})`);
      return { dist: { distribution: "uniform", min, max }, text: `uniform(${text(v.min)}..${text(v.max)})` };
    }
    case "exponential":
      return { dist: { distribution: "exponential", mean: conv(at("mean"), v.mean) }, text: `exponential(mean=${text(v.mean)})` };
    case "normal": {
      const mean = conv(at("mean"), v.mean), stddev = conv(at("stddev"), v.stddev);
      return { dist: { distribution: "normal", mean, stddev }, text: `normal(mean=${text(v.mean)},stddev=${text(v.stddev)})` };
    }
    case "lognormal":
      return { dist: { distribution: "lognormal", median: conv(at("median"), v.median), sigma: v.sigma }, text: `lognormal(median=${text(v.median)},sigma=${v.sigma})` };
  }
}

/** A latency distribution in µs plus how it was written, e.g. "uniform(200us..2ms)". */
export function distribution(src: SourceMap, path: Path, v: DistributionInput): { dist: Distribution; text: string } {
  if (typeof v !== "object") return { dist: { distribution: "fixed", value: us(src, path, v) }, text: text(v) };
  return distObject(src, path, v, (p, x) => us(src, p, x));
}

/** A byte count written as a number or a size string ("4KiB"). */
export function byteCount(src: SourceMap, path: Path, v: string | number): number {
  const r = parseBytes(v);
  if (typeof r === "string") throw src.error(path, r);
  return r;
}

/** A message size in bytes; a fixed size needs at least 1 byte, as RocketMQ refuses empty bodies. */
export function sizeDistribution(src: SourceMap, path: Path, v: SizeInput): Distribution {
  const positive = (p: Path, x: string | number) => {
    const n = byteCount(src, p, x);
    if (n < 1) throw src.error(p, `a message needs at least 1 byte (RocketMQ refuses an empty body), got ${text(x)}`);
    return n;
  };
  if (typeof v !== "object") return { distribution: "fixed", value: positive(path, v) };
  if (v.distribution === "fixed") return { distribution: "fixed", value: positive([...path, "value"], v.value) };
  return distObject(src, path, v, (p, x) => byteCount(src, p, x)).dist;
}

/** Bytes per second from a number or "200MB/s". */
export function bandwidth(src: SourceMap, path: Path, v: string | number): number {
  const r = parseBandwidth(v);
  if (typeof r === "string") throw src.error(path, r);
  if (r <= 0) throw src.error(path, `must be greater than 0, got ${JSON.stringify(v)}`);
  return r;
}

export const DEFAULT_LATENCY = { dist: { distribution: "uniform", min: 200, max: 2_000 } as Distribution, text: "uniform(200us..2ms)" };

type ConfigInput = Partial<Record<keyof ConfigOverrides, SettingsInput | undefined>>;

/** Only the keys the user wrote; time keys in µs and strictly positive. */
export function config(src: SourceMap, input: ConfigInput | undefined): ConfigOverrides {
  const out: ConfigOverrides = { namesrv: {}, broker: {}, client: {}, controller: {} };
  for (const section of Object.keys(out) as Section[]) out[section] = settings(src, section, input?.[section], ["config", section]);
  return out;
}

/** One section's overrides (config.broker, or a group's `config:` at `path`). */
export function settings(src: SourceMap, section: Section, input: SettingsInput | undefined, path: Path): Record<string, number | boolean | string> {
  const defs = SETTINGS[section] as Record<string, { kind: SettingKind }>;
  const out: Record<string, number | boolean | string> = {};
  for (const [key, v] of Object.entries(input ?? {})) {
    if (v === undefined) continue;
    out[key] = setting(src, [...path, key], defs[key].kind, v);
  }
  return out;
}

/**
 * Time settings RocketMQ accepts as 0: Netty's IdleStateHandler treats an idle
 * time of 0 as "no idle close", and a pullInterval of 0 means pull again at once.
 */
const zeroAllowed = (key: string) => key.includes("IdleTime") || key === "pullInterval";

function setting(src: SourceMap, path: Path, kind: SettingKind, v: string | number | boolean): string | number | boolean {
  if (kind !== "ms" && kind !== "sec") return v;
  // A bare number is in RocketMQ's own unit, as it would be written in broker.conf.
  const value = typeof v === "number" ? Math.round(v * (kind === "ms" ? 1_000 : 1_000_000)) : us(src, path, v as string);
  const min = zeroAllowed(String(path[path.length - 1])) ? 0 : 1;
  if (value < min) throw src.error(path, `must be ${min ? "greater than 0" : "0 or more"}, got ${typeof v === "number" ? v : JSON.stringify(v)}`);
  return value;
}

/** Collects the first error of each independent part; the earliest in the file wins. */
export class Attempts {
  readonly errors: ScenarioError[] = [];
  run<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      this.errors.push(e);
      return undefined;
    }
  }
  earliest(): ScenarioError | undefined {
    return [...this.errors].sort((a, b) => a.line - b.line || a.col - b.col)[0];
  }
  /** Throw the earliest error, if any part failed. */
  check(): void {
    const e = this.earliest();
    if (e) throw e;
  }
}

/** Named things (nodes, broker groups, faults) with did-you-mean lookups. */
export class Names {
  private readonly defs = new Map<string, { path: Path; what: string }>();
  constructor(private readonly src: SourceMap, private readonly kind: string) {}

  has(name: string): boolean { return this.defs.has(name); }
  /** What a defined name is ("broker node", "producer node", ..). */
  whatOf(name: string): string | undefined { return this.defs.get(name)?.what; }
  get list(): string[] { return [...this.defs.keys()]; }

  /** Define a name; a second definition is an error at `path`. */
  add(name: string, path: Path, what: string): void {
    const prev = this.defs.get(name);
    if (prev) {
      const clash = prev.what === what ? `duplicate ${what} ${JSON.stringify(name)}` : `${what} ${JSON.stringify(name)} clashes with ${prev.what} ${JSON.stringify(name)}`;
      throw this.src.error(path, `${clash} (already defined at ${this.src.lineOf(prev.path)})`);
    }
    this.defs.set(name, { path, what });
  }

  /** Fail at `path` unless `name` is defined. */
  check(name: string, path: Path, extra: readonly string[] = []): void {
    if (this.has(name) || extra.includes(name)) return;
    const all = [...this.list, ...extra];
    throw this.src.error(path, `no ${this.kind} ${JSON.stringify(name)}${didYouMean(name, all)}; ${this.kind}s are ${listSome(all, 10)}`);
  }
}

export const fmtWindow = (w: readonly [number, number]) => `[${formatUs(w[0])},${formatUs(w[1])}]`;

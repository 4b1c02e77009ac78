// Value-level resolution shared by resolve.ts and resolve-expect.ts: durations to
// µs, latency distributions, RocketMQ config values, node-name lookups.

import { formatUs, parseDurationUs } from "../core/duration.js";
import type { Distribution } from "../core/distribution.js";
import { SETTINGS, type SettingKind } from "./defaults.js";
import { didYouMean, listSome } from "./didyoumean.js";
import type { PathSeg } from "./errors.js";
import type { DistributionInput } from "./schema-base.js";
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

/** A latency distribution in µs plus how it was written, e.g. "uniform(200us..2ms)". */
export function distribution(src: SourceMap, path: Path, v: DistributionInput): { dist: Distribution; text: string } {
  if (typeof v !== "object") return { dist: { distribution: "fixed", value: us(src, path, v) }, text: text(v) };
  const at = (k: string) => [...path, k];
  switch (v.distribution) {
    case "fixed":
      return { dist: { distribution: "fixed", value: us(src, at("value"), v.value) }, text: `fixed(${text(v.value)})` };
    case "uniform": {
      const min = us(src, at("min"), v.min), max = us(src, at("max"), v.max);
      if (min > max) throw src.error(at("max"), `max (${text(v.max)}) is smaller than min (${text(v.min)})`);
      return { dist: { distribution: "uniform", min, max }, text: `uniform(${text(v.min)}..${text(v.max)})` };
    }
    case "exponential":
      return { dist: { distribution: "exponential", mean: us(src, at("mean"), v.mean) }, text: `exponential(mean=${text(v.mean)})` };
    case "normal": {
      const mean = us(src, at("mean"), v.mean), stddev = us(src, at("stddev"), v.stddev);
      return { dist: { distribution: "normal", mean, stddev }, text: `normal(mean=${text(v.mean)},stddev=${text(v.stddev)})` };
    }
    case "lognormal":
      return { dist: { distribution: "lognormal", median: us(src, at("median"), v.median), sigma: v.sigma }, text: `lognormal(median=${text(v.median)},sigma=${v.sigma})` };
  }
}

export const DEFAULT_LATENCY = { dist: { distribution: "uniform", min: 200, max: 2_000 } as Distribution, text: "uniform(200us..2ms)" };

type ConfigInput = Partial<Record<keyof ConfigOverrides, Record<string, string | number | boolean | undefined> | undefined>>;

/** Only the keys the user wrote; time keys in µs and strictly positive. */
export function config(src: SourceMap, input: ConfigInput | undefined): ConfigOverrides {
  const out: ConfigOverrides = { namesrv: {}, broker: {}, client: {} };
  for (const section of Object.keys(out) as (keyof ConfigOverrides)[]) {
    const defs = SETTINGS[section] as Record<string, { kind: SettingKind }>;
    for (const [key, v] of Object.entries(input?.[section] ?? {})) {
      if (v === undefined) continue;
      out[section][key] = setting(src, ["config", section, key], defs[key].kind, v);
    }
  }
  return out;
}

const IDLE_KEY = /IdleTime/;

function setting(src: SourceMap, path: Path, kind: SettingKind, v: string | number | boolean): string | number | boolean {
  if (kind !== "ms" && kind !== "sec") return v;
  // A bare number is in RocketMQ's own unit, as it would be written in broker.conf.
  const value = typeof v === "number" ? Math.round(v * (kind === "ms" ? 1_000 : 1_000_000)) : us(src, path, v as string);
  // Netty's IdleStateHandler treats 0 as "no idle close", so idle times may be 0.
  const min = IDLE_KEY.test(String(path[path.length - 1])) ? 0 : 1;
  if (value < min) throw src.error(path, `must be ${min ? "greater than 0" : "0 (off) or more"}, got ${typeof v === "number" ? v : JSON.stringify(v)}`);
  return value;
}

/** Named things (nodes, broker groups, faults) with did-you-mean lookups. */
export class Names {
  private readonly defs = new Map<string, { path: Path; what: string }>();
  constructor(private readonly src: SourceMap, private readonly kind: string) {}

  has(name: string): boolean { return this.defs.has(name); }
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

// Building blocks shared by the scenario schemas (schema.ts, schema-expect.ts):
// strict objects with did-you-mean messages, enums, durations, latency
// distributions, sizes and bandwidths.
// Kept apart so both schema files can import them without an import cycle.

import { z } from "zod";
import { parseDurationUs } from "../core/duration.js";
import { describeValue } from "./errors.js";
import { didYouMean, listSome } from "./didyoumean.js";
import { BANDWIDTH_PATTERN, parseBandwidth, parseBytes, SIZE_PATTERN } from "./sizes.js";

/**
 * Durations as editors should accept them: "10s", "1.5ms", and also compound
 * forms like "3m30s". parseDurationUs (sim/core/duration.ts) has the final word
 * and explains its refusals; the pattern is deliberately no stricter than it, so
 * extending the parser needs no change here.
 */
export const DURATION_PATTERN = "^(\\s*\\d+(?:\\.\\d+)?\\s*(?:us|ms|s|m|h)\\s*)+$";

type Shape = z.core.$ZodShape;

/** A strict object whose unknown-key message names the closest allowed key. */
export function strict<S extends Shape>(shape: S, where?: string | ((input: Record<string, unknown>) => string)) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code !== "unrecognized_keys") return undefined;
      const ctx = typeof where === "function" ? where(iss.input ?? {}) : where;
      return unknownKeyMessage(iss.keys[0], allowed, ctx);
    },
  });
}

// 16 lists every key of the largest mapping (a consumer group) without a "..." cut.
export function unknownKeyMessage(key: string, allowed: readonly string[], where?: string): string {
  const ctx = where ? ` ${where}` : "";
  const hint = didYouMean(key, allowed);
  return hint ? `unknown key ${JSON.stringify(key)}${ctx}${hint}` : `unknown key ${JSON.stringify(key)}${ctx}; allowed keys: ${listSome(allowed, 16)}`;
}

/** Why `input` is not a duration, or undefined for a missing key (reported elsewhere). */
export function durationMessage(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input === "string" || typeof input === "number") {
    const r = parseDurationUs(input);
    if (typeof r === "string") return r;
  }
  return `expected a duration such as "500us", "2ms" or "10s", got ${describeValue(input)}`;
}

export const durationText = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), { error: (iss) => durationMessage(iss.input) })
  .meta({ id: "durationText", description: 'A duration: a number and a unit (us, ms, s, m, h), e.g. "500us", "1.5ms", "10s", "2m".' });

export const duration = z
  .union([durationText, z.literal(0)], { error: (iss) => durationMessage(iss.input) })
  .meta({ id: "duration", description: 'A duration such as "10s" (a bare 0 is also accepted).' });

export const int = () => z.int();
export const nonEmpty = () => z.string().min(1);
const NAME_RE = /^[A-Za-z0-9_-]+$/;
export const nameText = (what: string) =>
  z.string().regex(NAME_RE, { error: (iss) => (typeof iss.input === "string" ? `${what} ${JSON.stringify(iss.input)} may only use letters, digits, "_" and "-"` : undefined) });

// ---- enums -----------------------------------------------------------------

/** One of a few words; a wrong one is reported as `unknown <what> "x" (did you mean "y"?)`. */
export function choice<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.enum(values, {
    error: (iss) => (iss.code !== "invalid_value" || iss.input === undefined ? undefined : unknownValueMessage(iss.input, values, what)),
  });
}

export function unknownValueMessage(input: unknown, values: readonly string[], what: string): string {
  const hint = typeof input === "string" ? didYouMean(input, values) : "";
  return `unknown ${what} ${describeValue(input)}${hint || `; use one of ${listSome(values, 12)}`}`;
}

// ---- distributions --------------------------------------------------------

export const DISTRIBUTIONS = ["fixed", "uniform", "exponential", "normal", "lognormal"] as const;

/** The distribution mappings over some value type (durations for latencies, byte counts for sizes). */
function distributionObjectOf<V extends z.ZodType>(value: V) {
  return z.discriminatedUnion("distribution", [
    strict({ distribution: z.literal("fixed"), value }, 'for distribution "fixed"'),
    strict({ distribution: z.literal("uniform"), min: value, max: value }, 'for distribution "uniform"'),
    strict({ distribution: z.literal("exponential"), mean: value }, 'for distribution "exponential"'),
    strict({ distribution: z.literal("normal"), mean: value, stddev: value }, 'for distribution "normal"'),
    strict({ distribution: z.literal("lognormal"), median: value, sigma: z.number().nonnegative() }, 'for distribution "lognormal"'),
  ]);
}

export const distribution = z
  .union([duration, distributionObjectOf(duration)], {
    error: (iss) =>
      iss.input === undefined ? undefined
      : typeof iss.input === "number" ? durationMessage(iss.input)
      : `expected a duration such as "2ms" or a mapping such as { distribution: uniform, min: 200us, max: 2ms }, got ${describeValue(iss.input)}`,
  })
  .meta({ id: "distribution", description: 'A latency: a duration ("2ms") or { distribution: fixed|uniform|exponential|normal|lognormal, ... }.' });

export type DistributionInput = z.infer<typeof distribution>;

// ---- sizes and bandwidths -------------------------------------------------

const textMessage = (parse: (v: string) => number | string) => (iss: { input?: unknown }) => {
  if (typeof iss.input !== "string") return undefined;
  const r = parse(iss.input);
  return typeof r === "string" ? r : undefined;
};

export const sizeText = z
  .string()
  .regex(new RegExp(SIZE_PATTERN), { error: textMessage(parseBytes) })
  .meta({ id: "sizeText", description: 'A size: a number and a unit (B, KB, MB, GB; KB = KiB = 1024 bytes, likewise MB = MiB, GB = GiB), e.g. "512B", "1KB", "4KiB".' });

/** A byte count inside a size distribution: plain bytes or a size string. */
const bytes = z.union([sizeText, z.number().nonnegative()], {
  error: (iss) => (iss.input === undefined ? undefined : `expected a number of bytes or a size such as "1KB", got ${describeValue(iss.input)}`),
});

export const size = z
  .union([sizeText, int().nonnegative(), distributionObjectOf(bytes)], {
    error: (iss) =>
      iss.input === undefined ? undefined
      : typeof iss.input === "number" ? `a size in bytes must be a whole number, got ${iss.input}`
      : `expected a number of bytes, a size such as "1KB", or a mapping such as { distribution: uniform, min: 512B, max: 4KB }, got ${describeValue(iss.input)}`,
  })
  .meta({ id: "size", description: 'A message size in bytes: a number, a size string ("1KB"; KB = KiB = 1024 bytes), or { distribution: ..., } whose values are byte counts or size strings.' });

export type SizeInput = z.infer<typeof size>;

export const bandwidth = z
  .union([z.string().regex(new RegExp(BANDWIDTH_PATTERN), { error: textMessage(parseBandwidth) }), z.number().positive()], {
    error: (iss) => (iss.input === undefined ? undefined : `expected bytes per second or a bandwidth such as "200MB/s", got ${describeValue(iss.input)}`),
  })
  .meta({ id: "bandwidth", description: 'Bytes per second: a number, or a size per second such as "500KB/s", "200MB/s", "1GB/s" (KB = KiB = 1024 bytes).' });

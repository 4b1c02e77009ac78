// Building blocks shared by the scenario schemas (schema.ts, schema-expect.ts):
// strict objects with did-you-mean messages, durations and latency distributions.
// Kept apart so both schema files can import them without an import cycle.

import { z } from "zod";
import { parseDurationUs } from "../core/duration.js";
import { describeValue } from "./errors.js";
import { didYouMean, listSome } from "./didyoumean.js";

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

export function unknownKeyMessage(key: string, allowed: readonly string[], where?: string): string {
  const ctx = where ? ` ${where}` : "";
  const hint = didYouMean(key, allowed);
  return hint ? `unknown key ${JSON.stringify(key)}${ctx}${hint}` : `unknown key ${JSON.stringify(key)}${ctx}; allowed keys: ${listSome(allowed, 12)}`;
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

// ---- distributions --------------------------------------------------------

export const DISTRIBUTIONS = ["fixed", "uniform", "exponential", "normal", "lognormal"] as const;

const distributionObject = z.discriminatedUnion("distribution", [
  strict({ distribution: z.literal("fixed"), value: duration }, 'for distribution "fixed"'),
  strict({ distribution: z.literal("uniform"), min: duration, max: duration }, 'for distribution "uniform"'),
  strict({ distribution: z.literal("exponential"), mean: duration }, 'for distribution "exponential"'),
  strict({ distribution: z.literal("normal"), mean: duration, stddev: duration }, 'for distribution "normal"'),
  strict({ distribution: z.literal("lognormal"), median: duration, sigma: z.number().nonnegative() }, 'for distribution "lognormal"'),
]);

export const distribution = z
  .union([duration, distributionObject], {
    error: (iss) =>
      iss.input === undefined ? undefined
      : typeof iss.input === "number" ? durationMessage(iss.input)
      : `expected a duration such as "2ms" or a mapping such as { distribution: uniform, min: 200us, max: 2ms }, got ${describeValue(iss.input)}`,
  })
  .meta({ id: "distribution", description: 'A latency: a duration ("2ms") or { distribution: fixed|uniform|exponential|normal|lognormal, ... }.' });

export type DistributionInput = z.infer<typeof distribution>;

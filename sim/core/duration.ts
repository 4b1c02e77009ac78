// Durations in scenarios are strings with a unit ("500us", "1.5ms", "10s", "2m",
// "1h"); inside the simulator every time is an integer count of microseconds.

const UNIT_US: Record<string, number> = { us: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };
const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|h)\s*$/;

/** Parse "1.5ms" into 1500 (µs). Returns an error string instead of throwing. */
export function parseDurationUs(text: string | number): number | string {
  if (typeof text === "number") {
    if (text === 0) return 0;
    return `a duration needs a unit, e.g. "${text}ms" or "${text}s"`;
  }
  const m = DURATION_RE.exec(text);
  if (!m) return `"${text}" is not a duration (use a number and a unit: us, ms, s, m, h — e.g. "500us", "1.5ms", "10s")`;
  const us = Number(m[1]) * UNIT_US[m[2]];
  if (!Number.isFinite(us)) return `"${text}" is too large`;
  return Math.round(us);
}

/** Human form of a µs count: 1500000 -> "1.5s". Used in summaries and errors. */
export function formatUs(us: number): string {
  const abs = Math.abs(us);
  const pick = (d: number, u: string) => `${+(us / d).toFixed(3)}${u}`;
  if (abs >= 3_600_000_000 && us % 60_000_000 === 0 && abs >= 7_200_000_000) return pick(3_600_000_000, "h");
  if (abs >= 120_000_000 && us % 1_000_000 === 0) return pick(60_000_000, "m");
  if (abs >= 1_000_000) return pick(1_000_000, "s");
  if (abs >= 1_000) return pick(1_000, "ms");
  return `${us}us`;
}

export const MS = 1_000;
export const SEC = 1_000_000;

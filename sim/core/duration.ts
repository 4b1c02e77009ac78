// Durations in scenarios are strings with a unit ("500us", "1.5ms", "10s", "2m",
// "1h"); inside the simulator every time is an integer count of microseconds.

const UNIT_US: Record<string, number> = { us: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };
// One or more number+unit parts, largest first by convention: "1h30m", "3m30s", "1.5ms".
const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:us|ms|h|m|s))+$/;
const PART_RE = /(\d+(?:\.\d+)?)(us|ms|h|m|s)/g;

/** Parse "1.5ms" into 1500 (µs). Returns an error string instead of throwing. */
export function parseDurationUs(text: string | number): number | string {
  if (typeof text === "number") {
    if (text === 0) return 0;
    return `a duration needs a unit, e.g. "${text}ms" or "${text}s"`;
  }
  const compact = text.trim();
  if (!DURATION_RE.test(compact))
    return `"${text}" is not a duration (use a number and a unit: us, ms, s, m, h — e.g. "500us", "1.5ms", "10s", "3m30s")`;
  let us = 0;
  for (const m of compact.matchAll(PART_RE)) us += Number(m[1]) * UNIT_US[m[2]];
  if (!Number.isFinite(us)) return `"${text}" is too large`;
  return Math.round(us);
}

/** Human form of a µs count: 1500000 -> "1.5s", 120000000 -> "2m". Used in summaries and errors. */
export function formatUs(us: number): string {
  const abs = Math.abs(us);
  if (abs === 0) return "0s";
  if (abs >= 60_000_000 && us % 60_000_000 === 0) return `${us / 60_000_000}m`;
  if (abs >= 1_000_000) return `${+(us / 1_000_000).toFixed(3)}s`;
  if (abs >= 1_000) return `${+(us / 1_000).toFixed(3)}ms`;
  return `${us}us`;
}

export const MS = 1_000;
export const SEC = 1_000_000;

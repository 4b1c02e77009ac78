// `expect: metric:` paths resolved against a run's message summary.

import type { MessageSummary } from "./messages.js";

/**
 * Resolves a dotted path in a summary to a number: "lost", "e2eLatencyMs.p99",
 * "byGroup.cg.duplicates", "recovery.0.recoveryMs". Keys that contain dots are
 * found by trying the longest joined segment first. Anything else (missing,
 * null, an object) is undefined.
 */
export function checkMetric(summary: MessageSummary, path: string): number | undefined {
  const parts = path.split(".");
  let cur: unknown = summary;
  let i = 0;
  while (i < parts.length) {
    if (cur === null || typeof cur !== "object") return undefined;
    const obj = cur as Record<string, unknown>;
    let j = parts.length;
    while (j > i && !Object.hasOwn(obj, parts.slice(i, j).join("."))) j--;
    if (j === i) return undefined;
    cur = obj[parts.slice(i, j).join(".")];
    i = j;
  }
  return typeof cur === "number" ? cur : undefined;
}

// The human summary of a run: what ran, the notable moments, each expectation.

import { formatUs } from "../core/duration.js";
import type { RunSummary } from "../scenario/run.js";
import type { TraceEvent } from "../trace/schema.js";

const NOTABLE = new Set(["fault", "node.down", "node.up", "node.pause", "node.resume", "net.partition", "net.heal",
  "ns.unregister", "ns.topic.delete"]);
const MAX_NOTABLE = 24;

/** Collects the moments worth a line in the summary (bounded, not the trace). */
export class NotableEvents {
  readonly lines: string[] = [];
  dropped = 0;
  private started = false;

  observe = (e: TraceEvent): void => {
    if (e.type === "node.up" && !this.started) return; // the t=0 start of every node is not news
    if (e.type === "fault") this.started = true;
    if (!NOTABLE.has(e.type)) return;
    if (this.lines.length >= MAX_NOTABLE) { this.dropped++; return; }
    this.lines.push(`${formatUs(e.t).padStart(9)}  ${describe(e)}`);
  };
}

function describe(e: TraceEvent): string {
  switch (e.type) {
    case "fault": return `fault ${e.name ?? `#${e.index}`}: ${e.action}${e.nodes ? ` ${e.nodes.join(", ")}` : ""}`;
    case "node.down": return `${e.node} down (${e.how})`;
    case "node.up": return `${e.node} up`;
    case "node.pause": return `${e.node} paused`;
    case "node.resume": return `${e.node} resumed`;
    case "net.partition": return `network partitioned ${e.groups.map((g) => `[${g.join(" ")}]`).join(" | ")}${e.oneWay ? " (one way)" : ""}`;
    case "net.heal": return "network healed";
    case "ns.unregister": return `${e.node} dropped ${e.broker} (${e.brokerName}/${e.brokerId}): ${e.reason}`;
    case "ns.topic.delete": return `${e.node} deleted topic ${e.topic}`;
    default: return e.type;
  }
}

export function formatSummary(s: RunSummary, wallS: number, tracePath: string | null, notable: NotableEvents): string {
  const out: string[] = [];
  out.push(`scenario  ${s.scenario} (${s.file}), seed ${s.seed}, profile ${s.profile}`);
  out.push(`ran       ${formatUs(s.virtualTimeUs)} virtual in ${wallS.toFixed(2)} s wall; ${s.engineEvents.toLocaleString("en-US")} engine events, ${s.traceEvents.toLocaleString("en-US")} trace events${s.stopReason === "max-events" ? " — STOPPED at --max-events" : ""}`);
  out.push(`trace     ${tracePath ?? "(not written)"}  sha256 ${s.traceSha256.slice(0, 16)}…`);
  if (notable.lines.length) {
    out.push("timeline");
    for (const l of notable.lines) out.push(`  ${l}`);
    if (notable.dropped) out.push(`  … ${notable.dropped} more (see the trace)`);
  }
  const c = s.checks;
  if (c.sent > 0 || c.consumed > 0) {
    const lat = c.e2eLatencyMs;
    out.push(`messages  sent ${c.sent}, acknowledged ${c.acknowledged}, consumed ${c.consumed}; lost ${c.lost}, duplicates ${c.duplicates}, order violations ${c.orderViolations}`);
    out.push(`          end-to-end p50 ${lat.p50} ms, p99 ${lat.p99} ms, max ${lat.max} ms; longest send outage ${c.longestSendOutageMs} ms`);
    const fails = Object.entries(c.sendFailures).map(([k, v]) => `${k} ${v}`);
    const notOk = Object.entries(c.storedNotOk).map(([k, v]) => `${k} ${v}`);
    if (fails.length) out.push(`          send failures: ${fails.join(", ")}`);
    if (notOk.length) out.push(`          stored, not SEND_OK: ${notOk.join(", ")}`);
    for (const [g, v] of Object.entries(c.byGroup)) {
      out.push(`  group ${g}: consumed ${v.consumed}, lost ${v.lost}, duplicates ${v.duplicates}, order violations ${v.orderViolations}, e2e p99 ${v.e2eLatencyMs.p99} ms`);
      const failed = Object.entries(v.consumeFailures).map(([k, n]) => `${k} ${n}`);
      if (failed.length) out.push(`    failed deliveries (RECONSUME_LATER): ${failed.join(", ")}; redelivered ${v.redelivered}; dead-lettered ${v.deadLettered}`);
    }
  }
  if (s.expectations.length) {
    out.push("expect");
    for (const e of s.expectations) out.push(`  ${e.pass ? "✓" : "✗"} ${e.label}\n      ${e.detail}`);
  }
  const passed = s.expectations.filter((e) => e.pass).length;
  const verdict = s.stopReason === "max-events" ? "STOPPED (max events reached)" : s.passed ? "PASS" : "FAIL";
  out.push(`verdict   ${verdict} (${passed}/${s.expectations.length} expectations hold)`);
  return out.join("\n");
}

export function jsonSummary(s: RunSummary, wallS: number, tracePath: string | null): object {
  return {
    scenario: s.scenario, file: s.file, seed: s.seed, profile: s.profile,
    virtualTimeUs: s.virtualTimeUs, virtualTime: formatUs(s.virtualTimeUs), stopReason: s.stopReason,
    events: s.traceEvents, engineEvents: s.engineEvents, wallS: +wallS.toFixed(3),
    trace: tracePath, traceSha256: s.traceSha256, passed: s.passed, checks: s.checks,
    expectations: s.expectations.map((e) => ({ name: e.label, pass: e.pass, detail: e.detail, line: e.line })),
  };
}

// `rocketsim run` and `rocketsim validate`.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseDurationUs, formatUs } from "../core/duration.js";
import { loadScenario } from "../scenario/load.js";
import { runScenario, type RunSummary } from "../scenario/run.js";
import type { Scenario } from "../scenario/types.js";
import { parseArgs, UsageError } from "./args.js";
import { firstDifference } from "./determinism.js";
import { formatSummary, jsonSummary, NotableEvents } from "./summary.js";

export const RUN_USAGE = `usage: rocketsim run <scenario.yaml> [options]

Runs a scenario on the virtual clock, writes its trace, checks its expectations.

options:
  --seed N               use this seed instead of the scenario's
  --until DURATION       stop earlier than the scenario's duration (e.g. 90s)
  --trace FILE           where to write the trace (default: <scenario>.trace.jsonl)
  --no-trace             do not write a trace (it is still hashed)
  --json                 print the summary as JSON
  --max-events N         stop after N engine events (guard against runaway runs)
  --check-determinism    run twice and report the first event where the traces differ
  --view                 open the replay page on the trace after the run
  --help                 this text

exit status: 0 every expectation holds, 1 one failed (or the run was stopped), 2 bad input`;

export const VALIDATE_USAGE = `usage: rocketsim validate <scenario.yaml>

Checks a scenario file without running it; prints "ok" or the first error as file:line:col key: message.`;

const RUN_OPTIONS = {
  seed: "value", until: "value", trace: "value", "no-trace": "flag", json: "flag", "max-events": "value",
  "check-determinism": "flag", view: "flag", help: "flag",
} as const;

export async function runCommand(argv: string[]): Promise<number> {
  const a = parseArgs(argv, RUN_OPTIONS);
  if (a.flags.has("help")) { console.log(RUN_USAGE); return 0; }
  if (a.positionals.length !== 1) throw new UsageError("run needs exactly one scenario file (see rocketsim run --help)");
  const seedText = a.values.get("seed");
  if (seedText !== undefined && !/^-?\d+$/.test(seedText)) throw new UsageError(`--seed: "${seedText}" is not an integer`);
  const scn = loadScenario(a.positionals[0], seedText !== undefined ? { seed: Number(seedText) } : undefined);
  let untilUs: number | undefined;
  if (a.values.has("until")) {
    const v = parseDurationUs(a.values.get("until")!);
    if (typeof v === "string") throw new UsageError(`--until: ${v}`);
    untilUs = v;
  }
  const maxText = a.values.get("max-events");
  if (maxText !== undefined && !/^\d+$/.test(maxText)) throw new UsageError(`--max-events: "${maxText}" is not a whole number`);
  const maxEvents = maxText !== undefined ? Number(maxText) : undefined;

  if (a.flags.has("check-determinism")) return checkDeterminism(scn, untilUs, maxEvents, a.flags.has("json"));

  const tracePath = a.flags.has("no-trace") ? null : a.values.get("trace") ?? defaultTracePath(scn.file);
  const notable = new NotableEvents();
  const t0 = performance.now(); // wall-clock ok: the CLI times itself
  const summary = runScenario(scn, { tracePath, untilUs, maxEvents, listeners: [notable.observe], onProgress: progress(t0, scn) });
  const wallS = (performance.now() - t0) / 1000; // wall-clock ok
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  if (a.flags.has("json")) console.log(JSON.stringify(jsonSummary(summary, wallS, tracePath), null, 2));
  else console.log(formatSummary(summary, wallS, tracePath, notable));
  if (a.flags.has("view") && tracePath) {
    const { viewCommand } = await loadViewer("../view/server.js");
    await viewCommand(tracePath);
  }
  return exitCode(summary);
}

export function validateCommand(argv: string[]): number {
  const a = parseArgs(argv, { help: "flag" });
  if (a.flags.has("help")) { console.log(VALIDATE_USAGE); return 0; }
  if (a.positionals.length !== 1) throw new UsageError("validate needs exactly one scenario file");
  const scn = loadScenario(a.positionals[0]);
  console.log(`ok: ${scn.file}: "${scn.name}", ${scn.cluster.nameservers} NameServer(s), ${scn.cluster.brokers.length} broker group(s), ${scn.faults.length} fault(s), ${scn.expect.length} expectation(s)`);
  return 0;
}

function exitCode(s: RunSummary): number {
  return s.passed ? 0 : 1;
}

function defaultTracePath(file: string): string {
  return `${basename(file).replace(/\.ya?ml$/i, "")}.trace.jsonl`;
}

/** Progress on stderr, only for a terminal and only once a run takes over a second. */
function progress(t0: number, scn: Scenario): ((nowUs: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (nowUs) => {
    if (performance.now() - t0 < 1000) return; // wall-clock ok
    const pct = Math.floor((100 * nowUs) / scn.durationUs);
    process.stderr.write(`\r\x1b[K${scn.name}: ${formatUs(nowUs)} / ${formatUs(scn.durationUs)} (${pct}%)`);
  };
}

async function checkDeterminism(scn: Scenario, untilUs: number | undefined, maxEvents: number | undefined, json: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "rocketsim-det-"));
  try {
    const paths = [join(dir, "a.jsonl"), join(dir, "b.jsonl")];
    const runs = paths.map((p) => runScenario(scn, { tracePath: p, untilUs, maxEvents }));
    const diff = await firstDifference(paths[0], paths[1]);
    const report = diff === null
      ? { deterministic: true, traceSha256: runs[0].traceSha256, lines: runs[0].traceEvents + 1 }
      : { deterministic: false, line: diff.line, first: diff.first, second: diff.second };
    if (json) console.log(JSON.stringify(report, null, 2));
    else if (diff === null) console.log(`deterministic: two runs wrote identical traces (${runs[0].traceEvents + 1} lines, sha256 ${runs[0].traceSha256})`);
    else console.log(`NOT deterministic: traces differ first at line ${diff.line}\n  run 1: ${diff.first}\n  run 2: ${diff.second}`);
    return diff === null ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The replay page's server is loaded only when asked for (it pulls in the built page). */
async function loadViewer(path: string): Promise<{ viewCommand(tracePath: string): Promise<number> }> {
  return (await import(path)) as { viewCommand(tracePath: string): Promise<number> };
}

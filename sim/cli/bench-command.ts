// `rocketsim bench …`: speed figures, printed as JSON lines. Not tests.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDurationUs } from "../core/duration.js";
import { timerStorm } from "../bench/timer-storm.js";
import { throughput } from "../bench/throughput.js";
import { parseArgs, UsageError } from "./args.js";

export const BENCH_USAGE = `usage: rocketsim bench timer-storm [--processes N] [--until DURATION] [--baseline FILE]
       rocketsim bench throughput [--until DURATION] [--batch N] [--consume-batch N]

throughput: 2 NameServers, 4 broker groups x 8 queues, 20 producers at 1 000 msg/s each,
20 consumers, 600 s virtual (12 M messages), per-message trace off; prints
{messages, wall_s, messages_per_s, peak_rss_mb, batch, consumeBatch} (messages = consumed end to end).
--batch N: producers send batches of N messages (send(Collection); default 1).
--consume-batch N (1..1024, default 1) sets the consumers' consumeMessageBatchMaxSize.

timer-storm: process i waits (500 + i mod 1000) ms again and again; counts the timeouts
fired before --until (default 10000 processes, 600s => 6 590 660 events) and prints
{events, wall_s, events_per_s}. With the shared bare-heap floor (../shared/bench/heap-limit.mjs,
or --baseline FILE) present, it runs that too, in the same run, and prints the ratio.`;

export function benchCommand(argv: string[]): number {
  const a = parseArgs(argv, { processes: "value", until: "value", baseline: "value", batch: "value", "consume-batch": "value", help: "flag" });
  if (a.flags.has("help") || a.positionals.length === 0) { console.log(BENCH_USAGE); return a.flags.has("help") ? 0 : 2; }
  const which = a.positionals[0];
  if (which === "throughput") {
    const u = parseDurationUs(a.values.get("until") ?? "600s");
    if (typeof u === "string") throw new UsageError(`--until: ${u}`);
    const batch = Number(a.values.get("batch") ?? 1);
    if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`--batch: "${a.values.get("batch")}" is not a positive integer`);
    const consumeBatch = Number(a.values.get("consume-batch") ?? 1);
    if (!Number.isInteger(consumeBatch) || consumeBatch < 1 || consumeBatch > 1024) {
      throw new UsageError(`--consume-batch: "${a.values.get("consume-batch")}" is not an integer in 1..1024 (consumeMessageBatchMaxSize)`);
    }
    console.log(JSON.stringify(throughput(Math.max(1, Math.round(u / 1e6)), { batch, consumeBatch })));
    return 0;
  }
  if (which !== "timer-storm") throw new UsageError(`unknown benchmark "${which}" (known: timer-storm, throughput)`);
  const processes = Number(a.values.get("processes") ?? 10000);
  if (!Number.isInteger(processes) || processes < 1) throw new UsageError(`--processes: "${a.values.get("processes")}" is not a positive integer`);
  const untilUs = parseDurationUs(a.values.get("until") ?? "600s");
  if (typeof untilUs === "string") throw new UsageError(`--until: ${untilUs}`);
  const untilMs = Math.floor(untilUs / 1000);
  const ours = timerStorm(processes, untilMs);
  console.log(JSON.stringify(ours));
  const baseline = a.values.get("baseline") ?? findSharedBaseline();
  if (baseline) {
    const r = spawnSync(process.execPath, [baseline, String(processes), String(untilMs)], { encoding: "utf8" });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    try {
      const base = JSON.parse(line) as { events_per_s: number };
      console.log(line);
      console.log(JSON.stringify({ ratio_vs_bare_heap: +(ours.events_per_s / base.events_per_s).toFixed(3) }));
    } catch {
      console.error(`rocketsim bench: baseline ${baseline} printed no JSON`);
    }
  }
  return 0;
}

function findSharedBaseline(): string | null {
  // dist/sim/cli/ -> repo root -> ../shared/bench/heap-limit.mjs
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [resolve(here, "../../../../shared/bench/heap-limit.mjs"), resolve(process.cwd(), "../shared/bench/heap-limit.mjs")]) {
    if (existsSync(p)) return p;
  }
  return null;
}

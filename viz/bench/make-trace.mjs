#!/usr/bin/env node
// Writes a synthetic trace (test/fixtures/traces/make-fixture.ts) to a file.
//   node viz/bench/make-trace.mjs /tmp/failover.jsonl            # the test fixture (300 s)
//   node viz/bench/make-trace.mjs /tmp/big.jsonl --events 1000000 # ~1 M events, for speed runs
// The TypeScript generator is loaded through Vite's module runner (no tsx needed).

import { createWriteStream } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runnerImport } from "vite";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export async function loadFixtureModule() {
  const { module } = await runnerImport(resolve(root, "test/fixtures/traces/make-fixture.ts"), { configFile: false, logLevel: "silent", root });
  return module;
}

/** Write a trace; with `events`, scale the story (duration and message rate) to about that many events. */
export async function writeTrace(out, events) {
  const fx = await loadFixtureModule();
  let opts = {};
  if (events) {
    // Messages dominate: ~3.9 events each (send, send.result, store, consume, some commits).
    const durationS = 600;
    const rate = Math.max(1, Math.round(events / (durationS * 2 * 3.9)));
    opts = { durationS, rate };
  }
  const f = fx.makeFailover(opts);
  const stream = createWriteStream(out);
  const write = (s) => new Promise((ok) => (stream.write(s) ? ok() : stream.once("drain", ok)));
  await write(JSON.stringify(f.header) + "\n");
  const CHUNK = 10_000;
  for (let i = 0; i < f.events.length; i += CHUNK)
    await write(f.events.slice(i, i + CHUNK).map((e) => JSON.stringify(e)).join("\n") + "\n");
  await new Promise((ok) => stream.end(ok));
  return { path: out, events: f.events.length, durationUs: f.header.durationUs };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a)) ?? "/tmp/rocketsim-failover.jsonl";
  const i = args.indexOf("--events");
  const events = i >= 0 ? Number(args[i + 1]) : 0;
  const r = await writeTrace(out, events);
  console.log(JSON.stringify(r));
}

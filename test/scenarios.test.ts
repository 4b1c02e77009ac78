// Every scenario in scenarios/ must meet its own expectations, run
// deterministically (two runs, identical trace bytes), write a trace that
// validates against the schema, and match its golden SHA-256.
// Golden hashes change only through `npm run golden` (UPDATE_GOLDEN=1).

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenario } from "../sim/scenario/load.js";
import { runScenario } from "../sim/scenario/run.js";
import { parseTrace } from "../sim/trace/reader.js";

const GOLDEN = "test/golden/trace-sha256.json";
const update = process.env.UPDATE_GOLDEN === "1";
const golden: Record<string, string> = JSON.parse(readFileSync(GOLDEN, "utf8"));
const fresh: Record<string, string> = {};
const files = readdirSync("scenarios").filter((f) => f.endsWith(".yaml")).sort();
const dir = mkdtempSync(join(tmpdir(), "rocketsim-scn-"));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (update) writeFileSync(GOLDEN, JSON.stringify(fresh, null, 2) + "\n");
});

describe.each(files)("scenarios/%s", (file) => {
  it("meets its expectations, deterministically, with a valid trace", () => {
    const scn = loadScenario(join("scenarios", file));
    const tracePath = join(dir, `${file}.jsonl`);
    const first = runScenario(scn, { tracePath });
    const failed = first.expectations.filter((e) => !e.pass).map((e) => `line ${e.line}: ${e.label}: ${e.detail}`);
    expect(failed, "expectations that do not hold").toEqual([]);
    expect(first.stopReason).toBe("until");
    const second = runScenario(scn, { tracePath: null });
    expect(second.traceSha256, "two runs of the same scenario and seed must write identical traces").toBe(first.traceSha256);
    const parsed = parseTrace(readFileSync(tracePath, "utf8"));
    expect(parsed.events.length).toBe(first.traceLines);
    fresh[file] = first.traceSha256;
    if (!update) {
      expect(golden[file], `trace of ${file} changed; if intended, run: npm run golden`).toBe(first.traceSha256);
    }
  });
});

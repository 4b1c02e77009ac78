// The command line as users meet it: exit codes, one-line errors, summaries.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "rocketsim-cli-"));
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["dist/sim/cli.js", ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function scenario(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const OK = `name: tiny
duration: 40s
cluster:
  brokers: [{ name: broker-a }]
topics: [{ name: T, writeQueueNums: 2, readQueueNums: 2 }]
producers: [{ group: pg, topic: T }]
expect:
  - happens: { type: ns.register, node: ns-0, broker: broker-a-0, first: true }
    within: [0s, 10ms]
`;

describe("rocketsim CLI", () => {
  it("run: passes, writes the trace, exit 0", () => {
    const trace = join(dir, "ok.jsonl");
    const r = cli("run", scenario("ok.yaml", OK), "--trace", trace);
    expect(r.code).toBe(0);
    expect(r.out).toContain("verdict   PASS (1/1 expectations hold)");
    const lines = readFileSync(trace, "utf8").trim().split("\n");
    expect(JSON.parse(lines[0])).toMatchObject({ format: "rocketsim-trace", version: 1, scenario: "tiny", seed: 1 });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: "run.end", t: 40_000_000 });
  });

  it("run --json: machine-readable summary; a failed expectation exits 1", () => {
    const failing = OK.replace("within: [0s, 10ms]", "within: [1s, 2s]");
    const r = cli("run", scenario("fail.yaml", failing), "--no-trace", "--json", "--seed", "5");
    expect(r.code).toBe(1);
    const s = JSON.parse(r.out);
    expect(s).toMatchObject({ scenario: "tiny", seed: 5, virtualTimeUs: 40_000_000, passed: false });
    expect(s.expectations[0]).toMatchObject({ pass: false, line: 8 });
    expect(s.expectations[0].detail).toContain("expected 1s–2s");
    expect(typeof s.wallS).toBe("number");
    expect(typeof s.events).toBe("number");
  });

  it("--until stops early", () => {
    const r = cli("run", scenario("until.yaml", OK), "--no-trace", "--json", "--until", "15s");
    expect(JSON.parse(r.out).virtualTimeUs).toBe(15_000_000);
  });

  it("bad scenario: one line naming file:line:col and key, exit 2, no stack", () => {
    const p = scenario("bad.yaml", OK.replace("duration: 40s", "duration: 40s\nnameservers: 2"));
    const r = cli("run", p);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:1 nameservers: unknown key "nameservers"`));
  });

  it("bad options and commands: one line, exit 2, with suggestions", () => {
    expect(cli("run", "x.yaml", "--sed", "3")).toMatchObject({ code: 2, err: "rocketsim: unknown option --sed (did you mean --seed?)\n" });
    expect(cli("rnu")).toMatchObject({ code: 2, err: 'rocketsim: unknown command "rnu" (did you mean "run"?); see rocketsim --help\n' });
    const missing = cli("run", join(dir, "nope.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split("\n")).toHaveLength(1);
  });

  it("validate and --help", () => {
    expect(cli("validate", scenario("v.yaml", OK))).toMatchObject({ code: 0 });
    for (const args of [["--help"], ["run", "--help"], ["validate", "--help"], ["bench", "--help"], ["view", "--help"], ["allocate", "--help"]]) {
      const r = cli(...args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.out.toLowerCase()).toContain("usage");
    }
  });

  it("--check-determinism: two runs, identical traces", () => {
    const r = cli("run", scenario("det.yaml", OK), "--check-determinism", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ deterministic: true });
  });

  it("schema prints the scenario JSON Schema", () => {
    const r = cli("schema");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(readFileSync("scenarios/schema.json", "utf8")));
  });
});

#!/usr/bin/env node
// rocketsim's command line. Bad input (scenario errors, bad options) is one line
// on stderr and exit code 2, never a stack trace.

import { ScenarioError } from "./scenario/errors.js";
import { UsageError, suggest } from "./cli/args.js";
import { runCommand, validateCommand } from "./cli/run-command.js";
import { benchCommand } from "./cli/bench-command.js";
import { ROCKETSIM_VERSION } from "./version.js";

const USAGE = `rocketsim ${ROCKETSIM_VERSION} — a deterministic simulator of Apache RocketMQ clusters

usage: rocketsim <command> [options]     (rocketsim <command> --help for each)

commands:
  run <scenario.yaml>      run a scenario: trace + summary + expectations (exit 0 pass, 1 fail, 2 bad input)
  validate <scenario.yaml> check a scenario file without running it
  view <trace.jsonl>       open the replay page on a trace (serves it on localhost)
  allocate ...             print the queue allocation every consumer would compute
  schema                   print the scenario JSON Schema (scenarios/schema.json)
  report failover          run the failover scenarios and print the README's table
  bench timer-storm        event-loop speed benchmark
  --version                print the version`;

const COMMANDS = ["run", "validate", "view", "allocate", "schema", "bench", "report"];

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined: case "--help": case "-h": case "help":
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
    case "--version": console.log(ROCKETSIM_VERSION); return 0;
    case "run": return runCommand(rest);
    case "validate": return validateCommand(rest);
    case "bench": return benchCommand(rest);
    case "report": {
      const { reportCommand } = await import("./cli/report-failover.js");
      return reportCommand(rest);
    }
    case "schema": {
      const { scenarioJsonSchema } = await import("./scenario/jsonschema.js");
      console.log(JSON.stringify(scenarioJsonSchema(), null, 2));
      return 0;
    }
    case "allocate": {
      const { runAllocate } = await import("./client/allocate-command.js");
      const r = runAllocate(rest);
      if (r.stdout) process.stdout.write(r.stdout.endsWith("\n") ? r.stdout : r.stdout + "\n");
      if (r.stderr) process.stderr.write(r.stderr.endsWith("\n") ? r.stderr : r.stderr + "\n");
      return r.code;
    }
    case "view": {
      if (rest.includes("--help") || rest.length !== 1) {
        console.log("usage: rocketsim view <trace.jsonl>\n\nServes the replay page on 127.0.0.1 with the trace loaded and prints its URL; Ctrl-C stops.");
        return rest.includes("--help") ? 0 : 2;
      }
      const { viewCommand } = await loadViewer("./view/server.js");
      return viewCommand(rest[0]);
    }
    default: {
      const hint = suggest(cmd, COMMANDS);
      throw new UsageError(`unknown command "${cmd}"${hint ? ` (did you mean "${hint}"?)` : ""}; see rocketsim --help`);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof ScenarioError) { console.error(err.message); process.exitCode = 2; return; }
    if (err instanceof UsageError) { console.error(`rocketsim: ${err.message}`); process.exitCode = 2; return; }
    const e = err as Error;
    console.error(`rocketsim: internal error: ${e?.message ?? String(err)}${process.env.ROCKETSIM_DEBUG ? `\n${e?.stack}` : " (set ROCKETSIM_DEBUG=1 for the stack)"}`);
    process.exitCode = 70;
  },
);

/** The replay page's server is loaded only when asked for (it pulls in the built page). */
async function loadViewer(path: string): Promise<{ viewCommand(tracePath: string): Promise<number> }> {
  return (await import(path)) as { viewCommand(tracePath: string): Promise<number> };
}

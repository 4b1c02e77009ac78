// Runs one scenario: builds the world, schedules faults, streams the trace,
// checks expectations, and returns a summary. Used by the CLI and the tests.

import { Engine, type StopReason } from "../core/engine.js";
import { RandomStreams } from "../core/random.js";
import { ExpectationChecker, type ExpectationResult } from "../check/expect.js";
import { MessageChecker, checkMetric, type MessageSummary } from "../check/messages.js";
import { parseSubscription } from "../client/subscription.js";
import { Tracer, type TraceListener } from "../trace/tracer.js";
import { TraceWriter } from "../trace/writer.js";
import { TRACE_FORMAT, TRACE_VERSION, type TraceHeader } from "../trace/schema.js";
import { ROCKETSIM_VERSION } from "../version.js";
import { buildWorld, startWorld } from "./cluster.js";
import { scheduleFaults, stopNode } from "./faults.js";
import { makeStoreFor } from "./store-factory.js";
import type { Scenario } from "./types.js";

export interface RunOptions {
  /** Where to write the trace; null = do not write (it is still hashed). */
  tracePath?: string | null;
  /** Stop earlier than the scenario's duration. */
  untilUs?: number;
  /** Guard against runaway scenarios. */
  maxEvents?: number;
  /** Called now and then with the virtual time (for progress displays). */
  onProgress?: (nowUs: number) => void;
  /** Extra observers of the trace (summaries, tests). */
  listeners?: TraceListener[];
}

export interface RunSummary {
  scenario: string;
  file: string;
  seed: number;
  profile: string;
  virtualTimeUs: number;
  stopReason: StopReason;
  engineEvents: number;
  traceEvents: number;
  /** Lines written to the trace file after the header (fewer than traceEvents with trace.messages = false). */
  traceLines: number;
  traceSha256: string;
  expectations: ExpectationResult[];
  /** The message checks (lost, duplicates, order, latency, availability). */
  checks: MessageSummary;
  passed: boolean;
}

const PROGRESS_CHUNK_US = 10_000_000;

export function runScenario(scn: Scenario, opts: RunOptions = {}): RunSummary {
  const engine = new Engine();
  const streams = new RandomStreams(scn.seed);
  const tracer = new Tracer(() => engine.nowUs);
  const world = buildWorld(scn, engine, streams, tracer, makeStoreFor(scn));
  const untilUs = Math.min(opts.untilUs ?? scn.durationUs, scn.durationUs);
  const header: TraceHeader = {
    format: TRACE_FORMAT, version: TRACE_VERSION, scenario: scn.name, seed: scn.seed, scenarioSha256: scn.sha256,
    rocketsim: ROCKETSIM_VERSION, profile: scn.profile, durationUs: untilUs,
    config: world.env.settings as unknown as TraceHeader["config"],
  };
  const writer = new TraceWriter(opts.tracePath ?? null, header);
  const checker = new ExpectationChecker(scn.expect,
    new Map(scn.faults.filter((f) => f.name !== undefined).map((f) => [f.index, f.name!])));
  tracer.on(scn.trace.messages ? writer.write : skipMessages(writer.write));
  tracer.on(checker.observe);
  const messages = new MessageChecker(scn.consumers.map((c) => ({
    group: c.group, topic: c.topic, tags: parseSubscription(c.subscription) ?? undefined,
    broadcast: c.messageModel === "BROADCASTING", instances: c.instances,
  })));
  tracer.on(messages.observe);
  for (const l of opts.listeners ?? []) tracer.on(l);

  startWorld(world, (name) => stopNode(world, world.nodes.get(name)!.node));
  scheduleFaults(world, scn.faults);

  let reason: StopReason = "drained";
  const maxEvents = opts.maxEvents ?? Infinity;
  // Run in chunks of virtual time so a caller can show progress.
  for (let t = 0; t < untilUs;) {
    t = Math.min(untilUs, t + PROGRESS_CHUNK_US);
    const r = engine.run({ untilUs: t, maxEvents: maxEvents - engine.events });
    reason = r.reason;
    opts.onProgress?.(engine.nowUs);
    if (reason === "max-events" || reason === "stopped") break;
  }
  if (reason === "until" || reason === "drained") reason = engine.nowUs >= untilUs ? "until" : reason;
  tracer.emit({ type: "run.end", node: "scenario", reason, events: engine.events });
  const sha = writer.close();
  const checks = messages.finish(engine.nowUs);
  checker.setMetrics((path) => checkMetric(checks, path));
  const expectations = checker.finish();
  return {
    scenario: scn.name, file: scn.file, seed: scn.seed, profile: scn.profile, virtualTimeUs: engine.nowUs,
    stopReason: reason, engineEvents: engine.events, traceEvents: tracer.count, traceLines: writer.lines - 1, traceSha256: sha,
    expectations, checks, passed: reason !== "max-events" && expectations.every((e) => e.pass),
  };
}

const MESSAGE_EVENTS = new Set(["send", "send.result", "store", "consume", "offset.commit", "sendback"]);

/** trace.messages = false: per-message events reach checkers but not the file. */
function skipMessages(write: TraceListener): TraceListener {
  return (e) => { if (!MESSAGE_EVENTS.has(e.type)) write(e); };
}

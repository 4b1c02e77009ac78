// The throughput benchmark: 2 NameServers, 4 broker groups with 8 queues each,
// 20 producers at 1 000 messages/s each, 20 consumers, 600 s virtual
// (12 M messages), per-message trace off. Counts messages consumed end to end.
// `batch` N > 1: the producers send(Collection) every N messages (producer batchSize):
// the same messages at the same rate, N per request and per CommitLog put.
// `consumeBatch` sets the consumers' consumeMessageBatchMaxSize (default 1, the
// issue's workload): one listener call, one engine event, per chunk.

import { loadScenarioText } from "../scenario/load.js";
import { runScenario } from "../scenario/run.js";
import type { TraceEvent } from "../trace/schema.js";

export interface ThroughputResult {
  messages: number;
  sent: number;
  wall_s: number;
  messages_per_s: number;
  peak_rss_mb: number;
  virtual_s: number;
  batch: number;
  consumeBatch: number;
  /** Engine events per message sent (the cost batching cuts on the send path). */
  engine_events_per_msg: number;
}

export interface BenchOptions { batch?: number; consumeBatch?: number }

export function throughputScenario(untilS: number, producers = 20, consumers = 20, rate = 1000, opts: BenchOptions = {}): string {
  const batch = opts.batch ?? 1, consumeBatch = opts.consumeBatch ?? 1;
  return `name: bench throughput
seed: 1
duration: ${untilS}s
trace: { messages: false }
network:
  latency: { distribution: uniform, min: 100us, max: 500us }
cluster:
  nameservers: 2
  brokers:
    - { name: broker-a }
    - { name: broker-b }
    - { name: broker-c }
    - { name: broker-d }
topics:
  - { name: BenchTopic, writeQueueNums: 8, readQueueNums: 8 }
producers:
  - { group: bench-pg, instances: ${producers}, topic: BenchTopic, rate: ${rate}, size: 1024${batch > 1 ? `, batchSize: ${batch}` : ""} }
consumers:
  - { group: bench-cg, instances: ${consumers}, topic: BenchTopic, consumeTime: 100us${consumeBatch > 1 ? `, consumeMessageBatchMaxSize: ${consumeBatch}` : ""} }
`;
}

export function throughput(untilS: number, opts: BenchOptions = {}): ThroughputResult {
  const batch = opts.batch ?? 1, consumeBatch = opts.consumeBatch ?? 1;
  const scn = loadScenarioText(throughputScenario(untilS, 20, 20, 1000, opts), "<bench throughput>");
  let consumed = 0, sent = 0;
  const count = (e: TraceEvent) => {
    if (e.type === "consume") consumed++;
    else if (e.type === "send") sent++;
  };
  const t0 = performance.now(); // wall-clock ok: this is a benchmark
  const r = runScenario(scn, { tracePath: null, listeners: [count] });
  const wall = (performance.now() - t0) / 1000; // wall-clock ok
  return {
    messages: consumed, sent, wall_s: +wall.toFixed(3), messages_per_s: Math.round(consumed / wall),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), virtual_s: untilS, batch, consumeBatch,
    engine_events_per_msg: +(r.engineEvents / Math.max(1, sent)).toFixed(2),
  };
}

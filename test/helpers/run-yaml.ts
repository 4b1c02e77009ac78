// Run a scenario given as YAML text and keep every trace event (for tests).
import { loadScenarioText } from "../../sim/scenario/load.js";
import { runScenario } from "../../sim/scenario/run.js";
import type { TraceEvent } from "../../sim/trace/schema.js";

export function runYaml(yaml: string): { events: TraceEvent[]; r: ReturnType<typeof runScenario> } {
  const events: TraceEvent[] = [];
  const r = runScenario(loadScenarioText(yaml, "t.yaml"), { tracePath: null, listeners: [(e) => events.push(e)] });
  return { events, r };
}

/** One broker group under a failover mode, a producer and a consumer group on its topic (40 s). */
export function oneGroupScenario(o: { failover: string; slaves: number; profile?: string }): string {
  return `name: t
seed: 7
duration: 40s
${o.profile !== undefined ? `profile: "${o.profile}"\n` : ""}cluster:
  nameservers: 1
  brokers:
    - { name: broker-a, slaves: ${o.slaves}, failover: ${o.failover} }
topics:
  - { name: T, brokers: [broker-a], writeQueueNums: 2, readQueueNums: 2 }
producers:
  - { group: pg, topic: T, rate: 50, start: 5s }
consumers:
  - { group: cg, topic: T }
`;
}

// Run a scenario given as YAML text and keep every trace event (for tests).
import { loadScenarioText } from "../../sim/scenario/load.js";
import { runScenario } from "../../sim/scenario/run.js";
import type { TraceEvent } from "../../sim/trace/schema.js";

export function runYaml(yaml: string): { events: TraceEvent[]; r: ReturnType<typeof runScenario> } {
  const events: TraceEvent[] = [];
  const r = runScenario(loadScenarioText(yaml, "t.yaml"), { tracePath: null, listeners: [(e) => events.push(e)] });
  return { events, r };
}

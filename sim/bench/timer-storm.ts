// The timer-storm benchmark: process i waits (500 + i mod 1000) ms, again and
// again; count the timeouts fired at virtual time < until. It measures the bare
// event loop (sim/core/engine.ts) with fixed-rate periodic timers.

import { Engine } from "../core/engine.js";

export interface TimerStormResult {
  engine: "rocketsim";
  processes: number;
  until_ms: number;
  events: number;
  wall_s: number;
  events_per_s: number;
}

export function timerStorm(processes: number, untilMs: number): TimerStormResult {
  const engine = new Engine();
  let fired = 0;
  const tick = () => { fired++; };
  for (let i = 0; i < processes; i++) {
    const periodUs = (500 + (i % 1000)) * 1000;
    engine.every(periodUs, tick, periodUs, "rate");
  }
  const t0 = performance.now(); // wall-clock ok: this is a benchmark
  engine.run({ untilUs: untilMs * 1000 });
  const wall = (performance.now() - t0) / 1000; // wall-clock ok
  return {
    engine: "rocketsim", processes, until_ms: untilMs, events: fired,
    wall_s: +wall.toFixed(3), events_per_s: Math.round(fired / wall),
  };
}

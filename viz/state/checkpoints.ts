// Seeking: the state after every `every`-th event is kept (a reference: states
// share unchanged parts), so the state at any time is the nearest checkpoint at
// or before it plus at most `every - 1` events replayed.

import { apply } from "./apply.js";
import type { AnyEvent } from "./events.js";
import { initialState } from "./initial.js";
import type { VizState } from "./types.js";

export const DEFAULT_EVERY = 1024;

export interface Checkpoints {
  readonly every: number;
  readonly events: readonly AnyEvent[];
  /** events[i].t, for binary search. */
  readonly times: Float64Array;
  /** checkpoints[k] = state after k * every events. */
  readonly states: readonly VizState[];
  /** State after all events. */
  readonly final: VizState;
}

/** Sees each event with the state after it (used to build indexes in the same pass). */
export type Observer = (e: AnyEvent, after: VizState, index: number) => void;

/** Incremental builder, so a loader can build in chunks and report progress. */
export function checkpointBuilder(events: readonly AnyEvent[], every = DEFAULT_EVERY, observe?: Observer) {
  const times = new Float64Array(events.length);
  const states: VizState[] = [];
  let s = initialState();
  let i = 0;
  return {
    /** Apply up to `n` more events; returns true when done. */
    step(n: number): boolean {
      const end = Math.min(events.length, i + n);
      for (; i < end; i++) {
        if (i % every === 0) states.push(s);
        const e = events[i];
        times[i] = e.t;
        s = apply(s, e);
        if (observe) observe(e, s, i);
      }
      return i >= events.length;
    },
    get done(): number { return i; },
    result(): Checkpoints {
      if (i < events.length) throw new Error("checkpoint builder not finished");
      if (states.length === 0 || events.length % every === 0) states.push(s);
      return { every, events, times, states, final: s };
    },
  };
}

export function buildCheckpoints(events: readonly AnyEvent[], every = DEFAULT_EVERY): Checkpoints {
  const b = checkpointBuilder(events, every);
  b.step(events.length);
  return b.result();
}

/** Number of events with time <= t (binary search). */
export function countAt(times: Float64Array, t: number): number {
  let lo = 0, hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] <= t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * State after the first `count` events. `near`, a state the caller already has
 * (e.g. the previous frame's), is reused when it is at or before `count` and
 * closer than the checkpoint.
 */
export function stateAtCount(cp: Checkpoints, count: number, near?: VizState): VizState {
  const n = Math.max(0, Math.min(count, cp.events.length));
  const k = Math.min(Math.floor(n / cp.every), cp.states.length - 1);
  let s = cp.states[k];
  if (near && near.index <= n && near.index >= s.index) s = near;
  for (let i = s.index; i < n; i++) s = apply(s, cp.events[i]);
  return s;
}

/** State at time t: every event with e.t <= t applied. */
export function stateAtTime(cp: Checkpoints, t: number, near?: VizState): VizState {
  return stateAtCount(cp, countAt(cp.times, t), near);
}

// The playhead: time, play/pause, speed, selection; a requestAnimationFrame loop
// that derives the state at the playhead (checkpoint + a few events, reusing the
// previous frame's state when moving forward) and hands a Frame to the views.

import type { TraceModel } from "../model/trace-model.js";
import { countAt, stateAtTime } from "../state/checkpoints.js";
import type { VizState } from "../state/types.js";
import type { Commands, Frame, View } from "./frame.js";

export const SPEED_MIN = 0.01, SPEED_MAX = 10_000;
/** Speed steps: 1, 2, 5 per decade. */
export const SPEEDS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

export interface Controller extends Commands {
  readonly frame: Frame;
  views: View[];
  onChange: ((f: Frame) => void)[];
  /** Derive and render now (synchronously). */
  render(): void;
  destroy(): void;
}

/** The speed step that plays the whole trace in about a minute. */
export function defaultSpeed(endUs: number): number {
  const want = endUs / 1e6 / 60;
  return SPEEDS.reduce((best, s) => (Math.abs(Math.log(s / want)) < Math.abs(Math.log(best / want)) ? s : best), 1);
}

export function createController(model: TraceModel, init: { t?: number; selection?: string | null; speed?: number } = {}): Controller {
  const times = model.cp.times;
  const clampT = (t: number) => Math.max(0, Math.min(model.end, Math.round(t)));
  let t = clampT(init.t ?? 0);
  let state: VizState = stateAtTime(model.cp, t);
  let selection = init.selection ?? null;
  let playing = false;
  let speed = init.speed ?? defaultSpeed(model.end);
  let dirty = true, uiChanged = true;
  let raf = 0, lastNow = 0;

  const frame = (): Frame => ({ model, state, t, selection, playing, speed, uiChanged });

  const ctl: Controller = {
    get frame() { return frame(); },
    views: [],
    onChange: [],
    render() {
      state = stateAtTime(model.cp, t, state);
      const f = frame();
      for (const v of ctl.views) v.update(f);
      for (const l of ctl.onChange) l(f);
      dirty = false; uiChanged = false;
    },
    seek(to) { t = clampT(to); dirty = true; },
    select(node) { selection = node; dirty = uiChanged = true; },
    togglePlay() {
      if (!playing && t >= model.end) t = 0;
      playing = !playing; lastNow = 0; dirty = uiChanged = true;
    },
    step(dir) {
      playing = false; uiChanged = true;
      const n = countAt(times, t);
      if (dir > 0) t = n < times.length ? times[n] : model.end;
      else { const i = lowerBound(times, t) - 1; t = i >= 0 ? times[i] : 0; }
      dirty = true;
    },
    stepKey(dir) {
      const idx = model.keys.index;
      const n = countAt(times, t);
      playing = false; uiChanged = true; dirty = true;
      if (dir > 0) {
        for (let k = 0; k < idx.length; k++) if (idx[k] >= n) { t = times[idx[k]]; return; }
        t = model.end;
      } else {
        const before = lowerBound(times, t);
        for (let k = idx.length - 1; k >= 0; k--) if (idx[k] < before) { t = times[idx[k]]; return; }
        t = 0;
      }
    },
    setSpeed(s) { speed = Math.max(SPEED_MIN, Math.min(SPEED_MAX, s)); dirty = uiChanged = true; },
    faster(dir) {
      const i = SPEEDS.findIndex((s) => s >= speed * 0.999);
      const at = i < 0 ? SPEEDS.length - 1 : i;
      ctl.setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, at + dir))]);
    },
    destroy() { cancelAnimationFrame(raf); },
  };

  const loop = (now: number) => {
    raf = requestAnimationFrame(loop);
    if (playing) {
      const dt = lastNow ? Math.min(now - lastNow, 250) : 0;
      lastNow = now;
      t = clampT(t + dt * 1000 * speed);
      if (t >= model.end) { playing = false; uiChanged = true; }
      dirty = true;
    }
    if (dirty) ctl.render();
  };
  raf = requestAnimationFrame(loop);
  return ctl;
}

function lowerBound(a: Float64Array, t: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (a[m] < t) lo = m + 1; else hi = m; }
  return lo;
}

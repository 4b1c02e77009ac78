// What every view receives on each frame: the model, the derived state at the
// playhead and the UI state. Views are factories returning { update }.

import type { TraceModel } from "../model/trace-model.js";
import type { VizState } from "../state/types.js";

export interface Frame {
  model: TraceModel;
  state: VizState;
  /** Playhead (µs). */
  t: number;
  selection: string | null;
  playing: boolean;
  /** Simulated seconds per real second. */
  speed: number;
  /** Something other than the playhead changed (selection, speed, play state). */
  uiChanged: boolean;
}

export interface View {
  update(f: Frame): void;
}

export interface Commands {
  seek(t: number): void;
  select(node: string | null): void;
  togglePlay(): void;
  step(dir: 1 | -1): void;
  stepKey(dir: 1 | -1): void;
  setSpeed(speed: number): void;
  faster(dir: 1 | -1): void;
}

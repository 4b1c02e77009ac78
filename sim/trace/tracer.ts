// The model reports what happens through a Tracer. Listeners (the trace file
// writer, expectation checkers, summary counters) see each event in order as it
// happens; nothing keeps the whole trace in memory.

import type { EventInput, TraceEvent } from "./schema.js";

export type TraceListener = (e: TraceEvent) => void;

export class Tracer {
  private listeners: TraceListener[] = [];
  count = 0;
  constructor(private readonly now: () => number) {}

  on(listener: TraceListener): void {
    this.listeners.push(listener);
  }

  /**
   * A complete event whose `t` (first key) the caller set to the current virtual
   * time: no copy. For the per-message events on hot paths.
   */
  emitEvent(ev: TraceEvent): void {
    this.count++;
    for (const l of this.listeners) l(ev);
  }

  emit(e: EventInput): void {
    // `t` first so lines read naturally; the spread keeps the producer's key order,
    // which is fixed by the code, so serialisation is deterministic.
    const ev = { t: this.now(), ...e } as TraceEvent;
    this.count++;
    for (const l of this.listeners) l(ev);
  }
}

// While the trace plays, a view that rebuilds a lot of DOM (tables, the matrix,
// charts, the event log) refreshes at most every `intervalMs`; the clock,
// timeline, topology and flow canvas still move every frame. Paused, seeking or
// any UI change (selection, speed, play state) updates at once.

import type { Frame, View } from "./frame.js";

export function throttled(view: View, intervalMs = 100): View {
  let last = -Infinity;
  return {
    update(f: Frame) {
      const now = performance.now();
      if (f.playing && !f.uiChanged && now - last < intervalMs) return;
      last = now;
      view.update(f);
    },
  };
}

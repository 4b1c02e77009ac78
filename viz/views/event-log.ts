// The event log, linked to the playhead: the current event is highlighted and
// kept in view; click a row to seek there. Virtualised (only visible rows exist
// in the DOM), so a million events scroll as easily as a hundred. Filters: key
// events only, the selected node only, and free text over type and node.

import type { Commands, Frame, View } from "../app/frame.js";
import { eventText } from "../format/event-text.js";
import { clock } from "../format/time.js";
import type { TraceModel } from "../model/trace-model.js";
import { countAt } from "../state/checkpoints.js";
import { el } from "./dom.js";

const ROW = 20;

export function createEventLog(root: HTMLElement, cmd: Commands, model: TraceModel): View {
  const { events, times } = model.cp;
  const bar = el("div", "log-filters");
  const mode = el("select");
  for (const [v, label] of [["all", "all events"], ["key", "key events"], ["node", "selected node"]]) {
    const o = el("option", "", label); o.value = v; mode.append(o);
  }
  const text = el("input");
  text.type = "search"; text.placeholder = "filter: type or node…";
  const count = el("span", "note");
  bar.append(mode, text, count);
  const viewport = el("div", "log-viewport");
  viewport.tabIndex = 0;
  const spacer = el("div", "log-spacer");
  const rowsBox = el("div", "log-rows");
  spacer.append(rowsBox);
  viewport.append(spacer);
  root.append(bar, viewport);

  let ids: Int32Array | null = null; // null: all events
  let selection: string | null = null;
  let current = -1; // event index of the current event
  const size = () => (ids ? ids.length : events.length);
  const at = (pos: number) => (ids ? ids[pos] : pos);

  function refilter() {
    const m = mode.value, q = text.value.trim().toLowerCase();
    if (m === "all" && q === "") ids = null;
    else {
      const keep: number[] = [];
      const isKey = new Uint8Array(events.length);
      if (m === "key") for (const i of model.keys.index) isKey[i] = 1;
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        if (m === "key" && !isKey[i]) continue;
        if (m === "node" && selection !== null && e.node !== selection && !mentions(e, selection)) continue;
        if (q && !e.type.toLowerCase().includes(q) && !String(e.node).toLowerCase().includes(q)) continue;
        keep.push(i);
      }
      ids = Int32Array.from(keep);
    }
    count.textContent = `${size().toLocaleString("en")} events`;
    spacer.style.height = `${size() * ROW}px`;
    scrollToCurrent(true);
    draw();
  }

  /** Position in the (filtered) list of the last row at or before event `i`. */
  function posOf(i: number): number {
    if (!ids) return i;
    let lo = 0, hi = ids.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (ids[mid] <= i) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }

  function scrollToCurrent(center = false) {
    const pos = posOf(current);
    if (pos < 0) return;
    const top = pos * ROW, h = viewport.clientHeight;
    if (center || top < viewport.scrollTop || top + ROW > viewport.scrollTop + h)
      viewport.scrollTop = Math.max(0, top - h / 2);
  }

  function draw() {
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - 5);
    const n = Math.min(size() - first, Math.ceil(viewport.clientHeight / ROW) + 10);
    rowsBox.style.transform = `translateY(${first * ROW}px)`;
    while (rowsBox.children.length < n) rowsBox.append(makeRow());
    while (rowsBox.children.length > Math.max(0, n)) rowsBox.lastChild!.remove();
    for (let k = 0; k < n; k++) {
      const i = at(first + k);
      const e = events[i];
      const r = rowsBox.children[k] as HTMLElement;
      r.dataset.index = String(i);
      r.className = `log-row${i === current ? " current" : ""}${i > current ? " future" : ""}`;
      const [c0, c1, c2, c3] = r.children as unknown as HTMLElement[];
      c0.textContent = clock(e.t);
      c1.textContent = e.node;
      c2.textContent = e.type;
      c3.textContent = eventText(e);
      r.title = `line ${model.lines[i]}: ${JSON.stringify(e)}`;
    }
  }

  function makeRow(): HTMLElement {
    const r = el("div", "log-row");
    r.append(el("span", "l-t"), el("span", "l-node"), el("span", "l-type"), el("span", "l-text"));
    return r;
  }

  rowsBox.addEventListener("click", (ev) => {
    const row = (ev.target as HTMLElement).closest<HTMLElement>(".log-row");
    if (row?.dataset.index) cmd.seek(times[Number(row.dataset.index)]);
  });
  viewport.addEventListener("scroll", () => draw());
  mode.addEventListener("change", refilter);
  text.addEventListener("input", refilter);
  new ResizeObserver(() => draw()).observe(viewport);

  let lastT = -1;
  refilter();
  return {
    update(f: Frame) {
      if (f.selection !== selection) { selection = f.selection; if (mode.value === "node") refilter(); }
      if (f.t === lastT) return;
      lastT = f.t;
      current = countAt(times, f.t) - 1;
      scrollToCurrent();
      draw();
    },
  };
}

function mentions(e: Record<string, unknown>, node: string): boolean {
  return e.broker === node || e.peer === node || e.namesrv === node || (Array.isArray(e.nodes) && e.nodes.includes(node));
}

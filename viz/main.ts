// The replay page: load a trace (URL, file picker, drag and drop), build the
// model, wire the views to one playhead.

import "./style.css";
import { createController, type Controller } from "./app/controller.js";
import { throttled } from "./app/throttle.js";
import { bindKeyboard } from "./app/keyboard.js";
import { fetchText, fileText } from "./app/source.js";
import { readUrl, urlWriter } from "./app/url-state.js";
import { clock, duration } from "./format/time.js";
import { buildModel, type TraceModel } from "./model/trace-model.js";
import { stateAtTime } from "./state/checkpoints.js";
import { TraceError } from "../sim/trace/reader.js";
import { parseTraceText } from "./trace/parse.js";
import { createCharts } from "./views/charts.js";
import { createClientRoutes } from "./views/client-routes.js";
import { panelBody } from "./views/dom.js";
import { createEventLog } from "./views/event-log.js";
import { createFlowCanvas } from "./views/flow-canvas.js";
import { createHelp } from "./views/help.js";
import { createNsTables } from "./views/ns-tables.js";
import { createRebalance } from "./views/rebalance.js";
import { createStatus } from "./views/status.js";
import { createTimeline } from "./views/timeline.js";
import { createTopology } from "./views/topology.js";
import { createTransport } from "./views/transport.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = createStatus($("banner"), $("progress"));
const help = createHelp($<HTMLDialogElement>("help"));
const fileInput = $<HTMLInputElement>("file-input");
const writeUrl = urlWriter();

interface Timings { readMs: number; parseMs: number; indexMs: number; renderMs: number; totalMs: number; bytes: number; events: number }
let ctl: Controller | null = null;
let traceUrl: string | null = null;
const debug: Record<string, unknown> = { ready: false };
(window as unknown as { __rocketsim: unknown }).__rocketsim = debug;

async function open(getText: () => Promise<string>, source: string, url: string | null, init: { t?: number | null; sel?: string | null; speed?: number | null } = {}) {
  status.clearError();
  debug.ready = false;
  const t0 = performance.now();
  try {
    status.progress(`Reading ${source}…`);
    const text = await getText();
    const t1 = performance.now();
    status.progress("Parsing…");
    const parsed = await parseTraceText(text, (d, n) => status.progress(`Parsing… ${Math.round((d / n) * 100)}%`));
    const t2 = performance.now();
    const model = await buildModel(parsed, (d, n) => status.progress(`Indexing… ${Math.round((d / n) * 100)}%`));
    const t3 = performance.now();
    traceUrl = url;
    show(model, source, init);
    const t4 = performance.now();
    status.progress(null);
    const timings: Timings = { readMs: t1 - t0, parseMs: t2 - t1, indexMs: t3 - t2, renderMs: t4 - t3, totalMs: t4 - t0, bytes: parsed.bytes, events: parsed.events.length };
    Object.assign(debug, { ready: true, timings, error: null });
  } catch (err) {
    status.progress(null);
    const msg = err instanceof TraceError ? `${source}: ${err.message}` : `${source}: ${(err as Error).message ?? String(err)}`;
    status.error(`Cannot open trace — ${msg}`);
    Object.assign(debug, { ready: false, error: msg });
    if (!ctl) $("empty").hidden = false;
  }
}

function show(model: TraceModel, source: string, init: { t?: number | null; sel?: string | null; speed?: number | null }) {
  ctl?.destroy();
  $("empty").hidden = true;
  $("app").hidden = false;
  for (const id of ["transport", "timeline", "topology", "routes", "clients", "rebalance", "charts", "log"]) panelBody($(id)).replaceChildren();
  const h = model.header;
  $("trace-info").textContent = `${h.scenario} · seed ${h.seed} · RocketMQ ${h.profile} · ${duration(model.end)} · ${model.cp.events.length.toLocaleString("en")} events · ${source}`;
  const sel = init.sel && Object.prototype.hasOwnProperty.call(model.cp.final.info, init.sel) ? init.sel : null;
  const c = createController(model, { t: init.t ?? 0, selection: sel, ...(init.speed ? { speed: init.speed } : {}) });
  ctl = c;
  const topo = createTopology(panelBody($("topology")), c, model);
  c.views = [
    createTransport(panelBody($("transport")), c),
    createTimeline(panelBody($("timeline")), c, model),
    topo,
    createFlowCanvas(panelBody($("topology")), topo.element, topo.layout, model),
    throttled(createNsTables(panelBody($("routes")), c, model)),
    throttled(createClientRoutes(panelBody($("clients")), c, model)),
    throttled(createRebalance(panelBody($("rebalance")), c, model)),
    throttled(createCharts(panelBody($("charts")), c, model)),
    throttled(createEventLog(panelBody($("log")), c, model)),
  ];
  // The address and title follow the playhead, but not 60 times a second.
  const urlAndTitle = throttled({
    update: (f) => {
      writeUrl({ trace: traceUrl, t: f.t, sel: f.selection, speed: f.speed });
      document.title = `${clock(f.t)} · ${h.scenario} · rocketsim replay`;
    },
  }, 250);
  c.onChange.push((f) => urlAndTitle.update(f));
  c.render();
  Object.assign(debug, {
    model: { events: model.cp.events.length, end: model.end, checkpoints: model.cp.states.length, every: model.cp.every },
    /** Seek and render synchronously; returns the milliseconds it took. */
    seek(t: number): number { const a = performance.now(); c.seek(t); c.render(); return performance.now() - a; },
    /** Derive the state only (no rendering); returns milliseconds. */
    derive(t: number): number { const a = performance.now(); stateAtTime(model.cp, t); return performance.now() - a; },
    state: () => c.frame.state,
    frame: () => ({ t: c.frame.t, playing: c.frame.playing, speed: c.frame.speed, selection: c.frame.selection }),
    play: () => { if (!c.frame.playing) c.togglePlay(); },
    pause: () => { if (c.frame.playing) c.togglePlay(); },
  });
}

// File picker, drag and drop.
fileInput.addEventListener("change", () => {
  const f = fileInput.files?.[0];
  if (f) void open(() => fileText(f), f.name, null);
  fileInput.value = "";
});
window.addEventListener("dragover", (e) => { e.preventDefault(); document.body.classList.add("dragging"); });
window.addEventListener("dragleave", (e) => { if (e.relatedTarget === null) document.body.classList.remove("dragging"); });
window.addEventListener("drop", (e) => {
  e.preventDefault();
  document.body.classList.remove("dragging");
  const f = e.dataTransfer?.files?.[0];
  if (f) void open(() => fileText(f), f.name, null);
});
$("help-btn").addEventListener("click", () => help.toggle());

bindKeyboard(() => ctl, {
  toggleHelp: () => help.toggle(),
  closeHelp: () => help.close(),
  openFile: () => fileInput.click(),
  jump: (d) => { if (ctl) ctl.seek(ctl.frame.t + d); },
  toEnd: () => { if (ctl) ctl.seek(ctl.frame.model.end); },
});

const initial = readUrl();
if (initial.trace) {
  const url = initial.trace;
  void open(() => fetchText(url, (l, n) => status.progress(`Reading ${url}… ${n ? `${Math.round((l / n) * 100)}%` : `${(l / 1e6).toFixed(0)} MB`}`)),
    url, url, { t: initial.t, sel: initial.sel, speed: initial.speed });
} else {
  $("empty").hidden = false;
}

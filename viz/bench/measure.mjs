#!/usr/bin/env node
// Speed of the replay page on a big trace, in headless Chromium (not a test):
//   npm run build && node viz/bench/measure.mjs [trace.jsonl]
// Without a trace it simulates one (~1 M events) first. Prints JSON: trace size,
// time to open, seek latency (median/max over 20 seeks) and frames/s while playing.
import { execFileSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { serveTrace } from "../../dist/sim/view/server.js";

let trace = process.argv[2];
if (!trace) {
  trace = "/tmp/rocketsim-big.jsonl";
  writeFileSync("/tmp/rocketsim-big.yaml", `name: big trace
duration: 330s
network: { latency: 300us }
cluster: { nameservers: 2, brokers: [{ name: broker-a, slaves: 1 }, { name: broker-b }] }
topics: [{ name: T, writeQueueNums: 8, readQueueNums: 8 }]
producers: [{ group: pg, instances: 4, topic: T, rate: 200 }]
consumers: [{ group: cg, instances: 4, topic: T }]
faults: [{ at: 100s, action: power-off, nodes: [broker-a-0] }, { at: 250s, action: start, nodes: [broker-a-0] }]
`);
  execFileSync(process.execPath, ["dist/sim/cli.js", "run", "/tmp/rocketsim-big.yaml", "--trace", trace], { stdio: "ignore" });
}
const lines = Number(execFileSync("wc", ["-l", trace]).toString().trim().split(" ")[0]);
const served = await serveTrace({ tracePath: trace });
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu",
  "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
const clock = page.locator('[data-testid="clock"]');

const t0 = Date.now();
await page.goto(served.url);
await page.waitForFunction(() => /event \d+ of \d+/.test(document.body.innerText), null, { timeout: 120000 });
const openMs = Date.now() - t0;

// Seek: press a key, wait (in the page) for the clock text to change, measure there.
const seek = (key) => page.evaluate((k) => new Promise((done) => {
  const el = document.querySelector('[data-testid="clock"]');
  const before = el.textContent, start = performance.now();
  const obs = new MutationObserver(() => { if (el.textContent !== before) { obs.disconnect(); requestAnimationFrame(() => done(performance.now() - start)); } });
  obs.observe(el, { childList: true, characterData: true, subtree: true });
  window.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
}), key);
const seeks = [];
for (let i = 0; i < 10; i++) { seeks.push(await seek("End")); seeks.push(await seek("Home")); }
for (let i = 0; i < 10; i++) seeks.push(await seek("PageDown"));
seeks.sort((a, b) => a - b);

// Seek in the page's own API: derive only (checkpoint + replay) and derive + render
// every view synchronously, at 40 pseudo-random times.
const api = await page.evaluate(() => {
  const d = window.__rocketsim, end = d.model.end, derive = [], render = [];
  let x = 12345;
  for (let i = 0; i < 40; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const t = Math.floor((x / 2147483648) * end);
    derive.push(d.derive(t));
    render.push(d.seek(t));
  }
  const q = (a) => { a.sort((p, r) => p - r); return { median: +a[a.length >> 1].toFixed(1), max: +a[a.length - 1].toFixed(1) }; };
  const heap = performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e6) : null;
  return { timings: d.timings, derive: q(derive), render: q(render), heap };
});

// Frames per second while playing.
await page.keyboard.press("Home");
await page.keyboard.press("Space");
const fps = await page.evaluate(() => new Promise((done) => {
  let n = 0; const start = performance.now();
  const tick = () => { n++; if (performance.now() - start < 3000) requestAnimationFrame(tick); else done(n / ((performance.now() - start) / 1000)); };
  requestAnimationFrame(tick);
}));
await page.keyboard.press("Space");
console.log(JSON.stringify({
  trace, events: lines - 1, mb: +(statSync(trace).size / 1e6).toFixed(1), open_ms: openMs,
  seek_ms: { median: +seeks[seeks.length >> 1].toFixed(1), max: +seeks[seeks.length - 1].toFixed(1) }, fps_playing: +fps.toFixed(1),
  open_breakdown_ms: Object.fromEntries(Object.entries(api.timings).filter(([k]) => k.endsWith("Ms")).map(([k, v]) => [k, Math.round(v)])),
  seek_derive_ms: api.derive, seek_derive_and_render_ms: api.render, js_heap_mb: api.heap,
  clock: await clock.innerText(),
}));
await browser.close();
await served.close();

#!/usr/bin/env node
// Screenshot of the replay page on a trace at a time (headless Chromium):
//   npm run build:viz && node viz/bench/screenshot.mjs <trace.jsonl> <seconds> <out.png> [--full]
// Loads sim/view/server.ts and test/browser/chromium.ts through Vite's module runner.

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runnerImport } from "vite";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const load = async (p) => (await runnerImport(resolve(root, p), { configFile: false, logLevel: "silent", root })).module;
const [trace, seconds, out] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (!trace || !seconds || !out) {
  console.error("usage: node viz/bench/screenshot.mjs <trace.jsonl> <seconds> <out.png> [--full]");
  process.exit(2);
}
const { serveTrace } = await load("sim/view/server.ts");
const { launchChromium, newPage } = await load("test/browser/chromium.ts");
const served = await serveTrace({ tracePath: trace, vizDir: resolve(root, "dist/viz") });
const browser = await launchChromium();
try {
  const page = await newPage(browser);
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(served.url.replace("?trace", `?t=${seconds}&trace`));
  await page.waitForFunction(() => window.__rocketsim?.ready || window.__rocketsim?.error, null, { timeout: 120_000 });
  const error = await page.evaluate(() => window.__rocketsim.error);
  if (error) throw new Error(error);
  await page.waitForTimeout(300);
  await page.screenshot({ path: out, fullPage: process.argv.includes("--full") });
  console.log(out);
} finally {
  await browser.close();
  await served.close();
}

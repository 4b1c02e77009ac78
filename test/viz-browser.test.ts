// The replay page in a real browser (Debian's chromium via playwright-core): load
// a failover trace, seek past the expiry, seek back, and see a rebalance.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "../sim/scenario/load.js";
import { runScenario } from "../sim/scenario/run.js";
import { serveTrace, type Served } from "../sim/view/server.js";
import { ensurePageBuilt } from "./browser/build-page.js";
import { launchChromium, newPage } from "./browser/chromium.js";
import { FAILOVER, makeFailoverTrace, S } from "./fixtures/traces/make-fixture.js";

let browser: Browser, served: Served, page: Page;
const shots = "test-output";

beforeAll(async () => {
  await ensurePageBuilt();
  const trace = join(mkdtempSync(join(tmpdir(), "rocketsim-viz-")), "quickstart.jsonl");
  runScenario(loadScenario("scenarios/quickstart.yaml"), { tracePath: trace });
  served = await serveTrace({ tracePath: trace, vizDir: "dist/viz" });
  browser = await launchChromium();
  page = await newPage(browser);
  mkdirSync(shots, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

const liveRow = (ns: string, broker: string) => page.locator(`[data-ns="${ns}"] tr.live[data-broker="${broker}"]`);

describe("replay page", () => {
  it("after the expiry, the powered-off master is gone from the NameServer table and shown down", async () => {
    // broker-a-0 loses power at 61 s; both NameServers drop it at 160 s (idle close).
    await page.goto(`${served.url}&t=170`);
    await page.locator('[data-ns="ns-0"]').waitFor();
    expect(await liveRow("ns-0", "broker-a-0").count()).toBe(0);
    await expect.poll(() => page.locator('[data-ns="ns-0"] .gone [data-broker="broker-a-0"]').count()).toBe(1);
    const status = await page.locator('#topology [data-node="broker-a-0"]').first().getAttribute("data-status");
    expect(status).toMatch(/off|down|power/);
    await page.screenshot({ path: join(shots, "replay-after-expiry.png") });
  });

  it("seeking back, it is in the table again and up", async () => {
    await page.locator("body").press("Home"); // seek to 0
    for (let i = 0; i < 5; i++) await page.locator("body").press("PageDown"); // +50 s
    await expect.poll(() => page.locator('[data-testid="clock"]').innerText()).toContain("0:50.000");
    await expect.poll(() => liveRow("ns-0", "broker-a-0").count()).toBe(1);
    const status = await page.locator('#topology [data-node="broker-a-0"]').first().getAttribute("data-status");
    expect(status).toBe("up");
  });

  it("shows the consumers' queue allocation", async () => {
    const owners = page.locator("#rebalance [data-consumer]");
    await expect.poll(() => owners.count()).toBeGreaterThan(0);
    const text = await page.locator("#rebalance").innerText();
    expect(text).toContain("cg-0");
    expect(text).toMatch(/8 queues/);
  });
});

/** Open a trace through the page's file picker. */
async function openFile(name: string, text: string): Promise<void> {
  await page.evaluate(() => { (window as unknown as { __rocketsim: { ready: boolean; error: unknown } }).__rocketsim.error = undefined; });
  await page.locator("#file-input").setInputFiles({ name, mimeType: "application/x-ndjson", buffer: Buffer.from(text) });
  await page.waitForFunction(() => {
    const d = (window as unknown as { __rocketsim: { ready: boolean; error?: unknown; model?: { events: number } } }).__rocketsim;
    return d.error !== undefined && (d.error !== null || d.ready);
  });
}
const seek = (t: number) => page.evaluate((to) => (window as unknown as { __rocketsim: { seek(t: number): number } }).__rocketsim.seek(to), t);
const header = '{"format":"rocketsim-trace","version":1,"scenario":"s","seed":1,"scenarioSha256":"0","rocketsim":"0","profile":"4.9","durationUs":10000000,"config":{}}';

describe("replay page: files, errors, names", () => {
  it("shows the line of a malformed trace", async () => {
    await openFile("bad.jsonl", `${header}\n{"t":5,"type":"node.up","node":"a","incarnation":1}\n\n{"t":4,"type":"node.up","node":"a","incarnation":1}\n`);
    await expect.poll(() => page.locator("#banner").innerText()).toMatch(/bad\.jsonl: line 4: event out of time order/);
    await openFile("v2.jsonl", header.replace('"version":1', '"version":2'));
    await expect.poll(() => page.locator("#banner").innerText()).toMatch(/line 1: unsupported trace version 2/);
    await openFile("json.jsonl", `${header}\n{"t":1,"type":"node.up"`);
    await expect.poll(() => page.locator("#banner").innerText()).toMatch(/line 2: not valid JSON/);
  });

  it("opens a trace dropped on the page", async () => {
    const text = `${header}\n${JSON.stringify({ t: 0, type: "node.add", node: "dropped-ns", kind: "namesrv", ip: "1" })}\n`;
    await page.evaluate((body) => {
      const dt = new DataTransfer();
      dt.items.add(new File([body], "dropped.jsonl", { type: "application/x-ndjson" }));
      window.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, text);
    await expect.poll(() => page.locator("#trace-info").innerText()).toContain("dropped.jsonl");
    expect(await page.locator('#topology [data-node="dropped-ns"]').count()).toBe(1);
  });

  it("renders names from the trace as text, never as HTML", async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    await openFile("evil.jsonl", [header,
      JSON.stringify({ t: 0, type: "node.add", node: evil, kind: "broker", ip: "1", brokerName: evil, brokerId: 0 }),
      JSON.stringify({ t: 0, type: "node.add", node: "ns", kind: "namesrv", ip: "2" }),
      JSON.stringify({ t: 1, type: "ns.register", node: "ns", broker: evil, brokerName: evil, brokerId: 0, cluster: evil, first: true }),
      JSON.stringify({ t: 2, type: "future.event", node: evil, note: evil }),
    ].join("\n"));
    await expect.poll(() => page.locator("#banner").isHidden()).toBe(true);
    await seek(5 * 1e6);
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("#topology").innerText()).toContain(evil);
    expect(await page.locator("#log").innerText()).toContain("future.event");
  });

  it("on the failover fixture: unowned queues after a crash, an overlap on join", async () => {
    await openFile("failover.jsonl", makeFailoverTrace());
    await seek(110 * S);
    const q = (status: string) => page.locator(`#rebalance th.q.${status}`).count();
    await expect.poll(() => q("unowned")).toBe(4);
    expect(await page.locator('#rebalance tr[data-consumer="consumer-1"]').getAttribute("class")).toContain("down");
    await seek(130.7 * S);
    await expect.poll(() => q("overlap")).toBe(4);
    await page.screenshot({ path: join(shots, "replay-fixture-overlap.png"), fullPage: true });
    await seek(FAILOVER.unregisterAt["namesrv-0"]);
    await expect.poll(() => liveRow("namesrv-0", "broker-a-0").count()).toBe(0);
    expect(await liveRow("namesrv-1", "broker-a-0").count()).toBe(0); // still listed there, but not live: the broker is off
    expect(await page.locator('[data-ns="namesrv-1"] tr.stale[data-broker="broker-a-0"]').count()).toBe(1);
  });

  it("steps with the keyboard, seeks from the log, lists shortcuts under ?", async () => {
    await seek(61 * S);
    await page.locator("body").press("ArrowRight");
    await expect.poll(() => page.locator('[data-testid="clock"]').innerText()).not.toContain("1:01.000 /");
    await page.locator("body").press("Shift+ArrowLeft"); // back to the previous key event: the power-off
    await expect.poll(() => page.locator('[data-testid="clock"]').innerText()).toContain("1:01.000 /");
    await page.locator("#log select").selectOption("key");
    await page.locator("#log .log-row", { hasText: "ns.unregister" }).first().click();
    await expect.poll(() => page.locator('[data-testid="clock"]').innerText()).toContain("3:00.011 /");
    await page.locator("body").press("?");
    await expect.poll(() => page.locator("dialog#help").isVisible()).toBe(true);
    expect(await page.locator("dialog#help").innerText()).toContain("next key event");
    await page.locator("body").press("Escape");
  });
});

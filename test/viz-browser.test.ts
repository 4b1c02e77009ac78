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

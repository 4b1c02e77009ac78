// `rocketsim view`'s server (sim/view/server.ts): serves the built page and one
// trace on 127.0.0.1, refuses paths outside the page, says how to build a
// missing page. Uses a stand-in page directory, so no build is needed.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { serveTrace, viewCommand, type Served } from "../sim/view/server.js";
import { fileUnder } from "../sim/view/static-files.js";

const dir = mkdtempSync(join(tmpdir(), "rocketsim-view-"));
const page = join(dir, "page");
const tracePath = join(dir, "t.jsonl");
const trace = '{"format":"rocketsim-trace","version":1}\n{"t":0,"type":"node.add","node":"<b>x</b>"}\n';
let served: Served;

/** GET with the path sent exactly as written (fetch would normalise "..", this does not). */
function get(url: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", fail);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(join(page, "assets"), { recursive: true });
  writeFileSync(join(page, "index.html"), "<!doctype html><title>page</title>");
  writeFileSync(join(page, "assets", "app.js"), "console.log(1)");
  writeFileSync(join(dir, "secret.txt"), "secret");
  writeFileSync(tracePath, trace);
  served = await serveTrace({ tracePath, vizDir: page });
});
afterAll(() => served?.close());

describe("rocketsim view server", () => {
  it("serves the page and the trace on 127.0.0.1 with an ephemeral port", async () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?trace=\/trace\.jsonl$/);
    const index = await get(served.url, "/?trace=/trace.jsonl");
    expect(index).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    expect(index.body).toContain("<title>page</title>");
    expect(await get(served.url, "/trace.jsonl")).toMatchObject({ status: 200, type: "application/x-ndjson; charset=utf-8", body: trace });
    expect(await get(served.url, "/assets/app.js")).toMatchObject({ status: 200, type: "text/javascript; charset=utf-8" });
  });

  it("answers 404 for missing files and paths outside the page", async () => {
    expect((await get(served.url, "/nope.js")).status).toBe(404);
    for (const p of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/..\\secret.txt"])
      expect((await get(served.url, p)).status, p).toBe(404);
    expect(fileUnder("/srv/page", "/../x")).toBe("/srv/page/x"); // clamped to the root
    expect(fileUnder("/srv/page", "/a%00.js")).toBeNull();
    expect(fileUnder("/srv/page", "/a/../b.js")).toBe("/srv/page/b.js");
  });

  it("says how to build the page when it is missing, and names a missing trace", async () => {
    await expect(serveTrace({ tracePath, vizDir: join(dir, "no-page") })).rejects.toThrow(/not built.*npm run build:viz/);
    await expect(serveTrace({ tracePath: join(dir, "missing.jsonl"), vizDir: page })).rejects.toThrow(/no such trace file/);
  });

  it("viewCommand prints the URL, serves until stopped, returns the exit code", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const stop = new AbortController();
      const done = viewCommand(tracePath, { signal: stop.signal, vizDir: page });
      await vi.waitFor(() => expect(out).toHaveBeenCalled());
      const url = /http:\/\/\S+/.exec(String(out.mock.calls[0][0]))![0];
      expect((await get(url, "/trace.jsonl")).body).toBe(trace);
      stop.abort();
      expect(await done).toBe(0);
      expect(await viewCommand(join(dir, "missing.jsonl"), { vizDir: page })).toBe(1);
      expect(String(err.mock.calls[0][0])).toMatch(/^rocketsim view: no such trace file/);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});

// `rocketsim view`: serve the built replay page (dist/viz) and one trace on
// localhost. The page is opened at http://127.0.0.1:PORT/?trace=/trace.jsonl.
// serveTrace prints nothing; viewCommand is the CLI front end.

import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { contentType, defaultVizDir, fileUnder } from "./static-files.js";

export interface ServeOptions {
  tracePath: string;
  /** 0 (default): an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1 (only this machine can connect). */
  host?: string;
  /** Built page directory; default <package>/dist/viz. */
  vizDir?: string;
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

export const TRACE_PATH = "/trace.jsonl";

export async function serveTrace(opts: ServeOptions): Promise<Served> {
  const vizDir = resolve(opts.vizDir ?? defaultVizDir());
  if (!existsSync(join(vizDir, "index.html")))
    throw new Error(`the replay page is not built (no ${join(vizDir, "index.html")}): run \`npm run build:viz\` (npm install also builds it)`);
  const tracePath = resolve(opts.tracePath);
  if (!existsSync(tracePath) || !statSync(tracePath).isFile()) throw new Error(`no such trace file: ${opts.tracePath}`);
  const host = opts.host ?? "127.0.0.1";

  const server = createServer((req, res) => handle(req, res, vizDir, tracePath));
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port ?? 0, host, () => { server.off("error", fail); ok(); });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?trace=${TRACE_PATH}`,
    close: () => new Promise<void>((ok, fail) => {
      server.close((err) => (err ? fail(err) : ok()));
      server.closeAllConnections();
    }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, vizDir: string, tracePath: string): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (path === TRACE_PATH) return sendFile(req, res, tracePath, "application/x-ndjson; charset=utf-8", "no-store");
  const file = fileUnder(vizDir, path === "/" ? "/index.html" : path);
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
    return;
  }
  const immutable = path.startsWith("/assets/");
  sendFile(req, res, file, contentType(file), immutable ? "public, max-age=31536000, immutable" : "no-cache");
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, type: string, cache: string): void {
  const size = statSync(file).size;
  res.writeHead(200, {
    "content-type": type,
    "content-length": String(size),
    "cache-control": cache,
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") { res.end(); return; }
  const stream = createReadStream(file);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

/**
 * The `rocketsim view <trace>` command (also `rocketsim run … --view` after the
 * run): serve, print the URL, wait for Ctrl-C. Returns the exit code.
 */
export async function viewCommand(tracePath: string, opts: { port?: number; host?: string; vizDir?: string; signal?: AbortSignal } = {}): Promise<number> {
  let served: Served;
  try {
    served = await serveTrace({ tracePath, ...opts });
  } catch (err) {
    process.stderr.write(`rocketsim view: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`Replaying ${tracePath}\n  ${served.url}\n(Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      opts.signal?.removeEventListener("abort", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    opts.signal?.addEventListener("abort", stop);
  });
  await served.close();
  return 0;
}

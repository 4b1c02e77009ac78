// Static file helpers for the replay page server: where the built page is, the
// content type of a file, and mapping a URL path to a file inside a directory.

import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
}

/** The package root: the nearest directory above this file whose package.json is rocketsim's. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "rocketsim") return dir;
      } catch { /* keep looking */ }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the rocketsim package root");
    dir = up;
  }
}

/** Built page directory (vite build outDir). */
export function defaultVizDir(): string {
  return join(packageRoot(), "dist", "viz");
}

/** A URL path mapped into `root`, or null if it escapes it. */
export function fileUnder(root: string, urlPath: string): string | null {
  let p: string;
  try { p = decodeURIComponent(urlPath); } catch { return null; }
  if (p.includes("\0")) return null;
  const rel = normalize(p).replace(/^([/\\])+/, "");
  const full = resolve(root, rel);
  const base = resolve(root);
  return full === base || full.startsWith(base + sep) ? full : null;
}

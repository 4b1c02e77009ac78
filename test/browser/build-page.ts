// Build the replay page (vite build -> dist/viz) if it is missing or older than
// its sources, with Vite's API and the same settings as vite.config.ts.

import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "vite";
import { vizConfig } from "../../vite.config.js";

const root = resolve(import.meta.dirname, "../..");

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

export function pageIsStale(): boolean {
  const index = join(root, "dist/viz/index.html");
  if (!existsSync(index)) return true;
  const sources = Math.max(newest(join(root, "viz")), newest(join(root, "sim/trace")), statSync(join(root, "vite.config.ts")).mtimeMs);
  return statSync(index).mtimeMs < sources;
}

export async function ensurePageBuilt(): Promise<boolean> {
  if (!pageIsStale()) return false;
  await build({ ...vizConfig, configFile: false, logLevel: "error" });
  return true;
}

// Vite builds the replay page (viz/) into dist/viz. Vitest would also read this
// file (there is no vitest.config), so under Vitest it contributes nothing and the
// tests keep the project root. `npm run viz` serves the page in development; the
// dev server also answers /trace.jsonl with $ROCKETSIM_TRACE, or with the
// synthetic failover fixture, so http://localhost:5173/?trace=/trace.jsonl works.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type InlineConfig, type Plugin } from "vite";

const here = dirname(fileURLToPath(import.meta.url));

export const vizConfig: InlineConfig = {
  root: resolve(here, "viz"),
  base: "./",
  publicDir: false,
  logLevel: "warn",
  build: {
    outDir: resolve(here, "dist/viz"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1024,
  },
  server: { fs: { allow: [here] } },
};

function devTrace(): Plugin {
  return {
    name: "rocketsim-dev-trace",
    apply: "serve",
    configureServer(server) {
      server.middlewares.use("/trace.jsonl", (_req, res) => {
        void (async () => {
          const file = process.env.ROCKETSIM_TRACE;
          let body: string;
          if (file) body = readFileSync(file, "utf8");
          else {
            const mod = await server.ssrLoadModule(resolve(here, "test/fixtures/traces/make-fixture.ts"));
            body = (mod.makeFailoverTrace as () => string)();
          }
          res.setHeader("content-type", "application/x-ndjson; charset=utf-8");
          res.end(body);
        })().catch((err: unknown) => { res.statusCode = 500; res.end(String(err)); });
      });
    },
  };
}

export default defineConfig(() => (process.env.VITEST ? {} : { ...vizConfig, plugins: [devTrace()] }));

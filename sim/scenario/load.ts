// Reads a scenario file: YAML (keeping node positions) -> zod validation against
// the pure input schema -> resolution into the Scenario the model runs. Every
// failure becomes one ScenarioError, `<file>:<line>:<col> <key.path>: <message>`,
// pointing at the first problem in document order.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { ScenarioError } from "./errors.js";
import { explain, issueMessage } from "./issues.js";
import { resolveScenario } from "./resolve.js";
import { ScenarioInput } from "./schema.js";
import { SourceMap } from "./source.js";
import type { Scenario } from "./types.js";

export interface LoadOverrides {
  /** Replaces the scenario's `seed:` (e.g. from `--seed`). */
  seed?: number;
}

export function loadScenario(file: string, overrides?: LoadOverrides): Scenario {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ScenarioError(file, 1, 1, "(file)", `cannot read the scenario file (${readProblem(e)})`);
  }
  return loadFromText(bytes.toString("utf8"), file, sha256(bytes), overrides);
}

/** Same as loadScenario on text already in memory; `file` is only used in messages. */
export function loadScenarioText(text: string, file: string, overrides?: LoadOverrides): Scenario {
  return loadFromText(text, file, sha256(Buffer.from(text, "utf8")), overrides);
}

function loadFromText(text: string, file: string, sha: string, overrides?: LoadOverrides): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    throw new ScenarioError(file, line, col, "(yaml)", `YAML syntax error: ${firstLine(syntax.message)}`);
  }
  const src = new SourceMap(file, doc, lines);
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    throw src.error([], `cannot read the YAML (${firstLine(e instanceof Error ? e.message : String(e))})`);
  }
  const parsed = ScenarioInput.safeParse(data, { error: issueMessage });
  if (!parsed.success) throw firstIssue(parsed.error.issues, data, src);
  return resolveScenario(parsed.data, src, { file, sha256: sha, ...(overrides?.seed !== undefined ? { seed: overrides.seed } : {}) });
}

/** zod reports issues in schema order; the reader wants the earliest in the file. */
function firstIssue(issues: readonly z.core.$ZodIssue[], data: unknown, src: SourceMap): ScenarioError {
  const errors = issues.map((issue) => {
    const e = explain(issue, data);
    return src.error(e.path, e.message, e.at);
  });
  return errors.reduce((best, e) => (e.line < best.line || (e.line === best.line && e.col < best.col) ? e : best));
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function firstLine(s: string): string {
  return s.split("\n")[0].trim();
}

function readProblem(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return firstLine(e instanceof Error ? e.message : String(e));
}

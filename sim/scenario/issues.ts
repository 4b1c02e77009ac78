// Turns zod issues into one plain sentence and the key path it is about. zod's own
// messages ("Invalid input: expected string, received number") and its nested
// union reports are replaced by what an operator editing YAML needs to read.

import type { z } from "zod";
import { describeValue, type PathSeg } from "./errors.js";
import { didYouMean, listSome } from "./didyoumean.js";

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

/** What an issue is about: `at: "key"` points at the key itself (unknown keys). */
export interface Explained {
  path: PathSeg[];
  message: string;
  at: "key" | "value";
}

const EXPECTED: Record<string, string> = {
  string: "a string", number: "a number", int: "an integer", boolean: "true or false",
  object: "a mapping (key: value)", array: "a list", tuple: "a list",
};

const plural = (n: number | bigint, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** Per-parse error map: friendlier defaults for every issue a schema leaves to us. */
export function issueMessage(iss: RawIssue): string | undefined {
  const got = describeValue(iss.input);
  switch (iss.code) {
    case "invalid_type":
      return `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${got}`;
    case "too_small":
      if (iss.origin === "array") return `needs at least ${plural(iss.minimum, "item")}`;
      if (iss.origin === "string") return "must not be empty";
      return `must be ${iss.inclusive ? "at least" : "greater than"} ${iss.minimum}, got ${got}`;
    case "too_big":
      if (iss.origin === "array") return `allows at most ${plural(iss.maximum, "item")}`;
      return `must be ${iss.inclusive ? "at most" : "less than"} ${iss.maximum}, got ${got}`;
    case "invalid_value": {
      const allowed = iss.values.map((v) => JSON.stringify(v));
      const hint = typeof iss.input === "string" ? didYouMean(iss.input, iss.values.map(String)) : "";
      return `${got} is not allowed here${hint || `; use ${allowed.join(" or ")}`}`;
    }
    case "invalid_format":
      return `${got} has the wrong format`;
    case "invalid_union":
      return ""; // sentinel: no schema-specific message, explain() picks a branch
    default:
      return undefined;
  }
}

/** The value at `path` in the parsed YAML data (undefined when absent). */
export function valueAt(data: unknown, path: readonly PathSeg[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PathSeg, unknown>)[seg];
  }
  return v;
}

const DISCRIMINATOR_NAMES: Record<string, string> = { type: "event type" };

/** A branch failure that only says "this input is not my type". */
function typeMismatch(i: Issue): boolean {
  if (i.path.length > 0) return false;
  if (i.code === "invalid_type" || i.code === "invalid_value") return true;
  return i.code === "invalid_union" && !i.discriminator && i.errors.length > 0 && i.errors.every((b) => b.some(typeMismatch));
}

function depth(i: Issue): number {
  return i.path.length + (i.code === "unrecognized_keys" ? 1 : 0);
}

/** The union branch that fits the input's shape best, if any does. */
function bestBranch(branches: Issue[][]): Issue | undefined {
  const fits = branches.filter((b) => b.length > 0 && !b.some(typeMismatch));
  fits.sort((a, b) => depth(b[0]) - depth(a[0]));
  return fits[0]?.[0];
}

function missing(path: PathSeg[], extra = ""): Explained {
  const key = path[path.length - 1];
  return { path: path.slice(0, -1), message: `missing required key ${JSON.stringify(String(key))}${extra}`, at: "value" };
}

export function explain(issue: Issue, data: unknown, prefix: PathSeg[] = []): Explained {
  const path = [...prefix, ...(issue.path as PathSeg[])];
  if (issue.code === "unrecognized_keys") return { path: [...path, issue.keys[0]], message: issue.message, at: "key" };
  if (issue.code === "invalid_union") return explainUnion(issue, path, data);
  // A mapping key its key schema refused (e.g. a tag name in `tags: { TagA: 2 }`): say why, at the key.
  if (issue.code === "invalid_key" && issue.issues[0]) return { path, message: issue.issues[0].message, at: "key" };
  if (issue.code === "invalid_type" && valueAt(data, path) === undefined) return missing(path);
  return { path, message: issue.message, at: "value" };
}

function explainUnion(issue: Extract<Issue, { code: "invalid_union" }>, path: PathSeg[], data: unknown): Explained {
  const value = valueAt(data, path);
  if (issue.discriminator && issue.errors.length === 0) {
    const options = ("options" in issue ? issue.options ?? [] : []).map(String);
    const what = DISCRIMINATOR_NAMES[issue.discriminator] ?? issue.discriminator;
    if (value === undefined) return missing(path, ` (one of ${listSome(options, 12)})`);
    const hint = typeof value === "string" ? didYouMean(value, options) : "";
    return { path, message: `unknown ${what} ${describeValue(value)}${hint || `; use one of ${listSome(options, 20)}`}`, at: "value" };
  }
  const branch = bestBranch(issue.errors);
  if (branch) return explain(branch, data, path);
  if (value === undefined) return missing(path);
  return { path, message: issue.message || `${describeValue(value)} is not allowed here`, at: "value" };
}

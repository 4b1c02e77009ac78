// The one error type the scenario loader throws. Its message is always a single
// line, `<file>:<line>:<col> <key.path>: <what is wrong>`, so editors and terminals
// can jump to the spot and an operator never sees a stack trace or a zod dump.

/** A step in a key path: a mapping key or a list index. */
export type PathSeg = string | number;

export class ScenarioError extends Error {
  override name = "ScenarioError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly keyPath: string,
    /** The message without the location prefix. */
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col} ${keyPath}: ${detail}`);
  }
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** ["cluster", "brokers", 0, "slaves"] -> "cluster.brokers[0].slaves"; [] -> "(root)". */
export function formatKeyPath(path: readonly PathSeg[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || "(root)";
}

/** A short, one-line rendering of a YAML value for messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "an empty value";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "a list";
  return "a mapping";
}

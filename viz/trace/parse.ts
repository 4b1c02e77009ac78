// Text -> header + events, in slices so the page can show progress. Uses the
// simulator's own reader (sim/trace/reader.ts) for the header and each line, in
// non-strict mode, then validates known types (validate.ts). Errors are
// TraceErrors carrying the 1-based line number.

import type { TraceHeader } from "../../sim/trace/schema.js";
import { parseEvent, parseHeader, TraceError } from "../../sim/trace/reader.js";
import type { AnyEvent } from "../state/events.js";
import { validateEvent } from "./validate.js";

export interface ParsedTrace {
  header: TraceHeader;
  events: AnyEvent[];
  /** 1-based line number of each event. */
  lines: Int32Array;
  bytes: number;
}

export type Progress = (done: number, total: number) => void;

const SLICE = 50_000;
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

export async function parseTraceText(text: string, progress?: Progress): Promise<ParsedTrace> {
  const lines = text.split("\n");
  if (lines.length === 0 || lines[0].trim() === "") throw new TraceError(1, "empty trace");
  const header = parseHeader(stripBom(lines[0]), 1);
  const events: AnyEvent[] = [];
  const lineOf = new Int32Array(lines.length);
  let prevT = 0;
  for (let start = 1; start < lines.length; start += SLICE) {
    const end = Math.min(lines.length, start + SLICE);
    for (let i = start; i < end; i++) {
      const line = lines[i];
      if (line.length === 0 || line.trim() === "") continue;
      const e = parseEvent(line, i + 1, prevT, false) as unknown as AnyEvent;
      if (!Number.isInteger(e.t) || e.t < 0) throw new TraceError(i + 1, `bad ${e.type} event: t: expected a non-negative integer`);
      validateEvent(e, i + 1);
      prevT = e.t;
      lineOf[events.length] = i + 1;
      events.push(e);
    }
    if (progress && end < lines.length) { progress(end, lines.length); await tick(); }
  }
  return { header, events, lines: lineOf.slice(0, events.length), bytes: text.length };
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

// Reads a trace back, line by line, checking it as it goes. No Node imports: the
// replay page uses this same code in the browser.

import { TRACE_FORMAT, TRACE_VERSION, TraceEvent, TraceHeader } from "./schema.js";

export class TraceError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

export interface ParsedTrace {
  header: TraceHeader;
  events: TraceEvent[];
}

/** Parse one line of a trace (1-based `lineNo` for messages). */
export function parseHeader(text: string, lineNo = 1): TraceHeader {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { throw new TraceError(lineNo, "not valid JSON"); }
  const obj = raw as Record<string, unknown>;
  if (obj?.format !== TRACE_FORMAT) throw new TraceError(lineNo, `not a rocketsim trace (format is ${JSON.stringify(obj?.format)})`);
  if (obj.version !== TRACE_VERSION) throw new TraceError(lineNo, `unsupported trace version ${JSON.stringify(obj.version)} (this build reads version ${TRACE_VERSION})`);
  const r = TraceHeader.safeParse(raw);
  if (!r.success) throw new TraceError(lineNo, `bad header: ${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message}`);
  return r.data;
}

/**
 * Parse an event line. `strict` validates it against the schema (unknown event
 * types are rejected); otherwise only the common fields are checked.
 */
export function parseEvent(text: string, lineNo: number, prevT: number, strict = true): TraceEvent {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { throw new TraceError(lineNo, "not valid JSON"); }
  const obj = raw as Record<string, unknown>;
  if (typeof obj !== "object" || obj === null || typeof obj.t !== "number" || typeof obj.type !== "string")
    throw new TraceError(lineNo, "an event needs a numeric \"t\" and a string \"type\"");
  if (obj.t < prevT) throw new TraceError(lineNo, `event out of time order (t=${obj.t} after t=${prevT})`);
  if (!strict) return raw as TraceEvent;
  const r = TraceEvent.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new TraceError(lineNo, `bad ${obj.type} event: ${i.path.join(".") || "type"}: ${i.message}`);
  }
  return r.data;
}

/** Parse a whole trace held as text. */
export function parseTrace(text: string, strict = true): ParsedTrace {
  const lines = text.split("\n");
  if (lines.length === 0 || lines[0].trim() === "") throw new TraceError(1, "empty trace");
  const header = parseHeader(lines[0]);
  const events: TraceEvent[] = [];
  let prevT = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const e = parseEvent(line, i + 1, prevT, strict);
    prevT = e.t;
    events.push(e);
  }
  return { header, events };
}

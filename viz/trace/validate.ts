// Checks an event against the schema of its type when the type is in
// sim/trace/schema.ts; other types pass (the reader's strict mode would reject
// them, the page must not: newer simulators add types).

import { TraceEvent } from "../../sim/trace/schema.js";
import { TraceError } from "../../sim/trace/reader.js";
import type { AnyEvent } from "../state/events.js";

type Schema = (typeof TraceEvent.options)[number];

const byType = new Map<string, Schema>();
for (const option of TraceEvent.options) byType.set(option.shape.type.value, option);

export function knownTypes(): string[] {
  return [...byType.keys()];
}

/** Throws TraceError (with the line number) when a known event is malformed. */
export function validateEvent(e: AnyEvent, lineNo: number): void {
  const schema = byType.get(e.type);
  if (!schema) {
    if (typeof e.node !== "string") throw new TraceError(lineNo, `bad ${e.type} event: node: expected a string`);
    return;
  }
  const r = schema.safeParse(e);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new TraceError(lineNo, `bad ${e.type} event: ${i.path.join(".") || "type"}: ${i.message}`);
  }
}

// Syntax of `expect:` items. Event filters are generated from the trace schema
// (sim/trace/schema.ts), so a filter accepts exactly the event types and fields
// the simulator can emit, and the JSON Schema offers them for completion.
// Which combinations of keys make sense is checked in resolve-expect.ts.

import { z } from "zod";
import { TraceEvent } from "../trace/schema.js";
import { duration, int, nonEmpty, strict, unknownKeyMessage } from "./schema-base.js";
import { describeValue } from "./errors.js";

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const matcher = strict({
  not: scalar.optional().describe("field differs from this value"),
  in: z.array(scalar).min(1).optional().describe("field is one of these values"),
  contains: scalar.optional().describe("list field contains this value"),
  excludes: scalar.optional().describe("list field is absent or does not contain this value"),
  exists: z.boolean().optional().describe("field is present (true) or absent (false)"),
}, "in a field matcher");

export const filterValue = z
  .union([scalar, z.array(scalar).min(1), matcher], {
    error: (iss) => (iss.input === undefined ? undefined
      : `expected a value, a list of values, or a mapping with one of not, in, contains, excludes, exists; got ${describeValue(iss.input)}`),
  })
  .meta({ id: "filterValue", description: "a value (equals), a list (one of), or { not | in | contains | excludes | exists: ... }" });

type EventOption = (typeof TraceEvent.options)[number];

/** Event type name -> filterable field names (every field but `t` and `type`). */
export const EVENT_FIELDS: ReadonlyMap<string, readonly string[]> = new Map(
  TraceEvent.options.map((o: EventOption) => [o.shape.type.value as string, Object.keys(o.shape).filter((k) => k !== "t" && k !== "type")]),
);

export const EVENT_TYPES: readonly string[] = [...EVENT_FIELDS.keys()];

function filterFor(type: string, fields: readonly string[]) {
  const shape: Record<string, z.ZodType> = { type: z.literal(type) };
  for (const f of fields) shape[f] = filterValue.optional();
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code !== "unrecognized_keys") return undefined;
      if (iss.keys[0] === "t") return `the event time "t" cannot be filtered on (use between: or within: for time windows)`;
      return unknownKeyMessage(iss.keys[0], allowed, `for event type ${type}`);
    },
  });
}

const filterOptions = [...EVENT_FIELDS].map(([type, fields]) => filterFor(type, fields));

export const eventFilter = z
  .discriminatedUnion("type", filterOptions as [ReturnType<typeof filterFor>, ...ReturnType<typeof filterFor>[]])
  .meta({ id: "eventFilter", description: "matches trace events: `type` plus any fields of that event type" });

const reference = strict({
  at: duration.optional().describe("an absolute time"),
  fault: z.union([nonEmpty(), int().nonnegative()], {
    error: (iss) => (iss.input === undefined ? undefined : `expected a fault name or a fault index (0, 1, ..), got ${describeValue(iss.input)}`),
  }).optional().describe("a fault's name, or its index in faults:"),
  event: eventFilter.optional().describe("an event matching this filter"),
  which: z.enum(["first", "last"]).optional().describe("with event: which matching event (default first)"),
}, "in after (use one of at, fault, event)");

const window = () => z.tuple([duration, duration]);
const count = () => z.number().nonnegative().optional();

export const ExpectItemInput = strict({
  name: nonEmpty().optional().describe("label shown in the report"),
  happens: eventFilter.optional().describe("an event like this must happen"),
  never: eventFilter.optional().describe("no event like this may happen"),
  count: eventFilter.optional().describe("count events like this (with min, max or equals)"),
  metric: nonEmpty().optional().describe("a figure of the run's message checks, e.g. lost, duplicates, byGroup.cg.lost, e2eLatencyMs.p99, longestSendOutageMs (with min, max or equals)"),
  after: reference.optional().describe("with happens: measure `within` from this point"),
  within: z.union([duration, window()], {
    error: (iss) => (iss.input === undefined ? undefined : `expected a duration or a [min, max] pair of durations, got ${describeValue(iss.input)}`),
  }).optional().describe("with happens: a delay D (meaning [0, D]) or [min, max] after `after`"),
  between: window().optional().describe("absolute window [from, to] in which events count"),
  min: count(),
  max: count(),
  equals: count(),
});

export type ExpectItemInput = z.infer<typeof ExpectItemInput>;
export type Scalar = z.infer<typeof scalar>;
export type FilterValueInput = z.infer<typeof filterValue>;
/** A filter as written: `type` plus field matchers (kept loose; checked by the schema). */
export type FilterInput = { type: string } & Record<string, FilterValueInput>;

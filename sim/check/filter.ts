// Matching trace events against the filters users write in `expect:`.

import type { EventFilter, Matcher, Scalar } from "../scenario/types.js";
import type { TraceEvent } from "../trace/schema.js";

export function matches(f: EventFilter, e: TraceEvent): boolean {
  if (e.type !== f.type) return false;
  const rec = e as unknown as Record<string, unknown>;
  for (const key in f.fields) if (!matchOne(f.fields[key], rec[key])) return false;
  return true;
}

function matchOne(m: Matcher, v: unknown): boolean {
  switch (m.op) {
    case "eq": return v === m.value;
    case "in": return m.values.includes(v as Scalar);
    case "not": return v !== m.value;
    case "contains": return Array.isArray(v) && v.includes(m.value);
    case "excludes": return !Array.isArray(v) || !v.includes(m.value);
    case "exists": return (v !== undefined) === m.value;
  }
}

/** `ns.unregister{node=ns-0,broker=broker-a-0}` — how filters appear in reports. */
export function describeFilter(f: EventFilter): string {
  const parts = Object.entries(f.fields).map(([k, m]) => {
    switch (m.op) {
      case "eq": return `${k}=${m.value}`;
      case "in": return `${k} in [${m.values.join(",")}]`;
      case "not": return `${k}!=${m.value}`;
      case "contains": return `${k} contains ${m.value}`;
      case "excludes": return `${k} excludes ${m.value}`;
      case "exists": return m.value ? `${k} exists` : `no ${k}`;
    }
  });
  return parts.length ? `${f.type}{${parts.join(",")}}` : f.type;
}

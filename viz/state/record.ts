// Copy-on-write helpers for the plain records in VizState. Keys come from traces,
// so reads go through `own` (a node called "constructor" must not find
// Object.prototype.constructor) and writes use computed keys in literals, which
// define own properties even for "__proto__".

export type Rec<V> = Record<string, V>;

export function own<V>(rec: Rec<V>, key: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}

export function set<V>(rec: Rec<V>, key: string, value: NoInfer<V>): Rec<V> {
  return { ...rec, [key]: value };
}

export function remove<V>(rec: Rec<V>, key: string): Rec<V> {
  if (!Object.prototype.hasOwnProperty.call(rec, key)) return rec;
  const out: Rec<V> = {};
  for (const k of Object.keys(rec)) if (k !== key) Object.defineProperty(out, k, { value: rec[k], enumerable: true, writable: true, configurable: true });
  return out;
}

/** Add `n` to a counter in a record. */
export function bump(rec: Rec<number>, key: string, n = 1): Rec<number> {
  return { ...rec, [key]: (own(rec, key) ?? 0) + n };
}

export const queueKey = (topic: string, brokerName: string, queueId: number): string =>
  `${topic}|${brokerName}|${queueId}`;

export const channelKey = (node: string, peer: string): string => `${node}>${peer}`;

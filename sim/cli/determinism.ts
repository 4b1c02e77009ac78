// `run --check-determinism`: run the scenario twice and compare the traces line
// by line; report the first line where they differ.

import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

export interface Divergence { line: number; first: string; second: string }

export async function firstDifference(a: string, b: string): Promise<Divergence | null> {
  const ia = createInterface({ input: createReadStream(a) })[Symbol.asyncIterator]();
  const ib = createInterface({ input: createReadStream(b) })[Symbol.asyncIterator]();
  for (let line = 1; ; line++) {
    const [x, y] = await Promise.all([ia.next(), ib.next()]);
    if (x.done && y.done) return null;
    const first = x.done ? "(end of trace)" : x.value;
    const second = y.done ? "(end of trace)" : y.value;
    if (first !== second) return { line, first, second };
  }
}

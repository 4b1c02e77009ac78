// Seeded random streams. Every draw comes from a stream named after what draws
// it ("net.latency", "ns-client.pg-0"...), derived from (scenario seed, name),
// so adding a node or a draw never shifts another stream's numbers.

import seedrandom from "seedrandom";

// Alea (from the seedrandom package): several times faster than its default
// ARC4, and every message draws latencies, so it matters. Streams are still
// derived from (seed, name) only.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Java's Random.nextInt() stand-in: a uniform signed 32-bit integer. */
  int32(): number;
  /** Fisher–Yates shuffle in place (Collections.shuffle stand-in). */
  shuffle<T>(items: T[]): T[];
}

export function makeRng(seed: number | string, name: string): Rng {
  const prng = seedrandom.alea(`${seed}/${name}`);
  return {
    next: () => prng.quick(),
    int: (n) => Math.floor(prng.quick() * n),
    int32: () => prng.int32(),
    shuffle<T>(items: T[]) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(prng.quick() * (i + 1));
        const t = items[i]; items[i] = items[j]; items[j] = t;
      }
      return items;
    },
  };
}

/** Hands out one stream per name, created on first use. */
export class RandomStreams {
  private streams = new Map<string, Rng>();
  constructor(readonly seed: number | string) {}
  get(name: string): Rng {
    let s = this.streams.get(name);
    if (!s) { s = makeRng(this.seed, name); this.streams.set(name, s); }
    return s;
  }
}

// Distributions of durations (µs), as written in scenarios. Each sample comes from
// a caller-supplied Rng, so the caller decides which named stream pays for it.

import type { Rng } from "./random.js";

export type Distribution =
  | { distribution: "fixed"; value: number }
  | { distribution: "uniform"; min: number; max: number }
  | { distribution: "exponential"; mean: number }
  | { distribution: "normal"; mean: number; stddev: number } // truncated at 0
  | { distribution: "lognormal"; median: number; sigma: number };

export type Sampler = (rng: Rng) => number;

/** Build a sampler returning whole microseconds (never negative). */
export function sampler(d: Distribution): Sampler {
  switch (d.distribution) {
    case "fixed": {
      const v = Math.round(d.value);
      return () => v;
    }
    case "uniform":
      return (rng) => Math.round(d.min + rng.next() * (d.max - d.min));
    case "exponential":
      return (rng) => Math.round(-d.mean * Math.log(1 - rng.next()));
    case "normal":
      return (rng) => {
        // Truncated at 0: redraw negatives (bounded, then give up at 0).
        for (let i = 0; i < 64; i++) {
          const x = d.mean + d.stddev * gaussian(rng);
          if (x >= 0) return Math.round(x);
        }
        return 0;
      };
    case "lognormal": {
      const mu = Math.log(Math.max(d.median, 1e-9));
      return (rng) => Math.round(Math.exp(mu + d.sigma * gaussian(rng)));
    }
  }
}

/** Box–Muller; uses two draws so streams stay aligned draw-for-draw. */
function gaussian(rng: Rng): number {
  const u = 1 - rng.next(), v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

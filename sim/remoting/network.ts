// The links between nodes: latency, loss and partitions.
//
// Fault model:
// - Latency is drawn per segment from a per-link seeded stream ("net/A->B"), so
//   traffic on one link never shifts another link's draws.
// - Loss is per segment; TCP hides it by retransmitting, so a lost segment is
//   delivered one retransmission timeout later (200 ms, doubling per further loss,
//   Linux's TCP_RTO_MIN), never dropped while its connection lives.
// - A partition silently drops segments between nodes in different groups (nodes
//   in no group keep all their links); `oneWay` drops only first group -> others.
//   Connections do not close: they go silent. Segments sent across a partition are
//   not retransmitted after the heal (a simplification: RocketMQ's request timeouts
//   of a few seconds close such channels long before TCP would give up).

import type { Sampler } from "../core/distribution.js";
import type { RandomStreams, Rng } from "../core/random.js";

const RTO_MIN_US = 200_000;
const MAX_RETRANSMITS = 15;

interface LatencyOverride {
  from?: string;
  to?: string;
  sampler: Sampler;
}

export class Network {
  private linkRng = new Map<string, Rng>();
  private lossRng = new Map<string, Rng>();
  private overrides: LatencyOverride[] = [];
  /** node -> partition group index; absent = in no group. */
  private groupOf = new Map<string, number>();
  private oneWay = false;

  constructor(
    private readonly streams: RandomStreams,
    private sampler: Sampler,
    private readonly loss: number,
  ) {}

  /** Can a segment from `from` reach `to` right now? */
  reachable(from: string, to: string): boolean {
    if (this.groupOf.size === 0) return true; // no partition (the usual case): skip two lookups per segment
    const a = this.groupOf.get(from), b = this.groupOf.get(to);
    if (a === undefined || b === undefined || a === b) return true;
    if (this.oneWay) return a !== 0; // only the first group's outbound traffic is cut
    return false;
  }

  /** The latency stream of a directed link (callers on hot paths keep it). */
  linkStream(from: string, to: string): Rng {
    const key = `${from}->${to}`;
    let rng = this.linkRng.get(key);
    if (!rng) { rng = this.streams.get(`net/${key}`); this.linkRng.set(key, rng); }
    return rng;
  }

  /** One-way delay for a segment sent now from `from` to `to`, in µs. */
  delayUs(from: string, to: string, rng: Rng = this.linkStream(from, to)): number {
    const sample = this.overrides.length === 0 ? this.sampler : this.samplerFor(from, to);
    let delay = Math.max(1, sample(rng));
    if (this.loss > 0) delay += this.retransmitDelayUs(`${from}->${to}`);
    return delay;
  }

  partition(groups: string[][], oneWay: boolean): void {
    this.groupOf.clear();
    groups.forEach((g, i) => g.forEach((n) => this.groupOf.set(n, i)));
    this.oneWay = oneWay;
  }

  heal(): void {
    this.groupOf.clear();
    this.oneWay = false;
  }

  /** Change latency for one link (either end may be omitted = any) or all links. */
  setLatency(sampler: Sampler, from?: string, to?: string): void {
    if (from === undefined && to === undefined) {
      this.sampler = sampler;
      this.overrides = [];
      return;
    }
    this.overrides = this.overrides.filter((o) => !(o.from === from && o.to === to));
    this.overrides.push({ from, to, sampler });
  }

  private samplerFor(from: string, to: string): Sampler {
    // Latest matching override wins; links are symmetric unless both ends are given.
    for (let i = this.overrides.length - 1; i >= 0; i--) {
      const o = this.overrides[i];
      if (matches(o, from, to) || (o.from === undefined || o.to === undefined ? matches(o, to, from) : false)) return o.sampler;
    }
    return this.sampler;
  }

  private retransmitDelayUs(key: string): number {
    let rng = this.lossRng.get(key);
    if (!rng) { rng = this.streams.get(`loss/${key}`); this.lossRng.set(key, rng); }
    let extra = 0, rto = RTO_MIN_US;
    for (let i = 0; i < MAX_RETRANSMITS && rng.next() < this.loss; i++) {
      extra += rto;
      rto *= 2;
    }
    return extra;
  }
}

function matches(o: LatencyOverride, from: string, to: string): boolean {
  return (o.from === undefined || o.from === from) && (o.to === undefined || o.to === to);
}

// Time series for the charts, binned over the whole trace in the loading pass:
// sends/s and failures by status, consumes/s, lag per consumer group (messages
// stored on the group's topics minus messages it consumed), and end-to-end
// latency percentiles (consume time - the message's bornUs, else its send time).

import type { AnyEvent } from "../state/events.js";
import { isConsume, isRebalance, isSend, isSendResult } from "../state/events.js";
import { groupOf } from "../state/reduce-messages.js";
import { own } from "../state/record.js";
import type { VizState } from "../state/types.js";

export interface Series {
  /** Bin width (µs); bin k covers [k*bin, (k+1)*bin). */
  bin: number;
  bins: number;
  sends: Float64Array;
  /** Per status, results per bin (SEND_OK included). */
  results: Map<string, Float64Array>;
  consumes: Float64Array;
  /** Per consumer group, lag at the end of each bin. */
  lag: Map<string, Float64Array>;
  /** Latency percentiles per bin in µs (NaN: no sample). */
  p50: Float64Array;
  p99: Float64Array;
  max: Float64Array;
  /** true when the trace has message-level events at all. */
  hasMessages: boolean;
}

const NICE = [1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 2e7, 3e7, 6e7, 1.2e8, 3e8, 6e8];

export function binWidth(durationUs: number, target = 400): number {
  return NICE.find((b) => durationUs / b <= target) ?? Math.ceil(durationUs / target);
}

export function seriesCollector(durationUs: number) {
  const bin = binWidth(Math.max(1, durationUs));
  const bins = Math.max(1, Math.ceil(Math.max(1, durationUs) / bin));
  const sends = new Float64Array(bins), consumes = new Float64Array(bins);
  const results = new Map<string, Float64Array>();
  const lag = new Map<string, Float64Array>();
  const groupTopics = new Map<string, Set<string>>();
  const sentAt = new Map<string, number>();
  const lat: number[][] = Array.from({ length: bins }, () => []);
  let hasMessages = false;
  let lastBin = 0;
  let last: VizState | null = null;

  const binOf = (t: number) => Math.min(bins - 1, Math.floor(t / bin));
  const arr = (m: Map<string, Float64Array>, k: string) => { let a = m.get(k); if (!a) m.set(k, (a = new Float64Array(bins).fill(NaN))); return a; };

  /** Lag of every group in state `s`, written into bins [from, to]. */
  function recordLag(s: VizState, from: number, to: number) {
    for (const [g, topics] of groupTopics) {
      let stored = 0;
      for (const tp of topics) stored += own(s.counters.storedByTopic, tp) ?? 0;
      const v = Math.max(0, stored - (own(s.counters.consumedByGroup, g) ?? 0));
      arr(lag, g).fill(v, from, to + 1);
    }
  }

  function observe(e: AnyEvent, after: VizState): void {
    const b = binOf(e.t);
    if (b > lastBin && last) { recordLag(last, lastBin, b - 1); lastBin = b; }
    last = after;
    switch (e.type) {
      case "send":
        if (!isSend(e)) return;
        hasMessages = true; sends[b]++; sentAt.set(e.msgId, e.t); return;
      case "send.result":
        if (!isSendResult(e)) return;
        hasMessages = true;
        { let a = results.get(e.status); if (!a) results.set(e.status, (a = new Float64Array(bins))); a[b]++; }
        return;
      case "consume": {
        if (!isConsume(e)) return;
        hasMessages = true; consumes[b]++;
        const g = groupOf(after, e);
        if (!groupTopics.has(g)) groupTopics.set(g, new Set());
        groupTopics.get(g)!.add(e.topic);
        const born = typeof e.bornUs === "number" ? e.bornUs : sentAt.get(e.msgId);
        if (born !== undefined) lat[b].push(e.t - born);
        return;
      }
      case "rebalance":
        if (!isRebalance(e)) return;
        if (!groupTopics.has(e.group)) groupTopics.set(e.group, new Set());
        groupTopics.get(e.group)!.add(e.topic);
    }
  }

  function result(): Series {
    if (last) recordLag(last, lastBin, bins - 1);
    const p50 = new Float64Array(bins).fill(NaN), p99 = new Float64Array(bins).fill(NaN), max = new Float64Array(bins).fill(NaN);
    for (let i = 0; i < bins; i++) {
      const xs = lat[i];
      if (xs.length === 0) continue;
      xs.sort((a, b) => a - b);
      p50[i] = quantile(xs, 0.5); p99[i] = quantile(xs, 0.99); max[i] = xs[xs.length - 1];
    }
    return { bin, bins, sends, results, consumes, lag, p50, p99, max, hasMessages };
  }
  return { observe, result };
}

/** Nearest-rank quantile of a sorted array. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

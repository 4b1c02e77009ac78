// Fixed-size log-linear latency histogram (HDR-like): exact below 64 µs, then 64
// linear sub-buckets per power of two up to 2^32 µs (~71 min). A bucket's
// midpoint is within 1/128 (< 0.8 %) of any value in it, and the whole thing is
// 1 728 counters however many values are recorded.

const SUB_BITS = 6;
const SUB = 1 << SUB_BITS; // 64
const TOP_EXP = 32; // values are clamped below 2^32 µs
const BUCKETS = SUB + (TOP_EXP - SUB_BITS) * SUB;
const MAX_VALUE = 2 ** TOP_EXP - 1;

export interface LatencySummaryMs {
  p50: number | null;
  p99: number | null;
  max: number | null;
}

export class LatencyHistogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  private minUs = Infinity;
  private maxUs = -Infinity;

  record(us: number): void {
    // A negative latency would mean a clock bug upstream; count it as 0, not crash.
    const v = Math.min(MAX_VALUE, Math.max(0, Math.floor(us)));
    this.counts[bucketOf(v)]++;
    this.count++;
    if (v < this.minUs) this.minUs = v;
    if (v > this.maxUs) this.maxUs = v;
  }

  /** Nearest-rank percentile in µs (bucket midpoint clamped to the exact min/max). */
  percentileUs(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.maxUs, Math.max(this.minUs, midpoint(i)));
    }
    return this.maxUs;
  }

  summaryMs(): LatencySummaryMs {
    if (this.count === 0) return { p50: null, p99: null, max: null };
    return { p50: ms3(this.percentileUs(0.5)!), p99: ms3(this.percentileUs(0.99)!), max: ms3(this.maxUs) };
  }
}

/** µs → ms with 3 decimals (i.e. whole µs). */
export function ms3(us: number): number {
  return Math.round(us) / 1000;
}

function bucketOf(v: number): number {
  if (v < SUB) return v;
  const exp = 31 - Math.clz32(v); // v < 2^32, so clz32 sees it whole
  const shift = exp - SUB_BITS;
  return SUB + shift * SUB + ((v >>> shift) - SUB);
}

function midpoint(i: number): number {
  if (i < SUB) return i;
  const k = i - SUB;
  const width = 2 ** Math.floor(k / SUB);
  const lower = ((k % SUB) + SUB) * width;
  return lower + (width - 1) / 2; // values are whole µs: [lower, lower + width - 1]
}

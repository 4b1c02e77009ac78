// A bounded time series of consumer lag. Samples arrive once per virtual second;
// when the series exceeds its cap, adjacent points are merged pairwise and later
// samples are aggregated in twice-as-long strides, so a long run keeps an even
// resolution. Merging keeps the point with the larger lag: a backlog spike is
// what a reader of the series needs to see, an average would hide it.

export type LagPoint = [tMs: number, lag: number];

export class LagSeries {
  private points: LagPoint[] = [];
  private stride = 1; // samples per stored point
  private pending: LagPoint | null = null;
  private inStride = 0;

  constructor(private readonly maxPoints = 2000) {}

  push(tMs: number, lag: number): void {
    if (this.pending === null || lag > this.pending[1]) this.pending = [tMs, lag];
    if (++this.inStride < this.stride) return;
    this.flush();
  }

  /** The stored points plus any partly filled stride. */
  toArray(): LagPoint[] {
    const out = this.points.slice();
    if (this.pending !== null) out.push(this.pending);
    return out;
  }

  get length(): number {
    return this.points.length;
  }

  private flush(): void {
    this.points.push(this.pending!);
    this.pending = null;
    this.inStride = 0;
    if (this.points.length <= this.maxPoints) return;
    const merged: LagPoint[] = [];
    for (let i = 0; i < this.points.length; i += 2) {
      const a = this.points[i];
      const b = this.points[i + 1];
      merged.push(b !== undefined && b[1] > a[1] ? b : a);
    }
    this.points = merged;
    this.stride *= 2;
  }
}

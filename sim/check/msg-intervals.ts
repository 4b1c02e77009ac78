// A set of non-negative integers (queue offsets) kept as sorted, disjoint,
// non-adjacent half-open runs [start, end). A queue's stored or consumed offsets
// are almost always one contiguous run, so memory follows the number of gaps,
// not the number of messages.
//
// Two access patterns are O(1) amortised because they dominate real runs:
// appending at or just after the last run (in-order traffic) and filling the gap
// after the first run (a consumer catching up behind a fragmented frontier, e.g. a
// tag-filtered group whose non-matching offsets were added ahead of it). The
// first run is removed by advancing `head` instead of shifting the arrays.

export class IntervalSet {
  private starts: number[] = [];
  private ends: number[] = []; // exclusive
  private head = 0; // runs before `head` are dead slots awaiting compaction
  /** Number of offsets in the set. */
  size = 0;

  /** Number of runs: the memory this set costs. */
  get intervals(): number {
    return this.starts.length - this.head;
  }

  has(x: number): boolean {
    const i = this.firstAfter(x) - 1;
    return i >= this.head && x < this.ends[i];
  }

  /** Adds x; false if it was already there. */
  add(x: number): boolean {
    const last = this.starts.length - 1;
    if (last < this.head || x > this.ends[last]) {
      this.starts.push(x);
      this.ends.push(x + 1);
    } else if (x >= this.starts[last]) {
      if (x < this.ends[last]) return false;
      this.ends[last]++;
    } else if (!this.insert(x)) {
      return false;
    }
    this.size++;
    return true;
  }

  /** |this \ other|: offsets here that `other` lacks. */
  countNotIn(other: IntervalSet): number {
    let missing = 0;
    let j = other.head;
    const oEnd = other.starts.length;
    for (let i = this.head; i < this.starts.length; i++) {
      let s = this.starts[i];
      const e = this.ends[i];
      while (s < e) {
        while (j < oEnd && other.ends[j] <= s) j++;
        if (j >= oEnd || other.starts[j] >= e) { missing += e - s; break; }
        if (other.starts[j] > s) missing += other.starts[j] - s;
        s = other.ends[j];
      }
    }
    return missing;
  }

  /** The runs as [start, endExclusive] pairs (tests, debugging). */
  runs(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = this.head; i < this.starts.length; i++) out.push([this.starts[i], this.ends[i]]);
    return out;
  }

  // x lies before the last run's start, so some run starts after it.
  private insert(x: number): boolean {
    const i = this.firstAfter(x);
    const left = i - 1 >= this.head ? i - 1 : -1;
    if (left >= 0 && x < this.ends[left]) return false;
    const joinLeft = left >= 0 && this.ends[left] === x;
    const joinRight = this.starts[i] === x + 1;
    if (joinLeft && joinRight) this.mergeWithNext(left);
    else if (joinLeft) this.ends[left]++;
    else if (joinRight) this.starts[i]--;
    else if (i === this.head && this.head > 0) {
      this.head--;
      this.starts[this.head] = x;
      this.ends[this.head] = x + 1;
    } else {
      this.starts.splice(i, 0, x);
      this.ends.splice(i, 0, x + 1);
    }
    return true;
  }

  private mergeWithNext(i: number): void {
    if (i === this.head) {
      this.starts[i + 1] = this.starts[i];
      this.head++;
      this.compact();
    } else {
      this.ends[i] = this.ends[i + 1];
      this.starts.splice(i + 1, 1);
      this.ends.splice(i + 1, 1);
    }
  }

  private compact(): void {
    if (this.head < 64 || this.head * 2 < this.starts.length) return;
    this.starts.splice(0, this.head);
    this.ends.splice(0, this.head);
    this.head = 0;
  }

  /** Index of the first run whose start is > x (binary search over live runs). */
  private firstAfter(x: number): number {
    let lo = this.head;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

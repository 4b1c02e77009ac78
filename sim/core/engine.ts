// The event loop. One binary min-heap ordered by a single key, (timeUs, seq):
// the virtual time in integer microseconds, then the scheduling sequence number,
// so equal-time events run in the order they were scheduled. Nothing else orders
// events. Everything else (nodes, networks, RocketMQ) is layered on top.
//
// Storage is struct-of-arrays in typed arrays (no object per event) because this
// loop is the hot path of every run; see `rocketsim bench timer-storm`.
//
// A timer lives in a slot. The heap holds slot numbers. Cancelling is lazy: the
// slot is marked dead (its closure released at once) and skipped when it reaches
// the top; when dead entries pass half the heap, the heap is rebuilt without them
// (simulations cancel most of their timeouts, so they must not pile up). A TimerId
// packs the slot with a generation counter so a stale id can never cancel a
// reused slot.

export type Callback = () => void;
export type TimerId = number;

/**
 * Vets an owned timer when it fires (a node checks the incarnation, `tag`, the
 * timer was armed in). The engine keeps owner and tag per slot, so callers need
 * no wrapping closure per timer: most of a run's timers are a node's.
 */
export interface TimerOwner {
  fireOwned(fn: Callback, tag: number): void;
}

/** How a periodic timer re-arms (Java's ScheduledExecutorService semantics). */
export type PeriodMode = "rate" | "delay";

export interface RunOptions {
  /** Stop before the first event at or after this time; the clock is left there. */
  untilUs?: number;
  /** Stop after this many events (a guard against runaway scenarios). */
  maxEvents?: number;
}

export type StopReason = "until" | "drained" | "max-events" | "stopped";

export interface RunResult {
  reason: StopReason;
  events: number;
  nowUs: number;
}

const SLOT_BITS = 2 ** 24; // up to 16M simultaneous timers
const FREE = 0, ARMED = 1, HELD = 2, DEAD = 3;

export class Engine {
  private _nowUs = 0;
  private seqCounter = 0;
  private _events = 0;
  private stopRequested = false;

  // Heap of slot numbers, keyed by the slot's (key, seq).
  private heap = new Int32Array(1024);
  private size = 0;

  // Per-slot data.
  private cap = 0;
  private key = new Float64Array(0); // when the slot fires (µs)
  private seq = new Float64Array(0); // tie-break: scheduling order
  private nominal = new Float64Array(0); // fixed-rate: the Java "next run time"
  private period = new Float64Array(0); // 0 for one-shot
  private rate = new Uint8Array(0); // 1 fixed-rate, 0 fixed-delay
  private state = new Uint8Array(0);
  private gen = new Int32Array(0);
  private fns: (Callback | null)[] = [];
  private owners: (TimerOwner | null)[] = [];
  private tags = new Int32Array(0);
  private freeSlots: number[] = [];
  private firing = -1; // slot whose callback is running
  private dead = 0; // cancelled entries still in the heap

  constructor() {
    this.grow(1024);
  }

  get nowUs(): number {
    return this._nowUs;
  }

  /** Events executed so far. */
  get events(): number {
    return this._events;
  }

  /** Timers waiting in the queue (cancelled ones excluded). */
  get pending(): number {
    return this.size - this.dead;
  }

  /** Run `fn` at absolute virtual time `timeUs` (never earlier than now). */
  at(timeUs: number, fn: Callback): TimerId {
    const slot = this.alloc(fn, 0, false);
    this.push(slot, Math.max(Math.round(timeUs), this._nowUs));
    return this.idOf(slot);
  }

  /** Run `fn` after `delayUs` microseconds. */
  after(delayUs: number, fn: Callback): TimerId {
    return this.at(this._nowUs + Math.max(0, delayUs), fn);
  }

  /** `after`, but firing calls `owner.fireOwned(fn, tag)` instead of `fn()`. */
  afterOwned(delayUs: number, fn: Callback, owner: TimerOwner, tag: number): TimerId {
    const slot = this.alloc(fn, 0, false);
    this.owners[slot] = owner;
    this.tags[slot] = tag;
    this.push(slot, Math.max(Math.round(this._nowUs + Math.max(0, delayUs)), this._nowUs));
    return this.idOf(slot);
  }

  /**
   * Run `fn` every `periodUs`, first after `initialDelayUs`.
   * "rate": the next run is due at previous due time + period (runs missed during
   * a stall happen back to back, as Java's scheduleAtFixedRate does).
   * "delay": the next run is due `periodUs` after the previous run ended.
   */
  every(periodUs: number, fn: Callback, initialDelayUs = periodUs, mode: PeriodMode = "rate"): TimerId {
    if (!(periodUs > 0)) throw new Error(`periodic timer needs a positive period, got ${periodUs}`);
    const slot = this.alloc(fn, Math.round(periodUs), mode === "rate");
    const first = this._nowUs + Math.max(0, Math.round(initialDelayUs));
    this.nominal[slot] = first;
    this.push(slot, first);
    return this.idOf(slot);
  }

  /** Cancel a timer; unknown, fired or already cancelled ids are ignored. */
  cancel(id: TimerId): void {
    const slot = this.slotOf(id);
    if (slot < 0) return;
    const st = this.state[slot];
    if (st === ARMED) {
      this.state[slot] = DEAD;
      if (slot === this.firing) return; // run() pops it after the callback
      this.fns[slot] = null; // release the closure now; the slot leaves the heap later
      this.dead++;
    } else if (st === HELD) {
      this.free(slot);
    }
  }

  /**
   * Called from inside a firing callback: this firing did not happen, keep the timer
   * parked (not re-armed) until `release`. Used by paused nodes: their timers and
   * deliveries wait and fire late on resume.
   */
  holdCurrent(): TimerId {
    if (this.firing < 0) throw new Error("holdCurrent() outside a timer callback");
    this.state[this.firing] = HELD;
    return this.idOf(this.firing);
  }

  /** Fire a held timer now (after already-queued events at this time). */
  release(id: TimerId): void {
    const slot = this.slotOf(id);
    if (slot < 0 || this.state[slot] !== HELD) return;
    this.state[slot] = ARMED;
    this.push(slot, this._nowUs);
  }

  /** Ask `run` to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  run(opts: RunOptions = {}): RunResult {
    const until = opts.untilUs ?? Infinity;
    const maxEvents = opts.maxEvents ?? Infinity;
    // No typed array is cached across callbacks: a callback may grow them.
    this.stopRequested = false;
    let executed = 0;
    let reason: StopReason = "drained";
    while (this.size > 0) {
      const slot = this.heap[0];
      if (this.state[slot] === DEAD) {
        this.popRoot();
        this.free(slot);
        this.dead--;
        continue;
      }
      const t = this.key[slot];
      if (t >= until) { reason = "until"; break; }
      if (executed >= maxEvents) { reason = "max-events"; break; }
      this._nowUs = t;
      executed++;
      this.firing = slot;
      const fn = this.fns[slot]!;
      const p = this.period[slot];
      const owner = this.owners[slot];
      if (owner === null) fn();
      else owner.fireOwned(fn, this.tags[slot]);
      this.firing = -1;
      // The callback may have cancelled or held its own timer.
      const st = this.state[slot];
      if (p > 0 && st === ARMED) {
        let next: number;
        if (this.rate[slot] === 1) {
          next = this.nominal[slot] + p;
          this.nominal[slot] = next;
          if (next < this._nowUs) next = this._nowUs;
        } else {
          next = this._nowUs + p;
        }
        this.key[slot] = next;
        this.seq[slot] = this.seqCounter++;
        this.siftDown(0); // root is still this slot: re-key in place
      } else if (st === HELD) {
        this.popRoot();
        // fixed-rate keeps its nominal schedule; delay re-arms from the release
      } else {
        this.popRoot();
        this.free(slot);
      }
      if (this.dead > 512 && this.dead * 2 > this.size) this.compact();
      if (this.stopRequested) { reason = "stopped"; break; }
    }
    if (reason === "until" || (reason === "drained" && until !== Infinity)) this._nowUs = Math.max(this._nowUs, until);
    this._events += executed;
    return { reason, events: executed, nowUs: this._nowUs };
  }

  // ---- slots -------------------------------------------------------------

  private alloc(fn: Callback, periodUs: number, rate: boolean): number {
    if (this.freeSlots.length === 0) this.grow(this.cap * 2);
    const slot = this.freeSlots.pop()!;
    this.fns[slot] = fn;
    this.owners[slot] = null;
    this.period[slot] = periodUs;
    this.rate[slot] = rate ? 1 : 0;
    this.state[slot] = ARMED;
    return slot;
  }

  private free(slot: number): void {
    this.fns[slot] = null;
    this.owners[slot] = null;
    this.state[slot] = FREE;
    this.gen[slot] = (this.gen[slot] + 1) & 0x3fffffff;
    this.freeSlots.push(slot);
  }

  private idOf(slot: number): TimerId {
    return this.gen[slot] * SLOT_BITS + slot;
  }

  private slotOf(id: TimerId): number {
    const slot = id % SLOT_BITS;
    if (slot >= this.cap || this.gen[slot] !== Math.floor(id / SLOT_BITS)) return -1;
    return slot;
  }

  private grow(newCap: number): void {
    if (newCap > SLOT_BITS) throw new Error("too many simultaneous timers");
    const old = this.cap;
    const f64 = (a: Float64Array) => { const b = new Float64Array(newCap); b.set(a); return b; };
    this.key = f64(this.key);
    this.seq = f64(this.seq);
    this.nominal = f64(this.nominal);
    this.period = f64(this.period);
    const r = new Uint8Array(newCap); r.set(this.rate); this.rate = r;
    const s = new Uint8Array(newCap); s.set(this.state); this.state = s;
    const g = new Int32Array(newCap); g.set(this.gen); this.gen = g;
    const tg = new Int32Array(newCap); tg.set(this.tags); this.tags = tg;
    for (let i = newCap - 1; i >= old; i--) this.freeSlots.push(i);
    this.cap = newCap;
  }

  // ---- heap --------------------------------------------------------------

  /** Drop cancelled entries and re-heapify (order is by the total key, so shape is irrelevant). */
  private compact(): void {
    const heap = this.heap;
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      const slot = heap[i];
      if (this.state[slot] === DEAD) this.free(slot);
      else heap[n++] = slot;
    }
    this.size = n;
    this.dead = 0;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a], kb = this.key[b];
    return ka < kb || (ka === kb && this.seq[a] < this.seq[b]);
  }

  private push(slot: number, timeUs: number): void {
    this.key[slot] = timeUs;
    this.seq[slot] = this.seqCounter++;
    if (this.size === this.heap.length) {
      const h = new Int32Array(this.heap.length * 2);
      h.set(this.heap);
      this.heap = h;
    }
    const heap = this.heap;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(slot, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = slot;
  }

  private popRoot(): void {
    const last = this.heap[--this.size];
    if (this.size > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private siftDown(i: number): void {
    const heap = this.heap, n = this.size, key = this.key, seq = this.seq;
    const slot = heap[i];
    const k = key[slot], s = seq[slot];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let m = l;
      if (r < n) {
        const a = heap[l], b = heap[r];
        if (key[b] < key[a] || (key[b] === key[a] && seq[b] < seq[a])) m = r;
      }
      const c = heap[m];
      if (k < key[c] || (k === key[c] && s < seq[c])) break;
      heap[i] = c;
      i = m;
    }
    heap[i] = slot;
  }
}

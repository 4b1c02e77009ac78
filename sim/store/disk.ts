// A broker machine's disk under its page cache.
//
// Fault model:
// - Writes land in the OS page cache. A write costs `writeUs` (default 0: a memcpy
//   into the mmap'd CommitLog); the store serializes writes (its put lock), so a slow
//   write delays every put behind it.
// - Durability only comes from fsync. fsyncs are serialized (one at a time, FIFO); an
//   fsync of N dirty bytes takes `fsyncUs` + N / bandwidth. It runs in the kernel: a
//   process crash does not stop it (its completion still makes data durable), a power
//   loss does (the in-flight and queued fsyncs are forgotten, nothing they covered is
//   durable).
// - slow: latencies × factor and bandwidth ÷ factor, or latencies replaced by given
//   distributions. fail: every write and fsync errors (an fsync that completes while
//   the disk is failed reports an error too). full: no space — the store refuses
//   appends (fsync of already written pages still works). heal: back to normal.
// - The Disk object lives in the node's `disk` map: it and its faults survive process
//   restarts. Samples come from the seeded stream `disk/<node>`.

import type { Node } from "../core/node.js";
import { sampler, type Distribution, type Sampler } from "../core/distribution.js";
import type { Rng } from "../core/random.js";

export interface DiskOptions {
  /** Time to append one message into the page cache (µs). Default fixed 0. */
  writeUs?: Distribution;
  /** Fixed cost of one fsync (µs). Default fixed 1000 (1 ms). */
  fsyncUs?: Distribution;
  /** Write-back bandwidth, bytes per second. Default 500 MB/s. */
  bandwidthBytesPerSec?: number;
}

export interface SlowDisk {
  /** Multiply write and fsync latencies (and divide bandwidth) by this. */
  factor?: number;
  /** Replace the write latency distribution. */
  writeUs?: Distribution;
  /** Replace the fsync latency distribution. */
  fsyncUs?: Distribution;
}

const DISK_KEY = "store.disk";
const ZERO: Distribution = { distribution: "fixed", value: 0 };
const ONE_MS: Distribution = { distribution: "fixed", value: 1000 };

/** Result of an fsync: ok, or an I/O error (the data is not durable). */
export type FsyncDone = (ok: boolean) => void;

export class Disk {
  /** Current fault state (read by the store). */
  failed = false;
  full = false;
  /** Bumped by a power loss: in-flight fsyncs of an older generation never land. */
  generation = 0;
  /** Counters for tests and displays. */
  fsyncs = 0;
  fsyncErrors = 0;
  fsyncBytes = 0;

  private rng: Rng | null = null;
  private baseWrite: Sampler = sampler(ZERO);
  private baseFsync: Sampler = sampler(ONE_MS);
  private baseWriteIsZero = true;
  private bandwidth = 500e6;
  private slowFactor = 1;
  private slowWrite: Sampler | null = null;
  private slowFsync: Sampler | null = null;
  private slowWriteIsZero = false;

  private busy = false;
  private qBytes: number[] = [];
  private qDone: FsyncDone[] = [];

  constructor(private readonly node: Node) {}

  /** (Re)apply options; called by each store incarnation. Faults are kept. */
  configure(opts: DiskOptions, rng: Rng): void {
    this.rng = rng;
    const w = opts.writeUs ?? ZERO;
    this.baseWrite = sampler(w);
    this.baseWriteIsZero = w.distribution === "fixed" && Math.round(w.value) === 0;
    this.baseFsync = sampler(opts.fsyncUs ?? ONE_MS);
    this.bandwidth = opts.bandwidthBytesPerSec ?? 500e6;
  }

  /** True when a write costs nothing, so the store may complete a put synchronously. */
  get instantWrites(): boolean {
    return this.slowWrite ? this.slowWriteIsZero : this.baseWriteIsZero;
  }

  /** Draw the duration of one page-cache write (µs). */
  writeUs(): number {
    if (this.slowWrite) return this.slowWrite(this.rng!);
    if (this.baseWriteIsZero) return 0;
    return Math.round(this.baseWrite(this.rng!) * this.slowFactor);
  }

  private fsyncDurationUs(bytes: number): number {
    const fixed = this.slowFsync ? this.slowFsync(this.rng!) : this.baseFsync(this.rng!) * this.slowFactor;
    return Math.round(fixed + (bytes * 1e6 * this.slowFactor) / this.bandwidth);
  }

  /** fsync `bytes` dirty bytes; `done` runs when it completes (also if the process died meanwhile). */
  fsync(bytes: number, done: FsyncDone): void {
    if (this.busy) { this.qBytes.push(bytes); this.qDone.push(done); return; }
    this.startFsync(bytes, done);
  }

  get fsyncBusy(): boolean {
    return this.busy;
  }

  private startFsync(bytes: number, done: FsyncDone): void {
    this.busy = true;
    const gen = this.generation;
    const dur = this.fsyncDurationUs(bytes);
    // Engine timer, not a process timer: the kernel finishes an fsync of a dead process.
    this.node.engine.after(dur, () => {
      if (gen !== this.generation) return; // the power went off meanwhile
      this.busy = false;
      const ok = !this.failed;
      this.fsyncs++;
      if (ok) this.fsyncBytes += bytes; else this.fsyncErrors++;
      done(ok);
      if (!this.busy && this.qDone.length > 0) this.startFsync(this.qBytes.shift()!, this.qDone.shift()!);
    });
  }

  // ---- faults --------------------------------------------------------------

  slow(s: SlowDisk): void {
    this.slowFactor = s.factor ?? 1;
    this.slowWrite = s.writeUs ? sampler(s.writeUs) : null;
    this.slowWriteIsZero = !!s.writeUs && s.writeUs.distribution === "fixed" && Math.round(s.writeUs.value) === 0;
    this.slowFsync = s.fsyncUs ? sampler(s.fsyncUs) : null;
  }

  heal(): void {
    this.slowFactor = 1;
    this.slowWrite = null;
    this.slowFsync = null;
    this.failed = false;
    this.full = false;
  }

  /** The host lost power: queued and in-flight fsyncs never complete. */
  powerLoss(): void {
    this.generation++;
    this.busy = false;
    this.qBytes = [];
    this.qDone = [];
  }
}

/** The node's disk, created on first use. */
export function diskOf(node: Node): Disk {
  let d = node.disk.get(DISK_KEY) as Disk | undefined;
  if (!d) { d = new Disk(node); node.disk.set(DISK_KEY, d); }
  return d;
}

// ---- the fault layer's entry points ----------------------------------------

/** slow-disk: scale latencies by `factor`, or replace them with distributions. */
export function slowDisk(node: Node, s: SlowDisk): void {
  diskOf(node).slow(s);
}

/** disk-fail: writes and fsyncs error until healed. */
export function failDisk(node: Node): void {
  diskOf(node).failed = true;
}

/** disk-full: appends are refused (SERVICE_NOT_AVAILABLE) until healed. */
export function fillDisk(node: Node): void {
  diskOf(node).full = true;
}

/** heal: undo slow/fail/full. */
export function healDisk(node: Node): void {
  diskOf(node).heal();
}

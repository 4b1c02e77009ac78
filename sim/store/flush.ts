// CommitLog flushing (ST/CommitLog.java: FlushRealTimeService, GroupCommitService;
// ST/FlushDiskWatcher.java). One instance per broker process.
//
// Fault model: the services are process threads — their timers die with the process
// and wait while it is paused. An fsync they started belongs to the kernel (disk.ts):
// it still makes data durable after a crash, and is lost with the power.
// - ASYNC_FLUSH (FlushRealTimeService, flushCommitLogTimed=true): loop { if
//   thoroughInterval (10 s) elapsed since the last thorough pass then leastPages = 0;
//   sleep(flushIntervalCommitLog = 500 ms); flush(leastPages) }. flush(n) fsyncs all
//   dirty bytes if at least n 4 KiB pages are dirty (MappedFile#isAbleToFlush:
//   write/4096 − flushed/4096 ≥ n), any dirty byte if n = 0. Puts never wait.
// - SYNC_FLUSH (GroupCommitService): a put waits for an fsync covering its end offset.
//   The service wakes on each request (waitForRunning(10) + wakeup), fsyncs everything
//   written so far, wakes every waiter it covered, and goes again at once if requests
//   came in meanwhile (that is the group commit); with no request it still flushes
//   dirty data every 10 ms. A waiter not covered within syncFlushTimeout (5 s) gets
//   FLUSH_DISK_TIMEOUT from the watcher (the message stays stored).
// - An fsync error (disk-fail) leaves the data not durable; the waiters of that batch
//   get FLUSH_DISK_TIMEOUT at once (doCommit: flush retried, then FLUSH_DISK_TIMEOUT).
//   Deliberate difference: 4.9.8's MappedFile#flush logs a failed force() and advances
//   flushedPosition anyway; here a failed fsync never counts as durable.
// - 5.x DefaultMappedFile#flush does nothing while the store is not writeable (disk
//   full): `skipFlushWhenDiskFull` (true for 5.3, false for 4.9).

import type { Node } from "../core/node.js";
import type { CommitLog } from "./commit-log.js";
import type { Disk } from "./disk.js";
import type { PutDone, PutResult } from "./types.js";

const OS_PAGE_SIZE = 4096; // MappedFile.OS_PAGE_SIZE
const GROUP_COMMIT_WAIT_US = 10_000; // GroupCommitService: waitForRunning(10)

export interface FlushOptions {
  flushDiskType: "ASYNC_FLUSH" | "SYNC_FLUSH";
  flushIntervalCommitLogUs: number;
  flushCommitLogLeastPages: number;
  flushCommitLogThoroughIntervalUs: number;
  syncFlushTimeoutUs: number;
  skipFlushWhenDiskFull: boolean;
  /** The flushed position moved (5.x SYNC_FLUSH: consumers may read up to it). */
  onFlushed?: () => void;
}

export class FlushService {
  private inFlight = false;
  // ASYNC_FLUSH
  private lastThoroughUs = -Infinity;
  private nextLeast = 0;
  // SYNC_FLUSH: FIFO of waiting puts (end offsets and deadlines only grow).
  private qEnd: number[] = [];
  private qDeadline: number[] = [];
  private qResult: PutResult[] = [];
  private qDone: PutDone[] = [];
  private qHead = 0;
  private watchArmed = false;
  private tickArmed = false;

  constructor(private readonly node: Node, private readonly log: CommitLog, private readonly disk: Disk,
    private readonly opts: FlushOptions) {}

  get sync(): boolean {
    return this.opts.flushDiskType === "SYNC_FLUSH";
  }

  start(): void {
    if (!this.sync) this.loopAsync();
    else if (this.log.writePos > this.log.flushedPos) this.armTick();
  }

  /** Puts waiting for a SYNC_FLUSH fsync. */
  get waiting(): number {
    return this.qDone.length - this.qHead;
  }

  // ---- shared ----------------------------------------------------------------

  /** fsync everything below `target`; `then(ok)` runs on this process when it is done. */
  private fsyncTo(target: number, then: (ok: boolean) => void): void {
    const node = this.node, log = this.log, inc = node.incarnation;
    this.inFlight = true;
    this.disk.fsync(target - log.flushedPos, (ok) => {
      if (ok) log.markFlushed(target); // the kernel's work: durable even if we died
      if (node.incarnation !== inc || node.process === null) return;
      node.handOver(() => {
        if (node.incarnation !== inc) return;
        if (ok) this.opts.onFlushed?.();
        then(ok);
      });
    });
  }

  private canFlush(leastPages: number): boolean {
    const w = this.log.writePos, f = this.log.flushedPos;
    if (w <= f) return false;
    if (this.opts.skipFlushWhenDiskFull && this.disk.full) return false;
    return leastPages <= 0 || Math.floor(w / OS_PAGE_SIZE) - Math.floor(f / OS_PAGE_SIZE) >= leastPages;
  }

  // ---- ASYNC_FLUSH: FlushRealTimeService ----------------------------------------

  private loopAsync = (): void => {
    const now = this.node.engine.nowUs;
    let least = this.opts.flushCommitLogLeastPages;
    if (now >= this.lastThoroughUs + this.opts.flushCommitLogThoroughIntervalUs) {
      this.lastThoroughUs = now;
      least = 0;
    }
    this.nextLeast = least;
    this.node.after(this.opts.flushIntervalCommitLogUs, this.flushAsync);
  };

  private flushAsync = (): void => {
    if (this.inFlight || !this.canFlush(this.nextLeast)) { this.loopAsync(); return; }
    this.fsyncTo(this.log.writePos, this.afterAsync);
  };

  private afterAsync = (): void => {
    this.inFlight = false;
    this.loopAsync();
  };

  // ---- SYNC_FLUSH: GroupCommitService + FlushDiskWatcher ----------------------------

  /** A put whose record ends at `end` waits for its flush (CommitLog#submitFlushRequest). */
  waitFor(end: number, r: PutResult, done: PutDone): void {
    const deadline = this.node.engine.nowUs + this.opts.syncFlushTimeoutUs;
    this.qEnd.push(end);
    this.qDeadline.push(deadline);
    this.qResult.push(r);
    this.qDone.push(done);
    if (!this.watchArmed) this.armWatch(deadline);
    if (!this.inFlight) this.commit();
  }

  /** Data was appended that nobody waits for (a slave's replicated data, SYNC_FLUSH). */
  noteDirty(): void {
    if (this.sync && !this.inFlight) this.armTick();
  }

  private commit(): void {
    const target = this.log.writePos;
    if (!this.canFlush(0)) { this.completeAlreadyFlushed(); return; }
    this.fsyncTo(target, (ok) => this.afterCommit(ok, target));
  }

  /** Nothing to fsync (or 5.x skips flushing on a full disk): wake who is covered, retry in 10 ms. */
  private completeAlreadyFlushed(): void {
    this.inFlight = true;
    this.completeCovered(true, this.log.flushedPos);
    this.inFlight = false;
    if (this.waiting > 0) this.armTick();
  }

  private afterCommit(ok: boolean, target: number): void {
    // inFlight stays set while waking waiters: a put made from a callback only enqueues.
    this.completeCovered(ok, ok ? this.log.flushedPos : target);
    this.inFlight = false;
    if (this.waiting > 0) this.commit();
    else if (this.log.writePos > this.log.flushedPos) this.armTick();
  }

  /** Wake the waiters whose end is covered: PUT_OK, or FLUSH_DISK_TIMEOUT if the fsync failed. */
  private completeCovered(ok: boolean, upTo: number): void {
    while (this.qHead < this.qDone.length && this.qEnd[this.qHead] <= upTo) {
      const i = this.qHead++;
      const done = this.qDone[i], r = this.qResult[i];
      this.compact();
      done(ok ? "PUT_OK" : "FLUSH_DISK_TIMEOUT", r);
    }
  }

  private armWatch(deadline: number): void {
    this.watchArmed = true;
    this.node.after(deadline - this.node.engine.nowUs, this.watch);
  }

  private watch = (): void => {
    this.watchArmed = false;
    const now = this.node.engine.nowUs;
    while (this.qHead < this.qDone.length && this.qDeadline[this.qHead] <= now) {
      const i = this.qHead++;
      const done = this.qDone[i], r = this.qResult[i];
      this.compact();
      done("FLUSH_DISK_TIMEOUT", r);
    }
    if (this.qHead < this.qDone.length && !this.watchArmed) this.armWatch(this.qDeadline[this.qHead]);
  };

  private armTick(): void {
    if (this.tickArmed) return;
    this.tickArmed = true;
    this.node.after(GROUP_COMMIT_WAIT_US, this.tick);
  }

  private tick = (): void => {
    this.tickArmed = false;
    if (this.inFlight) return; // a commit is running; it re-arms the tick if needed
    if (!this.canFlush(0)) { this.completeAlreadyFlushed(); return; }
    const target = this.log.writePos;
    this.fsyncTo(target, (ok) => this.afterCommit(ok, target));
  };

  /** Drop consumed FIFO slots now and then (keeps the arrays short without shifting each time). */
  private compact(): void {
    const h = this.qHead;
    if (h < 1024 || h * 2 < this.qDone.length) return;
    this.qEnd.splice(0, h);
    this.qDeadline.splice(0, h);
    this.qResult.splice(0, h);
    this.qDone.splice(0, h);
    this.qHead = 0;
  }
}

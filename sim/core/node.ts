// A simulated machine running one process (a NameServer, a broker, a client).
//
// Fault model:
// - crash: the process dies, the host lives (its OS closes sockets: peers see FIN).
// - power-off: host and process die; nothing is sent (peers notice by timeouts).
// - pause: the process stalls (GC, SIGSTOP): its timers and incoming messages wait
//   and run late, in order, on resume. The host's TCP stack keeps working.
// - start/restart: a fresh process (new incarnation, empty state).
// A process's timers belong to its incarnation: when it dies they never fire.

import type { Callback, Engine, PeriodMode, TimerId, TimerOwner } from "./engine.js";

export type NodeStatus = "up" | "paused" | "crashed" | "off" | "stopped";

export interface Process {
  /** Called once when the process starts (timers may be armed here). */
  start(): void;
}

export class Node<P extends Process = Process> implements TimerOwner {
  hostOn = true;
  process: P | null = null;
  paused = false;
  /** Bumped at every start and every death; timers carry the value they were armed with. */
  incarnation = 0;
  /** How the node last went down (for status displays and tests). */
  downHow: "crash" | "power-off" | "shutdown" | null = null;
  /** What survives a process restart (the disk). Power-off losses are the store's business. */
  readonly disk = new Map<string, unknown>();
  private held: TimerId[] = [];

  constructor(
    readonly engine: Engine,
    readonly name: string,
    readonly ip: string,
    private readonly factory: (node: Node<P>) => P,
  ) {}

  get running(): boolean {
    return this.process !== null;
  }

  get status(): NodeStatus {
    if (!this.hostOn) return "off";
    if (this.process === null) return this.downHow === "shutdown" ? "stopped" : "crashed";
    return this.paused ? "paused" : "up";
  }

  /** Start a fresh process (powering the host on if needed). */
  start(): void {
    if (this.process) throw new Error(`${this.name} is already running`);
    this.hostOn = true;
    this.paused = false;
    this.downHow = null;
    this.incarnation++;
    this.process = this.factory(this);
    this.process.start();
  }

  /** The process dies; the host stays up unless `powerOff`. */
  kill(how: "crash" | "power-off" | "shutdown"): void {
    this.process = null;
    this.paused = false;
    this.downHow = how;
    this.incarnation++;
    for (const id of this.held) this.engine.cancel(id);
    this.held = [];
    if (how === "power-off") this.hostOn = false;
  }

  pause(): void {
    if (this.process) this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const id of held) this.engine.release(id);
  }

  // ---- process timers: die with the incarnation, wait while paused -------

  after(delayUs: number, fn: () => void): TimerId {
    // The engine hands the timer back to fireOwned with its incarnation: no wrapping closure.
    return this.engine.afterOwned(delayUs, fn, this, this.incarnation);
  }

  /** An owned timer (see `after`) fires. */
  fireOwned(fn: Callback, inc: number): void {
    this.fire(inc, fn, 0);
  }

  every(periodUs: number, fn: () => void, initialDelayUs: number, mode: PeriodMode): TimerId {
    const inc = this.incarnation;
    let id = 0;
    id = this.engine.every(periodUs, () => this.fire(inc, fn, id), initialDelayUs, mode);
    return id;
  }

  cancel(id: TimerId): void {
    this.engine.cancel(id);
  }

  /**
   * Hand something that has arrived (a message the kernel accepted) to the process:
   * now, or on resume if it is paused.
   */
  handOver(fn: () => void): void {
    if (!this.paused) { fn(); return; }
    const inc = this.incarnation;
    this.engine.after(0, () => this.fire(inc, fn, 0));
  }

  private fire(inc: number, fn: () => void, periodicId: TimerId): void {
    if (inc !== this.incarnation || this.process === null) {
      if (periodicId) this.engine.cancel(periodicId);
      return;
    }
    if (this.paused) {
      this.held.push(this.engine.holdCurrent());
      return;
    }
    fn();
  }
}

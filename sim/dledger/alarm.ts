// One re-armable process timer: how the model replaces DLedger's polling threads
// (ShutdownAbleThread.waitForRunning, StateMaintainer's sleep) with events. A thread that
// would poll until a condition holds instead sets its alarm for the time the condition can
// next change; a wakeup() becomes set(now).
//
// Latch: Java's CountDownLatch(1).await(timeout) for a thread that sends requests and waits
// for enough answers.
//
// Fault model: the timer belongs to the process incarnation (Node.after): it never fires
// after the process died and waits while the process is paused.

import type { Node } from "../core/node.js";

export class Alarm {
  private id = 0;
  private atUs = Infinity;

  constructor(private readonly node: Node, private readonly fn: () => void) {}

  /** Fire at `atUs` (not before now) unless already due at or before it. */
  set(atUs: number): void {
    const now = this.node.engine.nowUs;
    const at = Math.max(atUs, now);
    if (this.id !== 0 && this.atUs <= at) return;
    this.reset(at);
  }

  /** Fire at `atUs` (not before now), replacing whatever was set. */
  reset(atUs: number): void {
    const now = this.node.engine.nowUs;
    const at = Math.max(atUs, now);
    if (this.id !== 0) this.node.cancel(this.id);
    this.atUs = at;
    this.id = this.node.after(at - now, () => {
      this.id = 0;
      this.atUs = Infinity;
      this.fn();
    });
  }

  clear(): void {
    if (this.id !== 0) this.node.cancel(this.id);
    this.id = 0;
    this.atUs = Infinity;
  }
}

/**
 * A CountDownLatch(1) a thread awaits with a timeout: `then` runs once, when counted down or
 * when the wait ends. Countdowns before armed() (answers that came during the sending loop)
 * take effect once the loop is done; the wait starts at armed().
 */
export class Latch {
  private timer = 0;
  private sending = true;
  private due = false;
  private done = false;

  constructor(private readonly node: Node, private readonly waitUs: number, private readonly then: () => void) {}

  countDown(): void {
    if (this.done) return;
    if (this.sending) { this.due = true; return; }
    this.done = true;
    if (this.timer !== 0) this.node.cancel(this.timer);
    this.then();
  }

  /** The requests are out: start waiting (`waitUs` overrides the constructor's). */
  armed(waitUs = this.waitUs): void {
    this.sending = false;
    if (this.due) { this.countDown(); return; }
    this.timer = this.node.after(waitUs, () => { this.timer = 0; this.countDown(); });
  }
}

// SYNC_MASTER puts waiting for a slave (ST/ha/HAService.GroupTransferService in 4.9.8,
// ST/ha/GroupTransferService in 5.x).
//
// Fault model: a thread of the master process — its timer dies with the process (waiting
// puts never answer, as their producer's request times out) and waits while it is paused.
// - 4.9: a request is done when push2SlaveMaxOffset (the highest offset any slave acked)
//   reaches its end offset.
// - 5.x: when at least ackNums - 1 connections acked its end offset (inSyncReplicas counts
//   the master).
// Otherwise FLUSH_SLAVE_TIMEOUT at its deadline (slaveTimeout after the put). Simplification:
// RocketMQ re-checks a deadline when the service wakes (each ack, else every 1 s in 4.9 /
// 1 ms in 5.x) and handles requests one after another, so a timeout can be reported up to
// ~1 s late in 4.9 when no ack arrives at all; here each request times out at its deadline.

import type { Node } from "../../core/node.js";
import type { PutStatus } from "../types.js";

interface Req { next: number; deadline: number; acks: number; done: (s: PutStatus) => void }

export class GroupTransfer {
  private q: Req[] = [];
  private head = 0;
  private watchArmed = false;

  /** `ok(next, acks)`: is a request for `next` with `acks` (0 = 4.9 rule) satisfied now? */
  constructor(private readonly node: Node, private readonly ok: (next: number, acks: number) => boolean) {}

  get waiting(): number {
    return this.q.length - this.head;
  }

  put(next: number, timeoutUs: number, acks: number, done: (s: PutStatus) => void): void {
    const deadline = this.node.engine.nowUs + timeoutUs;
    this.q.push({ next, deadline, acks, done });
    if (!this.watchArmed) this.arm(deadline);
    this.notify();
  }

  /** An ack arrived (notifyTransferSome): wake the requests it satisfies, in order. */
  notify(): void {
    while (this.head < this.q.length) {
      const r = this.q[this.head];
      if (!this.ok(r.next, r.acks)) break;
      this.pop().done("PUT_OK");
    }
  }

  private pop(): Req {
    const r = this.q[this.head];
    this.q[this.head++] = undefined!;
    if (this.head >= 1024 && this.head * 2 >= this.q.length) { this.q.splice(0, this.head); this.head = 0; }
    return r;
  }

  private arm(deadline: number): void {
    this.watchArmed = true;
    this.node.after(Math.max(0, deadline - this.node.engine.nowUs), this.watch);
  }

  private watch = (): void => {
    this.watchArmed = false;
    const now = this.node.engine.nowUs;
    while (this.head < this.q.length && this.q[this.head].deadline <= now) this.pop().done("FLUSH_SLAVE_TIMEOUT");
    if (this.head < this.q.length) this.arm(this.q[this.head].deadline);
  };
}

// ScheduleMessageService (4.9.8 store/schedule/, 5.x broker/schedule/): delivers
// SCHEDULE_TOPIC_XXXX messages to their real topic when due. Runs on the master only
// (DefaultMessageStore#handleScheduleMessageService starts it for a master role and
// shuts it down for a slave).
//
// Timing as in RocketMQ: one task per level, first run FIRST_DELAY_TIME = 1 s after
// start, then every run ends by scheduling the next one DELAY_FOR_A_WHILE = 100 ms
// later — also when the head is not due yet. So a message is delivered at the first
// 100 ms tick at or after its deliver time. We do not fire the idle ticks: a level
// with nothing pending sleeps, and wakes on the tick grid (start + 1 s + k·100 ms)
// when a message arrives or falls due — the same instants the polling loop would hit.
// A failed put is retried on the next tick (syncDeliver). Delivery offsets are
// persisted every flushDelayOffsetInterval = 10 s (first after 10 s) to the node's // wall-clock ok: a key name, not a host timer
// disk, so a restart re-delivers what was delivered since (duplicates, as in
// RocketMQ). A slave copies the master's file every sync (slave-sync.ts), so a promoted
// slave resumes from the master's last persisted offsets.

import type { Node } from "../core/node.js";
import { DELAY_LEVELS_US, fromScheduled, MAX_DELAY_LEVEL, SCHEDULE_TOPIC } from "./delay-level.js";
import type { StorePort } from "./store-port.js";

const FIRST_DELAY_US = 1_000_000;
const TICK_US = 100_000;
const PERSIST_US = 10_000_000;
/** delayOffset.json on the node's disk (also written by a slave's SlaveSynchronize). */
export const DELAY_OFFSET_KEY = "delayOffset";
const ALL = (): boolean => true;

export class ScheduleService {
  private readonly offsets: number[] = new Array(MAX_DELAY_LEVEL).fill(0);
  private readonly timers: number[] = new Array(MAX_DELAY_LEVEL).fill(0);
  private readonly busy: boolean[] = new Array(MAX_DELAY_LEVEL).fill(false);
  private anchorUs = -1;
  private persistTimer = 0;

  constructor(private readonly node: Node, private readonly store: StorePort, private readonly put: Pick<StorePort, "putMessage">) {
    store.onArrive((topic, queueId) => { if (topic === SCHEDULE_TOPIC && this.started) this.wake(queueId); });
  }

  get started(): boolean { return this.anchorUs >= 0; }

  /** Delivery offset of a level's queue (retention must keep what is not delivered yet). */
  offsetOf(queueId: number): number | undefined { return this.started ? this.offsets[queueId] : undefined; }

  start(): void {
    if (this.started) return;
    this.anchorUs = this.node.engine.nowUs + FIRST_DELAY_US;
    const saved = this.node.disk.get(DELAY_OFFSET_KEY) as number[] | undefined;
    for (let q = 0; q < MAX_DELAY_LEVEL; q++) { this.offsets[q] = saved?.[q] ?? 0; this.wake(q); }
    this.persistTimer = this.node.every(PERSIST_US, () => this.persist(), PERSIST_US, "rate");
  }

  shutdown(): void {
    if (!this.started) return;
    this.persist();
    this.anchorUs = -1;
    for (let q = 0; q < MAX_DELAY_LEVEL; q++) if (this.timers[q]) { this.node.cancel(this.timers[q]); this.timers[q] = 0; }
    this.node.cancel(this.persistTimer);
  }

  private persist(): void {
    this.node.disk.set(DELAY_OFFSET_KEY, [...this.offsets]);
  }

  /** Schedule the level's next run on the tick grid, no earlier than `notBeforeUs`. */
  private wake(queueId: number, notBeforeUs = 0): void {
    if (this.timers[queueId] || this.busy[queueId]) return;
    const now = this.node.engine.nowUs;
    const want = Math.max(now, notBeforeUs, this.anchorUs);
    const at = this.anchorUs + Math.ceil((want - this.anchorUs) / TICK_US) * TICK_US;
    this.timers[queueId] = this.node.after(at - now, () => { this.timers[queueId] = 0; this.run(queueId); });
  }

  /** DeliverDelayedMessageTimerTask#executeOnTimeup: deliver due messages in order, one put at a time. */
  private run(queueId: number): void {
    for (;;) {
      if (!this.started) return;
      const m = this.head(queueId);
      if (m === undefined) return; // nothing pending: sleep until an arrival
      const now = this.node.engine.nowUs;
      // correctDeliverTimestamp: a deliver time beyond now + the level's delay counts as now.
      const due = m.tagsCode > now + DELAY_LEVELS_US[queueId] ? now : m.tagsCode;
      if (due > now) { this.wake(queueId, due); return; }
      const req = fromScheduled(m);
      if (req === null) { this.offsets[queueId]++; continue; }
      let sync = true, ok: boolean | undefined;
      this.busy[queueId] = true;
      this.put.putMessage(req, (status) => {
        this.busy[queueId] = false;
        ok = status === "PUT_OK";
        if (ok) this.offsets[queueId] = Math.max(this.offsets[queueId], m.queueOffset + 1);
        if (!sync) this.afterPut(queueId, ok);
      });
      sync = false;
      if (ok === undefined) return; // the put completes later
      if (!ok) { this.afterPut(queueId, false); return; }
    }
  }

  private afterPut(queueId: number, ok: boolean): void {
    if (!this.started) return;
    if (ok) this.run(queueId);
    else this.wake(queueId, this.node.engine.nowUs + 1); // syncDeliver failed: the same message on the next tick
  }

  /** The level's next undelivered message; corrects an offset outside the queue as RocketMQ does. */
  private head(queueId: number) {
    const r = this.store.getMessage(SCHEDULE_TOPIC, queueId, this.offsets[queueId], 1, ALL);
    if (r.status === "FOUND") return r.messages[0];
    if (r.status === "OFFSET_TOO_SMALL" || r.status === "OFFSET_OVERFLOW_BADLY") {
      this.offsets[queueId] = r.nextBeginOffset;
      const again = this.store.getMessage(SCHEDULE_TOPIC, queueId, this.offsets[queueId], 1, ALL);
      if (again.status === "FOUND") return again.messages[0];
    }
    return undefined;
  }
}

// The master's periodic SyncStateSet tasks: the shrink check every
// checkSyncStateSetPeriod (first after 3 s) and the sampling of the slaves' HA
// acks that drives caught-up times, lost connections and expansions. Modelled on
// ReplicasManager#schedulingCheckSyncStateSet / #checkSyncStateSetAndDoReport /
// #stopCheckSyncStateSet (broker/controller/ReplicasManager.java); the sets come
// from SyncStateTracker (sync-state.ts).
//
// Fault model: the timers belong to the hosting process (they die with it) and run
// only while this broker is master; every proposed change is handed to `report`
// (ALTER_SYNC_STATE_SET), which may be refused or lost — the next check retries.

import type { TimerId } from "../core/engine.js";
import type { Node } from "../core/node.js";
import { CHECK_SYNC_STATE_SET_INITIAL_US, type ControllerClientConfig } from "./protocol.js";
import type { SyncStateTracker } from "./sync-state.js";

export interface MasterSyncHost {
  isMaster(): boolean;
  maxOffset(): number;
  slaveAckOffsets(): ReadonlyMap<number, number>;
  /** Propose `members` to the controller. */
  report(members: number[]): void;
}

export class MasterSyncTasks {
  private timers: TimerId[] = [];

  constructor(
    private readonly node: Node,
    private readonly config: ControllerClientConfig,
    private readonly tracker: SyncStateTracker,
    private readonly host: MasterSyncHost,
  ) {}

  /** schedulingCheckSyncStateSet (re-arming cancels the previous schedule). */
  schedule(): void {
    this.stop();
    const c = this.config;
    this.timers.push(
      this.node.every(c.checkSyncStateSetPeriodUs, () => this.checkAndReport(), CHECK_SYNC_STATE_SET_INITIAL_US, "rate"),
      this.node.every(c.haSampleIntervalUs, () => this.sample(), c.haSampleIntervalUs, "rate"),
    );
  }

  stop(): void {
    for (const t of this.timers) this.node.cancel(t);
    this.timers = [];
  }

  /** checkSyncStateSetAndDoReport: shrink, add ourselves, report if it differs from the confirmed set. */
  checkAndReport(): void {
    if (!this.host.isMaster()) return;
    const next = this.tracker.shrink(this.node.engine.nowUs);
    const cur = this.tracker.localSyncStateSet();
    if (next.length === cur.length && next.every((id, i) => id === cur[i])) return;
    this.host.report(next);
  }

  private sample(): void {
    if (!this.host.isMaster()) return;
    for (const set of this.tracker.sample(this.node.engine.nowUs, this.host.maxOffset(), this.host.slaveAckOffsets())) {
      this.host.report(set);
    }
  }
}

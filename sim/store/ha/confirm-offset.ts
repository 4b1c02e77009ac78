// failover: controller: the CommitLog's confirmOffset — how far consumers may read. The
// ReputMessageService dispatches into the ConsumeQueues only records ending at or below it
// (reput.ts), so a message is pullable once it is "committed", not once it is appended.
// Sources (rocketmq-all-5.3.0):
// - CommitLog#getConfirmOffset: in controller mode a master (role not SLAVE) answers its max
//   offset when its local SyncStateSet is just itself or allAckInSyncStateSet is false (the
//   default) — then nothing changes for consumers; otherwise the stored confirmOffset,
//   computed on first use. A slave answers the stored value.
// - AutoSwitchHAService#computeConfirmOffset: the master's max offset, lowered to the ack
//   offset (> 0) of every connected SyncStateSet member; a member other than the master with
//   no connection leaves the value as it was (getConfirmOffsetDirectly; issue #6662).
// - recomputed on each ack of a set member (updateConfirmOffsetWhenSlaveAck), when the set
//   changes (setSyncStateSet) and on changeToMaster.
// - a slave takes min(header confirmOffset, its max offset) from every transfer frame, the
//   heartbeat included (AutoSwitchHAClient; the master writes getConfirmOffset into
//   AutoSwitchHAConnection's transfer header), so with allAckInSyncStateSet a slave's
//   readable end trails by a frame: the frame carrying a record still names the older value.
// Not modelled: RunningFlags fenced (a fenced master answers the stored value), readUnCommitted
// (reput to the max offset), duplicationEnable (confirmOffset set by an external replicator).
// Fault model: none of its own; the value lives with the CommitLog (commit-log.ts).

import type { HAConnection } from "./ha-connection.js";
import type { HaOptions, HaStore } from "./types.js";

export class ConfirmOffset {
  constructor(private readonly store: HaStore, private readonly opts: HaOptions,
    private readonly connections: readonly HAConnection[]) {
    store.confirmOffsetFn = () => this.get();
  }

  /** CommitLog#getConfirmOffset in controller mode. */
  get(): number {
    const s = this.store;
    if (s.role !== "SLAVE") {
      // An empty set (no set adopted yet) counts as the master alone.
      if (this.localSetSize() <= 1 || this.opts.allAckInSyncStateSet !== true) return s.maxPhyOffset;
      if (s.storedConfirmOffset < 0) s.setConfirmOffset(this.compute());
    }
    return s.storedConfirmOffset;
  }

  /** setConfirmOffset(computeConfirmOffset()): set changed, changeToMaster. */
  update(): void {
    this.store.setConfirmOffset(this.compute());
  }

  /** updateConfirmOffsetWhenSlaveAck: only a member's ack moves it. */
  onSlaveAck(slaveBrokerId: number | null): void {
    if (slaveBrokerId !== null && this.localSet().includes(slaveBrokerId)) this.update();
  }

  /** AutoSwitchHAService#computeConfirmOffset. */
  compute(): number {
    const s = this.store, set = this.opts.syncStateSet?.() ?? [], self = this.opts.selfBrokerId?.() ?? null;
    for (const id of set) {
      if (self !== null && id !== self && !this.connections.some((c) => c.slaveBrokerId === id)) return this.direct();
    }
    let confirm = s.maxPhyOffset;
    for (const c of this.connections) {
      if (c.slaveBrokerId !== null && set.includes(c.slaveBrokerId) && c.slaveAckOffset > 0) confirm = Math.min(confirm, c.slaveAckOffset);
    }
    return confirm;
  }

  /** CommitLog#getConfirmOffsetDirectly: no recomputation. */
  private direct(): number {
    const s = this.store;
    return s.role !== "SLAVE" && this.localSetSize() === 1 ? s.maxPhyOffset : s.storedConfirmOffset;
  }

  private localSet(): readonly number[] {
    return this.opts.localSyncStateSet?.() ?? this.opts.syncStateSet?.() ?? [];
  }

  private localSetSize(): number {
    return this.localSet().length;
  }
}

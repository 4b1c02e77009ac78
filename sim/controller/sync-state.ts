// The master's view of its SyncStateSet: which slaves are caught up, when to
// shrink one out and when to expand one back. Modelled on the SyncStateSet parts of
// store/ha/autoswitch/AutoSwitchHAService.java (maybeShrinkSyncStateSet,
// maybeExpandInSyncStateSet, removeConnection, inSyncReplicasNums, getSyncStateSet) and AutoSwitchHAConnection#maybeExpandInSyncStateSet.
//
// Fault model / simplifications:
// - The host's HA layer is sampled (slave ack offsets by controller broker id, only
//   for connected slaves) every haSampleInterval instead of seeing every ack. A
//   slave is "caught up" at a sample if its ack reached the master's max offset of
//   the previous sample (Java: the end of the last transfer); its caught-up time is
//   now if it acked everything, else the previous sample's time.
// - Shrink (every checkSyncStateSetPeriod): members not caught up for more than
//   haMaxTimeSlaveNotCatchup (15 s), and members never seen connected, leave.
//   A member whose connection disappears leaves at once (removeConnection).
// - Expand (at each sample): a connected non-member that is caught up and past the
//   start offset of the master's epoch joins. Java demands ack >= confirmOffset,
//   which for a master is its max offset at the ack's arrival (CommitLog#getConfirmOffset,
//   allAckInSyncStateSet=false); a sample cannot see that instant, so "acked what the
//   master had at the previous sample" stands in for it.
// - While a change is being reported ("synchronizing"), the set used for
//   in-sync counting is the larger of the local and the proposed one, as in Java.

import { sortedIds } from "./protocol.js";

export class SyncStateTracker {
  /** The SyncStateSet last confirmed by the controller. */
  private local = new Set<number>();
  /** The set proposed to the controller and not yet confirmed (isSynchronizingSyncStateSet). */
  private remote: Set<number> | null = null;
  private readonly caughtUpUs = new Map<number, number>();
  private connected = new Set<number>();
  private prevMasterMax = 0;
  private prevSampleUs = 0;
  private epochStartOffset = 0;

  constructor(private readonly selfId: () => number | null, private readonly maxNotCatchupUs: number) {}

  /** haService.changeToMaster: connections are dropped; the new epoch starts at the current max offset. */
  becomeMaster(nowUs: number, masterMaxOffset: number): void {
    this.connected = new Set();
    this.epochStartOffset = masterMaxOffset;
    this.prevMasterMax = masterMaxOffset;
    this.prevSampleUs = nowUs;
  }

  /** haService.setSyncStateSet: the controller confirmed a set. */
  setSyncStateSet(members: Iterable<number>): void {
    this.local = new Set(members);
    this.remote = null;
  }

  /** getSyncStateSet: the union of the confirmed and proposed sets while synchronizing. */
  syncStateSet(): number[] {
    const all = new Set(this.local);
    if (this.remote) for (const id of this.remote) all.add(id);
    return sortedIds(all);
  }

  localSyncStateSet(): number[] {
    return sortedIds(this.local);
  }

  /** inSyncReplicasNums. */
  inSyncReplicasCount(): number {
    return this.remote ? Math.max(this.local.size, this.remote.size) : this.local.size;
  }

  /**
   * Feed one sample of the slaves' ack offsets. Returns the sets to report to the
   * controller (removed connections, expansions), in order; usually none.
   */
  sample(nowUs: number, masterMax: number, acks: ReadonlyMap<number, number>): number[][] {
    const reports: number[][] = [];
    for (const id of sortedIds(this.connected)) {
      if (acks.has(id) || !this.local.has(id)) continue;
      const next = new Set(this.local);
      next.delete(id);
      this.mark(next);
      reports.push(sortedIds(next));
    }
    this.connected = new Set(acks.keys());
    for (const id of sortedIds(acks.keys())) {
      const ack = acks.get(id)!;
      if (ack < this.prevMasterMax) continue;
      const at = ack >= masterMax ? nowUs : this.prevSampleUs;
      this.caughtUpUs.set(id, Math.max(this.caughtUpUs.get(id) ?? 0, at));
      if (this.local.has(id)) continue;
      if (ack >= this.epochStartOffset) {
        const next = new Set(this.local);
        next.add(id);
        this.mark(next);
        reports.push(sortedIds(next));
      }
    }
    this.prevMasterMax = masterMax;
    this.prevSampleUs = nowUs;
    return reports;
  }

  /** maybeShrinkSyncStateSet, plus the master itself (ReplicasManager#checkSyncStateSetAndDoReport). */
  shrink(nowUs: number): number[] {
    const next = new Set(this.local);
    let changed = false;
    const self = this.selfId();
    for (const id of this.local) {
      if (id === self) continue;
      const t = this.caughtUpUs.get(id);
      if (t === undefined || nowUs - t > this.maxNotCatchupUs) { next.delete(id); changed = true; }
    }
    if (changed) this.mark(next);
    if (self !== null) next.add(self);
    return sortedIds(next);
  }

  private mark(next: Set<number>): void {
    this.remote = new Set(next);
  }
}

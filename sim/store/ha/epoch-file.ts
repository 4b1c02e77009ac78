// The epoch file of a Controller-mode broker (failover: controller, 5.x): which masterEpoch
// wrote which range of the CommitLog. Modelled on store/ha/autoswitch/EpochFileCache.java
// (appendEntry, truncateSuffixByEpoch, truncateSuffixByOffset, findConsistentPoint) and its
// use by AutoSwitchHAService#changeToMaster (a new master appends (masterEpoch, its max
// offset)), AutoSwitchHAConnection (each transfer frame names the epoch its data belongs to)
// and AutoSwitchHAClient (a slave appends an entry when a frame's epoch changes, and at the
// handshake truncates its log to the last point it shares with the master).
//
// Fault model: EpochFileCache#appendEntry flushes the file at once, so the entries live on
// node.disk and survive crashes and power loss, while the CommitLog may lose its unflushed
// tail: an entry may then start past the log's end, which findConsistentPoint tolerates
// (the end of the last entry is the log's current max offset).

import type { Node } from "../../core/node.js";

export interface EpochEntry { epoch: number; startOffset: number }

const KEY = "store.epochFile";

export class EpochFile {
  constructor(private readonly node: Node) {}

  private get list(): EpochEntry[] {
    let l = this.node.disk.get(KEY) as EpochEntry[] | undefined;
    if (!l) { l = []; this.node.disk.set(KEY, l); }
    return l;
  }

  entries(): EpochEntry[] {
    return this.list.map((e) => ({ ...e }));
  }

  get size(): number { return this.list.length; }

  /** EpochFileCache#lastEpoch: 0 when empty. */
  lastEpoch(): number {
    const l = this.list;
    return l.length === 0 ? 0 : l[l.length - 1].epoch;
  }

  lastEntry(): EpochEntry | undefined {
    const l = this.list;
    return l[l.length - 1];
  }

  /**
   * The entry whose range holds `offset`, and where that range ends (the next entry's
   * start; Infinity for the last). Below the first entry: the first (Java's firstEntry fallback).
   */
  entryAt(offset: number): { entry: EpochEntry; endOffset: number } | null {
    const l = this.list;
    if (l.length === 0) return null;
    let i = 0;
    while (i + 1 < l.length && l[i + 1].startOffset <= offset) i++;
    return { entry: { ...l[i] }, endOffset: i + 1 < l.length ? l[i + 1].startOffset : Infinity };
  }

  /** appendEntry: refused unless both the epoch and the start offset grow. */
  append(e: EpochEntry): boolean {
    const last = this.lastEntry();
    if (last && (last.epoch >= e.epoch || last.startOffset >= e.startOffset)) return false;
    this.list.push({ ...e });
    return true;
  }

  /** truncateSuffixByEpoch: drop entries with epoch >= `epoch`. */
  truncateSuffixByEpoch(epoch: number): void {
    this.keep((e) => e.epoch < epoch);
  }

  /** truncateSuffixByOffset: drop entries that start at or after `offset`. */
  truncateSuffixByOffset(offset: number): void {
    this.keep((e) => e.startOffset < offset);
  }

  private keep(pred: (e: EpochEntry) => boolean): void {
    this.node.disk.set(KEY, this.list.filter(pred));
  }
}

/**
 * EpochFileCache#findConsistentPoint: walk the local entries from the newest; the first
 * whose epoch the master also has with the same start offset gives the consistent point,
 * the smaller of the two ends of that epoch (an entry ends where the next starts, the last
 * at its side's max offset). -1 when no epoch matches.
 */
export function findConsistentPoint(local: readonly EpochEntry[], localMaxOffset: number,
  master: readonly EpochEntry[], masterMaxOffset: number): number {
  const endOf = (l: readonly EpochEntry[], i: number, max: number) => (i + 1 < l.length ? l[i + 1].startOffset : max);
  for (let i = local.length - 1; i >= 0; i--) {
    const j = master.findIndex((m) => m.epoch === local[i].epoch);
    if (j >= 0 && master[j].startOffset === local[i].startOffset) {
      return Math.min(endOf(local, i, localMaxOffset), endOf(master, j, masterMaxOffset));
    }
  }
  return -1;
}

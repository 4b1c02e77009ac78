// The store's side of master/slave replication: what the HA service (sim/store/ha/) reads on
// the master and appends on the slave, and how a SYNC_MASTER put waits for it.
// - master: DefaultMessageStore#getCommitLogData (records from a physical offset) and the
//   transfer start of a slave that reports 0 (DefaultHAConnection.WriteSocketService: the
//   start of the master's last CommitLog file, mappedFileSizeCommitLog = 1 GiB);
// - slave: DefaultMessageStore#appendToCommitLog (same offsets as on the master; an empty
//   slave takes the first record at whatever offset it comes, as HAClient#dispatchReadRequest
//   only checks continuity once the slave has data);
// - put result: CommitLog#handleDiskFlushAndHA — the flush wait and the replica wait run
//   side by side; a non-OK replica status wins over a non-OK flush status.
//
// Fault model: none of its own. Records live in store-files.ts (they survive crashes; power
// loss keeps what was fsynced). Replication moves messages, not bytes: a record keeps its
// physical offset, size and queue offset on the slave. A slave whose log diverged from the
// master's (e.g. the master lost its unflushed tail to a power loss and took new messages at
// the same offsets) gets `false` from appendRecord where RocketMQ would copy bytes from the
// middle of a record; the HA client then drops the connection (see ha/ha-client.ts).

import type { FlushService } from "./flush.js";
import type { StoreFiles } from "./store-files.js";
import type { PutDone, PutResult, PutStatus, StoredMessage } from "./types.js";

/** MessageStoreConfig.mappedFileSizeCommitLog. */
export const COMMIT_LOG_FILE_SIZE = 1024 * 1024 * 1024;

/** CommitLog#submitReplicaRequest (4.9) / #handleHA (5.x), implemented by the HA service. */
export interface ReplicaWaiter {
  /** Wait until a slave holds everything below `nextOffset`; `done` may run at once. */
  submit(nextOffset: number, done: (status: PutStatus) => void): void;
}

/**
 * Records from physical offset `phy` (a record boundary) on, at least one and up to
 * `maxBytes`. [] at the max offset; null if `phy` is not a record boundary that is held.
 */
export function readRecords(f: StoreFiles, phy: number, maxBytes: number): StoredMessage[] | null {
  const log = f.log;
  if (phy === log.writePos) return [];
  let idx = log.indexOf(phy);
  if (idx < 0) return null;
  const out: StoredMessage[] = [];
  let bytes = 0;
  for (; idx < log.count; idx++) {
    const cq = f.cqs.byId[log.cqAt(idx)], qoff = log.queueOffsetAt(idx);
    if (!cq.holds(qoff)) return out.length > 0 ? out : null;
    const size = cq.sizeAt(qoff);
    if (out.length > 0 && bytes + size > maxBytes) break;
    out.push(cq.read(qoff, f.tags, f.groups));
    bytes += size;
  }
  return out;
}

/** Where the master starts pushing to a slave that reports offset 0: its last file's first record. */
export function transferStart(f: StoreFiles): number {
  const log = f.log;
  const fileStart = log.writePos - (log.writePos % COMMIT_LOG_FILE_SIZE);
  const idx = log.indexAtOrAfter(fileStart);
  return idx < log.count ? log.phyAt(idx) : log.writePos;
}

/** Append a replicated record at its own offsets; false if it does not continue this log. */
export function appendRecord(f: StoreFiles, m: StoredMessage, pack: boolean): boolean {
  const log = f.log;
  const startLog = m.commitLogOffset !== log.writePos;
  if (startLog && (log.count !== 0 || log.writePos !== 0)) return false;
  const cq = f.cqs.getOrCreate(m.topic, m.queueId);
  const startCq = m.queueOffset !== cq.nextOffset;
  // A queue may start mid-way only on a slave whose whole log started mid-way.
  if (startCq && (cq.nextOffset !== 0 || cq.minOffset !== 0 || !(startLog || log.origin > 0))) return false;
  if (startLog) log.startAt(m.commitLogOffset);
  if (startCq) cq.startAt(m.queueOffset);
  log.append(cq.id, cq.nextOffset, m.storeSize);
  cq.append(m, m.commitLogOffset, m.storeSize, f.tags.idx(m.tags), m.tagsCode, f.groups.idx(m.producerGroup), m.storeUs, pack);
  return true;
}

/** CommitLog#handleDiskFlushAndHA: the flush and the replica results combined. */
export function waitFlushAndReplica(flush: FlushService, replica: ReplicaWaiter, end: number, r: PutResult, done: PutDone): void {
  let pending = 2;
  let flushStatus: PutStatus = "PUT_OK", replicaStatus: PutStatus = "PUT_OK";
  const fin = (): void => {
    if (--pending === 0) done(replicaStatus !== "PUT_OK" ? replicaStatus : flushStatus, r);
  };
  if (flush.sync) flush.waitFor(end, r, (s) => { flushStatus = s; fin(); });
  else { flush.noteDirty(); fin(); }
  replica.submit(end, (s) => { replicaStatus = s; fin(); });
}

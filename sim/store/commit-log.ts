// CommitLog: the broker's single append log (ST/CommitLog.java). Physical offset =
// cumulative record bytes (msg-codec.ts#storedSize); all topics interleave.
//
// Fault model: lives on the node's disk. `writePos` is what is in the page cache
// (survives a process crash), `flushedPos` what an fsync made durable; a power loss
// cuts the log back to `flushedPos` (truncateTo). Files (1 GiB mappedFileSizeCommitLog)
// are not modelled: offsets are continuous.
//
// Storage: only the global order is kept here — per message its physical offset, its
// ConsumeQueue id and queue offset (20 bytes, chunks of 8192). The record's fields live
// next to its CQ entry (consume-queue.ts). `dispatched` is the ReputMessageService
// cursor (reput.ts); `flushedIdx` the first message not yet durable. Entries before
// `baseIdx` have been released (retention, store-files.ts).

const BITS = 13;
const CHUNK = 1 << BITS;
const MASK = CHUNK - 1;

class LogChunk {
  readonly f = new Float64Array(CHUNK * 2); // phy, queueOffset
  readonly cq = new Int32Array(CHUNK);
}

export class CommitLog {
  /** Max physical offset: end of the last record in the page cache. */
  writePos = 0;
  /** Durable up to here. */
  flushedPos = 0;
  /** Messages appended so far (global message index of the next append). */
  count = 0;
  /** Next message index to dispatch into its ConsumeQueue. */
  dispatched = 0;
  /** First message index whose record is not durable (phy >= flushedPos). */
  flushedIdx = 0;
  /** First message index still held. */
  baseIdx = 0;
  /** Physical offset of the first record ever appended (> 0 on a slave that started mid-log). */
  origin = 0;
  /**
   * failover: controller: CommitLog.confirmOffset (-1 until first set). Kept with the log, as
   * RocketMQ keeps it in the StoreCheckpoint (confirmPhyOffset) and reloads it on restart;
   * the checkpoint's own flush timing is not modelled.
   */
  confirmOffset = -1;
  private chunkBase = 0;
  private chunks: (LogChunk | null)[] = [];

  append(cqId: number, queueOffset: number, size: number): number {
    const phy = this.writePos;
    const idx = this.count++;
    const k = (idx >>> BITS) - this.chunkBase;
    let c = this.chunks[k];
    if (c === undefined || c === null) { c = new LogChunk(); this.chunks[k] = c; }
    const i = idx & MASK;
    c.f[i * 2] = phy;
    c.f[i * 2 + 1] = queueOffset;
    c.cq[i] = cqId;
    this.writePos = phy + size;
    return phy;
  }

  private chunk(idx: number): LogChunk {
    return this.chunks[(idx >>> BITS) - this.chunkBase]!;
  }

  phyAt(idx: number): number {
    return this.chunk(idx).f[(idx & MASK) * 2];
  }

  queueOffsetAt(idx: number): number {
    return this.chunk(idx).f[(idx & MASK) * 2 + 1];
  }

  cqAt(idx: number): number {
    return this.chunk(idx).cq[idx & MASK];
  }

  /** End offset of message `idx`. */
  endAt(idx: number): number {
    return idx + 1 < this.count ? this.phyAt(idx + 1) : this.writePos;
  }

  /** An fsync made everything below `pos` durable. */
  markFlushed(pos: number): void {
    if (pos <= this.flushedPos) return;
    this.flushedPos = pos;
    while (this.flushedIdx < this.count && this.phyAt(this.flushedIdx) < pos) this.flushedIdx++;
  }

  /** Index of the message starting at `phy`, or -1 (not a record boundary / not held). */
  indexOf(phy: number): number {
    let lo = this.baseIdx, hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.phyAt(mid);
      if (p === phy) return mid;
      if (p < phy) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  /** Index of the first message starting at or after `phy` (count if none). */
  indexAtOrAfter(phy: number): number {
    let lo = this.baseIdx, hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.phyAt(mid) < phy) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** An empty log starts at `phy` (a slave that begins replicating mid-log). */
  startAt(phy: number): void {
    if (this.count !== 0) throw new Error("CommitLog.startAt on a non-empty log");
    this.writePos = this.flushedPos = this.origin = phy;
  }

  /** First physical offset still held. */
  get minPhyOffset(): number {
    return this.baseIdx < this.count ? this.phyAt(this.baseIdx) : this.writePos;
  }

  /**
   * Power loss: drop messages at or past `pos` (newest first), telling `drop` which
   * ConsumeQueue loses which offset.
   */
  truncateTo(pos: number, drop: (cqId: number, queueOffset: number) => void): void {
    while (this.count > this.baseIdx && this.phyAt(this.count - 1) >= pos) {
      const idx = this.count - 1;
      drop(this.cqAt(idx), this.queueOffsetAt(idx));
      this.count = idx;
    }
    this.writePos = Math.min(this.writePos, pos);
    if (this.confirmOffset > this.writePos) this.confirmOffset = this.writePos; // CommitLog#truncateDirtyFiles
    if (this.dispatched > this.count) this.dispatched = this.count;
    if (this.flushedIdx > this.count) this.flushedIdx = this.count;
    this.chunks.length = Math.max(0, ((this.count + MASK) >>> BITS) - this.chunkBase);
  }

  /** Release whole chunks below message index `idx`. */
  releaseBelow(idx: number): void {
    let k = this.baseIdx >>> BITS;
    while ((k + 1) * CHUNK <= idx) {
      this.chunks[k - this.chunkBase] = null;
      k++;
      this.baseIdx = k * CHUNK;
    }
    const dead = k - this.chunkBase;
    if (dead >= 64) { this.chunks.splice(0, dead); this.chunkBase = k; }
  }

  get liveChunks(): number {
    let n = 0;
    for (const c of this.chunks) if (c) n++;
    return n;
  }

  get heldMessages(): number {
    return this.count - this.baseIdx;
  }
}

// A DLedger member's store as plain data: the entry log (DLedgerMmapFileStore's index and
// data files), the "currterm" file (MemberState.persistState) and the checkpoint's
// committedIndex. Entries are kept in typed arrays (term, body size, position), with an
// optional payload array allocated only if some entry carries a payload.
//
// Fault model:
// - Everything lives in node.disk (key "dledger.store"): a process crash or restart keeps
//   it all (the OS page cache survives the process).
// - Entries are durable only up to `flushedIndex`. DLedger's FlushDataService flushes the
//   files every flushFileInterval (10 ms); member.ts runs that flusher (or the host calls
//   DLedgerMember.flush()). A power loss (dledgerPowerLoss) truncates the log to the flushed
//   index and caps committedIndex there; entries a majority had acknowledged can be lost
//   this way, as in DLedger (acks count page-cache appends, not fsyncs).
// - currTerm/voteFor are written at every change and treated as durable at once; the
//   committedIndex checkpoint (every checkPointInterval = 3 s) is treated as always current.
// - No retention or snapshot: ledgerBeginIndex is 0 once anything was written, -1 before.

import type { Node } from "../core/node.js";
import type { Entry } from "./types.js";

/** DLedgerEntry.BODY_OFFSET: header bytes before each body in the data file. */
export const BODY_OFFSET = 48;

export class EntryLog {
  private terms = new Float64Array(256);
  private sizes = new Float64Array(256);
  private poss = new Float64Array(256);
  private payloads: unknown[] | null = null;
  private end = -1;

  /** ledgerEndIndex (-1 when empty). */
  get endIndex(): number { return this.end; }
  /** ledgerBeginIndex (-1 when empty). */
  get beginIndex(): number { return this.end < 0 ? -1 : 0; }
  /** ledgerEndTerm (-1 when empty). */
  get endTerm(): number { return this.end < 0 ? -1 : this.terms[this.end]; }

  has(index: number): boolean { return index >= 0 && index <= this.end; }
  termAt(index: number): number { return this.terms[index]; }
  sizeAt(index: number): number { return this.sizes[index]; }
  posAt(index: number): number { return this.poss[index]; }
  payloadAt(index: number): unknown { return this.payloads?.[index]; }

  /** Where the next entry's header starts in the data file. */
  get nextPos(): number {
    const e = this.end;
    return e < 0 ? 0 : this.poss[e] + BODY_OFFSET + this.sizes[e];
  }

  /** The entry at `index` as a wire object. */
  entry(index: number): Entry {
    const e: Entry = { index, term: this.terms[index], size: this.sizes[index], pos: this.poss[index] };
    const p = this.payloads?.[index];
    if (p !== undefined) e.payload = p;
    return e;
  }

  /** Same entry (DLedgerEntry.equals: index, term, size, pos). */
  matches(e: Entry): boolean {
    const i = e.index;
    return this.has(i) && this.terms[i] === e.term && this.sizes[i] === e.size && this.poss[i] === e.pos;
  }

  /** appendAsLeader: a new entry of `term` at the end; returns its index. */
  append(term: number, size: number, payload?: unknown): number {
    return this.put({ index: this.end + 1, term, size, pos: this.nextPos, payload });
  }

  /** appendAsFollower / truncate's rewrite: store `e` at `e.index` (must be endIndex + 1). */
  put(e: Entry): number {
    const i = e.index;
    if (i !== this.end + 1) throw new Error(`dledger log: put ${i} after ${this.end}`);
    if (i >= this.terms.length) this.grow(i + 1);
    this.terms[i] = e.term;
    this.sizes[i] = e.size;
    this.poss[i] = e.pos;
    if (e.payload !== undefined) {
      if (!this.payloads) this.payloads = [];
      this.payloads[i] = e.payload;
    } else if (this.payloads && i < this.payloads.length) {
      this.payloads[i] = undefined;
    }
    this.end = i;
    return i;
  }

  /** Drop every entry after `lastKept` (-1 = all). */
  truncateAfter(lastKept: number): void {
    if (lastKept >= this.end) return;
    if (this.payloads && this.payloads.length > lastKept + 1) this.payloads.length = lastKept + 1;
    this.end = Math.max(-1, lastKept);
  }

  private grow(min: number): void {
    const cap = Math.max(min, this.terms.length * 2);
    const copy = (a: Float64Array) => { const b = new Float64Array(cap); b.set(a); return b; };
    this.terms = copy(this.terms);
    this.sizes = copy(this.sizes);
    this.poss = copy(this.poss);
  }
}

/** What a member keeps on its node's disk. */
export interface DLedgerDisk {
  currTerm: number;
  voteFor: string | null;
  log: EntryLog;
  committedIndex: number;
  /** Entries up to here survive a power loss. */
  flushedIndex: number;
}

const DISK_KEY = "dledger.store";

/** The node's DLedger store, created empty (term 0, as MemberState starts) on first use. */
export function dledgerDiskOf(node: Node): DLedgerDisk {
  let d = node.disk.get(DISK_KEY) as DLedgerDisk | undefined;
  if (!d) {
    d = { currTerm: 0, voteFor: null, log: new EntryLog(), committedIndex: -1, flushedIndex: -1 };
    node.disk.set(DISK_KEY, d);
  }
  return d;
}

/** Truncate the log after `lastKept`, keeping flushed/committed marks inside it. */
export function truncateLog(d: DLedgerDisk, lastKept: number): void {
  d.log.truncateAfter(lastKept);
  const end = d.log.endIndex;
  if (d.flushedIndex > end) d.flushedIndex = end;
  if (d.committedIndex > end) d.committedIndex = end;
}

/**
 * The fault layer calls this when `node` loses power (after node.kill("power-off")):
 * whatever was not flushed is gone. Returns how many entries survive (null: no DLedger store).
 */
export function dledgerPowerLoss(node: Node): number | null {
  const d = node.disk.get(DISK_KEY) as DLedgerDisk | undefined;
  if (!d) return null;
  truncateLog(d, d.flushedIndex);
  return d.log.endIndex + 1;
}

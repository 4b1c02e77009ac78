// MemberState (openmessaging/dledger .../dledger/MemberState.java) plus the store-side
// committed-index rule (DLedgerMmapFileStore#updateCommittedIndex, 0.3.1.2): role, leader,
// term and vote, the peers, and the quorum arithmetic.
//
// Fault model: role, leaderId and knownMaxTermInGroup are process memory (a restarted
// process is a CANDIDATE with no leader); currTerm, voteFor, the log and committedIndex are
// the node's disk (log.ts) and survive a restart.

import type { DLedgerDisk, EntryLog } from "./log.js";
import { truncateLog } from "./log.js";
import type { Entry, Role } from "./types.js";

export class MemberState {
  role: Role = "CANDIDATE";
  leaderId: string | null = null;
  private knownMaxTermInGroup = -1;
  /** Peer ids in the order the host listed them (Java iterates a HashMap; n0, n1... ascend). */
  readonly peerIds: string[];

  constructor(readonly selfId: string, readonly peers: Readonly<Record<string, string>>, readonly disk: DLedgerDisk) {
    this.peerIds = Object.keys(peers);
    if (!(selfId in peers)) throw new Error(`dledger: selfId ${selfId} is not among the peers`);
  }

  get currTerm(): number { return this.disk.currTerm; }
  get voteFor(): string | null { return this.disk.voteFor; }
  get log(): EntryLog { return this.disk.log; }
  get ledgerEndIndex(): number { return this.disk.log.endIndex; }
  get ledgerEndTerm(): number { return this.disk.log.endTerm; }
  get committedIndex(): number { return this.disk.committedIndex; }
  get peerSize(): number { return this.peerIds.length; }

  isPeerMember(id: string | null | undefined): boolean {
    return id != null && id in this.peers;
  }

  /** A majority of the group (peers include self). */
  isQuorum(n: number): boolean {
    return n >= Math.floor(this.peerSize / 2) + 1;
  }

  setVoteFor(id: string | null): void {
    this.disk.voteFor = id;
  }

  /** A candidate moves to the highest term it has heard of, or the next one; the vote resets. */
  nextTerm(): number {
    if (this.role !== "CANDIDATE") throw new Error(`dledger: nextTerm as ${this.role}`);
    if (this.knownMaxTermInGroup > this.disk.currTerm) this.disk.currTerm = this.knownMaxTermInGroup;
    else this.disk.currTerm++;
    this.disk.voteFor = null;
    return this.disk.currTerm;
  }

  changeToLeader(term: number): void {
    this.check(term === this.currTerm, term);
    this.role = "LEADER";
    this.leaderId = this.selfId;
  }

  changeToFollower(term: number, leaderId: string): void {
    this.check(term === this.currTerm, term);
    this.role = "FOLLOWER";
    this.leaderId = leaderId;
  }

  /** The term only moves in nextTerm(); here it is remembered as the highest seen. */
  changeToCandidate(term: number): void {
    this.check(term >= this.currTerm, term);
    if (term > this.knownMaxTermInGroup) this.knownMaxTermInGroup = term;
    this.role = "CANDIDATE";
    this.leaderId = null;
  }

  /**
   * The store's rule: ignore -1, an empty log, an older term, or going backwards; cap at the
   * log end. Returns whether the index advanced. (0.3.1.2 commits whatever index a majority
   * matched in the current term, older-term entries included.)
   */
  updateCommittedIndex(term: number, index: number): boolean {
    const d = this.disk;
    const end = d.log.endIndex;
    if (index === -1 || end === -1 || term < this.currTerm || index <= d.committedIndex) return false;
    const capped = Math.min(index, end);
    if (capped <= d.committedIndex) return false;
    d.committedIndex = capped;
    return true;
  }

  /** appendAsFollower's checks: a follower of `leaderId` in `term`. */
  followerOf(term: number, leaderId: string): boolean {
    return this.role === "FOLLOWER" && term === this.currTerm && leaderId === this.leaderId;
  }

  /**
   * DLedgerMmapFileStore#truncate(entry): keep `e` if this log already has it, else rewrite
   * from its index; everything after it goes. False if `e` cannot be placed.
   */
  truncateTo(e: Entry): boolean {
    const log = this.disk.log;
    if (log.matches(e)) {
      truncateLog(this.disk, e.index);
      return true;
    }
    if (e.index > log.endIndex + 1) return false;
    truncateLog(this.disk, e.index - 1);
    log.put(e);
    return true;
  }

  private check(ok: boolean, term: number): void {
    if (!ok) throw new Error(`dledger ${this.selfId}: illegal member state (term ${term}, currTerm ${this.currTerm})`);
  }
}

// Dispatch of CommitLog records into ConsumeQueues and the key index
// (ST/DefaultMessageStore.java#ReputMessageService: loop { doReput(); sleep(1 ms) },
// dispatchers CommitLogDispatcherBuildConsumeQueue / BuildIndex, then
// notifyMessageArriving for long polling).
//
// Fault model: a process thread — its timer dies with the process and waits while the
// process is paused. What it has not dispatched stays in the CommitLog (on the node's
// disk); a restarted store dispatches it during recovery (start(), without
// notifications), as RocketMQ re-puts from the ConsumeQueues' max physical offset.
//
// Timing: the thread is modelled as idle until something is appended; the first append
// arms a pass 1 ms later (`reputDelayUs`), which dispatches everything appended by
// then, in CommitLog order. So a lone message becomes pullable exactly 1 ms after its
// append; under load a pass per millisecond carries a batch. 4.9.8 and 5.x dispatch
// data the page cache holds whether or not it is flushed (reput end = max offset
// outside controller/DLedger mode).
// failover: controller (5.3 ReputMessageService#getReputEndOffset): a pass stops at the
// CommitLog's confirmOffset (readUnCommitted = false), whole records only (doReput: a record
// ending past it waits). `endOffset` gives that end; the owner kicks a pass when it grows.

import type { Node } from "../core/node.js";
import type { StoreFiles } from "./store-files.js";
import type { ArriveListener } from "./types.js";

export class ReputService {
  private armed = false;
  readonly listeners: ArriveListener[] = [];

  constructor(private readonly node: Node, private readonly files: StoreFiles, private readonly delayUs = 1000,
    private readonly endOffset: () => number = () => files.log.writePos) {}

  /** Something was appended: make sure a pass is coming. */
  kick(): void {
    if (this.armed) return;
    this.armed = true;
    this.node.after(this.delayUs, this.pass);
  }

  private pass = (): void => {
    this.armed = false;
    this.dispatchAll(true);
  };

  /** Dispatch every appended record not yet dispatched. */
  dispatchAll(notify: boolean): void {
    const log = this.files.log, byId = this.files.cqs.byId, index = this.files.index;
    const ls = this.listeners, nl = notify ? ls.length : 0;
    const end = this.endIndex();
    for (let idx = log.dispatched; idx < end; idx++) {
      const cq = byId[log.cqAt(idx)];
      const qoff = cq.maxOffset++;
      if (index !== null) {
        const keys = cq.keysAt(qoff);
        if (keys !== undefined) index.add(cq.topic, keys, cq.id, qoff);
      }
      if (nl > 0) {
        const tagsCode = cq.tagsCodeAt(qoff);
        for (let j = 0; j < nl; j++) ls[j](cq.topic, cq.queueId, qoff + 1, tagsCode);
      }
    }
    if (end > log.dispatched) log.dispatched = end;
  }

  /** Message index the pass stops before: every record ending at or below the reput end offset. */
  private endIndex(): number {
    const log = this.files.log, endPhy = this.endOffset();
    if (endPhy >= log.writePos) return log.count;
    let k = log.indexAtOrAfter(endPhy); // the first record starting at or after endPhy
    if (k >= log.count || log.phyAt(k) !== endPhy) k--; // record k-1 then spans endPhy: not whole
    return Math.max(k, log.dispatched);
  }
}

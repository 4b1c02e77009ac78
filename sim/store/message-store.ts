// A broker's message store (ST/DefaultMessageStore.java + CommitLog#asyncPutMessage).
// One instance per broker process; its data (store-files.ts) and disk (disk.ts) live on
// the node and outlive the process.
//
// Fault model:
// - crash: pending puts die with the process (their callbacks never run); everything
//   appended survives; start() on a new process recovers: dispatches what was not yet
//   dispatched and re-arms the flush services.
// - power loss: onPowerLoss(node) (store-files.ts) drops what was not fsynced.
// - pause: the store's timers (write completion, dispatch, flush loops) wait.
// - disk faults (disk.ts): slow (puts queue behind slow writes: a write holding the put
//   lock > osPageCacheBusyTimeOutMills = 1 s makes new puts fail OS_PAGE_CACHE_BUSY,
//   DefaultMessageStore#isOSPageCacheBusy), full (SERVICE_NOT_AVAILABLE: RunningFlags
//   DISK_FULL makes the store not writeable, DefaultMessageStore#checkStoreStatus in
//   4.9.8, HookUtils#checkBeforePutMessage in 5.x), fail (the append answers
//   `diskFailStatus`, default CREATE_MAPPED_FILE_FAILED — RocketMQ swallows mmap write
//   errors; the first visible failure of a dead disk is creating/mapping a file — and
//   fsyncs fail, see flush.ts).
//
// A batch (putMessages, CommitLog#asyncPutMessages for SEND_BATCH_MESSAGE) is one put:
// one write under the lock, its inner records appended back to back (each its own
// physical offset, consecutive queue offsets), one flush / slave wait on its end.
//
// Puts are serialized (CommitLog putMessageLock). With zero write latency a put
// completes synchronously inside putMessage (ASYNC_FLUSH: PUT_OK at once). A SYNC_MASTER's
// puts also wait for a slave (`replica`, set by the HA service; replication.ts).

import type { Node } from "../core/node.js";
import type { RandomStreams } from "../core/random.js";
import { diskOf, type Disk, type DiskOptions } from "./disk.js";
import { FlushService } from "./flush.js";
import { KeyIndex } from "./key-index.js";
import { baseProps, storedSize } from "./msg-codec.js";
import { ReputService } from "./reput.js";
import { storeFilesOf, type MinOffsetFn, type StoreFiles, type StoreStats } from "./store-files.js";
import { readMessages, type ReadLimits } from "./read.js";
import { appendRecord, readRecords, transferStart, waitFlushAndReplica, type ReplicaWaiter } from "./replication.js";
import type { ArriveListener, GetResult, PutDone, PutRequest, PutResult, PutStatus, StoredMessage, TagsFilter } from "./types.js";

export type BrokerRole = "ASYNC_MASTER" | "SYNC_MASTER" | "SLAVE";

export interface MessageStoreOptions extends Partial<ReadLimits> {
  streams: RandomStreams;
  disk?: DiskOptions;
  /** Changes defaults that differ by version (5.3: no flush while the disk is full). */
  profile?: "4.9" | "5.3";
  flushDiskType?: "ASYNC_FLUSH" | "SYNC_FLUSH";
  flushIntervalCommitLogUs?: number; // 500 ms
  flushCommitLogLeastPages?: number; // 4
  flushCommitLogThoroughIntervalUs?: number; // 10 s
  syncFlushTimeoutUs?: number; // 5 s
  brokerRole?: BrokerRole;
  maxMessageSize?: number; // 4 MiB
  osPageCacheBusyTimeOutUs?: number; // 1 s
  /**
   * Maintain the key index at dispatch (key-index.ts). Default false: it costs ~1 µs per
   * keyed message; without it queryByKey scans the held entries of the topic instead.
   */
  messageIndexEnable?: boolean;
  maxIndexEntries?: number; // 100 000 (see key-index.ts)
  retainPerQueue?: number; // 10 000 (see store-files.ts)
  commitLogRetain?: number; // 65 536
  /** A retention pass runs every this many appends. Default 32 768. */
  retainEveryAppends?: number;
  clusterName?: string; // for the CLUSTER property in the stored size
  reputDelayUs?: number; // 1 ms
  diskFailStatus?: PutStatus;
  /** Keep msgIds as 4 packed words instead of referencing the string (consume-queue.ts). Default true. */
  packMsgIds?: boolean;
  /** Slaves correct a pull's next offset only with this (nextOffsetCorrection). Default false. */
  offsetCheckInSlave?: boolean;
  /**
   * failover: controller (BrokerConfig.enableControllerMode): dispatch stops at the confirmOffset
   * (see confirmOffset below), in recovery too (CommitLog#recoverNormally/Abnormally only
   * dispatch records ending at or below it). Default false.
   */
  controllerMode?: boolean;
}

export class MessageStore {
  readonly files: StoreFiles;
  readonly disk: Disk;
  role: BrokerRole;
  /** SYNC_MASTER: the HA service's replica wait (null: puts never wait for a slave). */
  replica: ReplicaWaiter | null = null;
  /** HA: the lowest physical offset a connected slave still needs (retention keeps it). */
  replicaFloor: (() => number | undefined) | null = null;
  /**
   * failover: controller: CommitLog#getConfirmOffset as the HA service computes it (ha-service.ts);
   * until it is set, the stored confirmOffset (a restarted broker's recovery). Unused otherwise.
   */
  confirmOffsetFn: (() => number) | null = null;
  private readonly flush: FlushService;
  private readonly reput: ReputService;
  private readonly limits: ReadLimits;
  private readonly maxMessageSize: number;
  private readonly busyUs: number;
  private readonly baseProps: number;
  private readonly failStatus: PutStatus;
  private readonly retainEvery: number;
  private readonly pack: boolean;
  private minOffsetFn: MinOffsetFn = () => undefined;
  private sinceRetain = 0;
  private shut = false;
  // The put lock: writes in progress (only used when writes take time).
  private writing = false;
  private writeStartUs = 0;
  private wReq: (PutRequest | PutRequest[])[] = [];
  private wDone: PutDone[] = [];
  private wHead = 0;
  private lastGroup: string | undefined = undefined;
  private lastGroupIdx = -1;

  constructor(private readonly node: Node, private readonly opts: MessageStoreOptions) {
    this.files = storeFilesOf(node);
    this.disk = diskOf(node);
    this.disk.configure(opts.disk ?? {}, opts.streams.get(`disk/${node.name}`));
    this.role = opts.brokerRole ?? "ASYNC_MASTER";
    const readsFlushedOnly = opts.controllerMode !== true && opts.profile === "5.3" && opts.flushDiskType === "SYNC_FLUSH";
    this.flush = new FlushService(node, this.files.log, this.disk, {
      flushDiskType: opts.flushDiskType ?? "ASYNC_FLUSH",
      flushIntervalCommitLogUs: opts.flushIntervalCommitLogUs ?? 500_000,
      flushCommitLogLeastPages: opts.flushCommitLogLeastPages ?? 4,
      flushCommitLogThoroughIntervalUs: opts.flushCommitLogThoroughIntervalUs ?? 10_000_000,
      syncFlushTimeoutUs: opts.syncFlushTimeoutUs ?? 5_000_000,
      skipFlushWhenDiskFull: (opts.profile ?? "4.9") === "5.3",
      ...(readsFlushedOnly ? { onFlushed: () => this.reput.kick() } : {}),
    });
    // Reput end (ReputMessageService#getReputEndOffset = CommitLog#getConfirmOffset in 5.x): the
    // max offset; in controller mode the confirmOffset; in 5.x with SYNC_FLUSH the flushed
    // position, so consumers never read what an fsync has not covered (4.9.8 reads to the max).
    const log = this.files.log;
    const reputEnd = opts.controllerMode === true ? () => this.confirmOffsetFn?.() ?? log.confirmOffset
      : readsFlushedOnly ? () => log.flushedPos : () => log.writePos;
    this.reput = new ReputService(node, this.files, opts.reputDelayUs ?? 1000, reputEnd);
    this.limits = {
      maxTransferCountOnMessageInMemory: opts.maxTransferCountOnMessageInMemory ?? 32,
      maxTransferBytesOnMessageInMemory: opts.maxTransferBytesOnMessageInMemory ?? 256 * 1024,
      maxTransferCountOnMessageInDisk: opts.maxTransferCountOnMessageInDisk ?? 8,
      maxTransferBytesOnMessageInDisk: opts.maxTransferBytesOnMessageInDisk ?? 64 * 1024,
      maxFilterMessageSize: opts.maxFilterMessageSize ?? 16_000,
      hotBytes: opts.hotBytes ?? Math.floor(16 * 2 ** 30 * 0.4),
      cqFileEntries: opts.cqFileEntries ?? 300_000,
    };
    this.maxMessageSize = opts.maxMessageSize ?? 4 * 1024 * 1024;
    this.busyUs = opts.osPageCacheBusyTimeOutUs ?? 1_000_000;
    this.baseProps = baseProps(opts.clusterName ?? "DefaultCluster");
    this.failStatus = opts.diskFailStatus ?? "CREATE_MAPPED_FILE_FAILED";
    this.retainEvery = opts.retainEveryAppends ?? 32_768;
    this.pack = opts.packMsgIds ?? true;
    if (opts.messageIndexEnable === true && this.files.index === null) this.files.index = new KeyIndex(opts.maxIndexEntries ?? 100_000);
  }

  /** Arm the services on the current process; after a restart, recover first. */
  start(): void {
    this.reput.dispatchAll(false); // recovery: re-put what the last process had not dispatched
    this.flush.start();
  }

  /** Clean shutdown: puts refused, everything flushed and dispatched (instantly). */
  shutdown(): void {
    this.shut = true;
    this.files.log.markFlushed(this.files.log.writePos);
    this.reput.dispatchAll(false);
  }

  onArrive(listener: ArriveListener): void {
    this.reput.listeners.push(listener);
  }

  /** Who still needs which offsets (consumer groups, schedule service…), for retention. */
  setRetentionSource(fn: MinOffsetFn): void {
    this.minOffsetFn = fn;
  }

  /** One retention pass now; returns the ConsumeQueue entries dropped. */
  retain(): number {
    this.sinceRetain = 0;
    return this.files.retain(this.minOffsetFn, {
      retainPerQueue: this.opts.retainPerQueue, commitLogRetain: this.opts.commitLogRetain, replicaFloor: this.replicaFloor?.(),
    });
  }

  evictBelow(topic: string, queueId: number, offset: number): number {
    return this.files.evictBelow(topic, queueId, offset);
  }

  stats(): StoreStats & { syncWaiting: number; writeQueue: number } {
    return { ...this.files.stats(), syncWaiting: this.flush.waiting, writeQueue: this.wDone.length - this.wHead };
  }

  // ---- put -------------------------------------------------------------------------

  /** DefaultMessageStore#isOSPageCacheBusy: the current write has held the put lock > 1 s. */
  isOSPageCacheBusy(): boolean {
    if (!this.writing) return false;
    const diff = this.node.engine.nowUs - this.writeStartUs;
    return diff > this.busyUs && diff < 10_000_000_000;
  }

  private checkStoreStatus(req: PutRequest): PutStatus | null {
    if (this.shut || this.role === "SLAVE" || this.disk.full) return "SERVICE_NOT_AVAILABLE";
    if (this.isOSPageCacheBusy()) return "OS_PAGE_CACHE_BUSY";
    if (req.topic.length > 127) return "MESSAGE_ILLEGAL"; // checkMessage: topic length > Byte.MAX_VALUE
    if (req.bodySize > this.maxMessageSize) return "MESSAGE_ILLEGAL"; // MessageExtEncoder#encode
    return null;
  }

  /**
   * Append a batch as one put (DefaultMessageStore#putMessages → CommitLog#asyncPutMessages):
   * same topic and queue for all (the broker checks that), one write, one result whose
   * batchPhys lists each inner record's offset. A too-big inner message fails the whole batch
   * (MessageExtBatchEncoder#encode: MESSAGE_SIZE_EXCEEDED, answered MESSAGE_ILLEGAL).
   */
  putMessages(reqs: PutRequest[], done: PutDone): void {
    for (const req of reqs) {
      const st = this.checkStoreStatus(req);
      if (st !== null) { done(st); return; }
    }
    this.enqueue(reqs, done);
  }

  /** Append a message; `done` may run synchronously (ASYNC_FLUSH, instant writes). */
  putMessage(req: PutRequest, done: PutDone): void {
    const st = this.checkStoreStatus(req);
    if (st !== null) { done(st); return; }
    this.enqueue(req, done);
  }

  /** Write now when the disk is idle and instant, else queue behind the put lock's holder. */
  private enqueue(req: PutRequest | PutRequest[], done: PutDone): void {
    if (!this.writing && this.disk.instantWrites) {
      if (Array.isArray(req)) this.appendBatch(req, done); else this.append(req, done);
      return;
    }
    this.wReq.push(req);
    this.wDone.push(done);
    if (!this.writing) this.startWrite();
  }

  private startWrite(): void {
    this.writing = true;
    this.writeStartUs = this.node.engine.nowUs;
    this.node.after(this.disk.writeUs(), this.writeDone);
  }

  private writeDone = (): void => {
    const i = this.wHead++;
    const req = this.wReq[i], done = this.wDone[i];
    this.wReq[i] = undefined!;
    this.wDone[i] = undefined!;
    if (this.wHead >= 1024 && this.wHead * 2 >= this.wDone.length) {
      this.wReq.splice(0, this.wHead); this.wDone.splice(0, this.wHead); this.wHead = 0;
    }
    if (Array.isArray(req)) this.appendBatch(req, done); else this.append(req, done);
    if (this.wHead < this.wDone.length) this.startWrite();
    else this.writing = false;
  };

  private append(req: PutRequest, done: PutDone): void {
    if (this.disk.failed) { done(this.failStatus); return; }
    if (this.disk.full) { done("SERVICE_NOT_AVAILABLE"); return; }
    const now = this.node.engine.nowUs;
    const phy = this.write(req, now);
    const size = this.lastSize;
    this.reput.kick();
    if (++this.sinceRetain >= this.retainEvery) this.retain();
    const r: PutResult = { commitLogOffset: phy, queueOffset: this.lastQueueOffset, storeUs: now, storeSize: size };
    this.acknowledge(req, phy + size, r, done);
  }

  /** One append of all the batch's records (DefaultAppendMessageCallback#doAppend(MessageExtBatch)). */
  private appendBatch(reqs: PutRequest[], done: PutDone): void {
    if (this.disk.failed) { done(this.failStatus); return; }
    if (this.disk.full) { done("SERVICE_NOT_AVAILABLE"); return; }
    const now = this.node.engine.nowUs;
    const phys: number[] = new Array(reqs.length);
    let queueOffset = 0;
    for (let i = 0; i < reqs.length; i++) {
      phys[i] = this.write(reqs[i], now);
      if (i === 0) queueOffset = this.lastQueueOffset;
    }
    const end = this.files.log.writePos;
    this.reput.kick();
    this.sinceRetain += reqs.length;
    if (this.sinceRetain >= this.retainEvery) this.retain();
    const r: PutResult = { commitLogOffset: phys[0], queueOffset, storeUs: now, storeSize: end - phys[0], batchPhys: phys };
    this.acknowledge(reqs[0], end, r, done);
  }

  // What write() leaves for its caller (no result object per record).
  private lastSize = 0;
  private lastQueueOffset = 0;

  /** One record into the CommitLog and its ConsumeQueue; returns its physical offset. */
  private write(req: PutRequest, now: number): number {
    const files = this.files, cq = files.cqs.getOrCreate(req.topic, req.queueId);
    let tagIdx = cq.lastTagIdx;
    if (req.tags !== cq.lastTag) { tagIdx = files.tags.idx(req.tags); cq.lastTag = req.tags; cq.lastTagIdx = tagIdx; }
    const tagsCode = req.deliverAfterUs !== undefined ? now + req.deliverAfterUs : tagIdx < 0 ? 0 : files.tags.hash[tagIdx];
    let groupIdx = -1;
    if (req.producerGroup !== undefined) {
      if (req.producerGroup !== this.lastGroup) { this.lastGroup = req.producerGroup; this.lastGroupIdx = files.groups.idx(req.producerGroup); }
      groupIdx = this.lastGroupIdx;
    }
    const size = storedSize(req.bodySize, cq.topicLen, this.baseProps, req.tags, req.keys, req.props);
    const phy = files.log.append(cq.id, cq.nextOffset, size);
    this.lastQueueOffset = cq.append(req, phy, size, tagIdx, tagsCode, groupIdx, now, this.pack);
    this.lastSize = size;
    return phy;
  }

  /** PUT_OK now, or once the flush (SYNC_FLUSH) and the slave (SYNC_MASTER) have `end`. */
  private acknowledge(req: PutRequest, end: number, r: PutResult, done: PutDone): void {
    const wait = req.waitStoreMsgOK !== false;
    if (this.replica !== null && wait) waitFlushAndReplica(this.flush, this.replica, end, r, done);
    else if (this.flush.sync && wait) this.flush.waitFor(end, r, done);
    else { this.flush.noteDirty(); done("PUT_OK", r); }
  }

  // ---- get -------------------------------------------------------------------------

  /** DefaultMessageStore#getMessage (statuses, batch limits, tag filtering on the CQ). */
  getMessage(topic: string, queueId: number, offset: number, maxMsgNums: number, filter: TagsFilter = null): GetResult {
    const correct = this.role !== "SLAVE" || this.opts.offsetCheckInSlave === true;
    return readMessages(this.files, this.files.cqs.get(topic, queueId), offset, maxMsgNums, filter, this.limits, correct);
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.files.cqs.get(topic, queueId)?.maxOffset ?? 0;
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.files.cqs.get(topic, queueId)?.minOffset ?? 0;
  }

  /** Messages whose KEYS contain `key` (newest first, dispatched and still held ones only). */
  queryByKey(topic: string, key: string, max = 32): StoredMessage[] {
    return this.files.queryByKey(topic, key, max);
  }

  // ---- replication seam (replication.ts, ha/) --------------------------------------------

  get maxPhyOffset(): number { return this.files.log.writePos; }
  get minPhyOffset(): number { return this.files.log.minPhyOffset; }
  get flushedPhyOffset(): number { return this.files.log.flushedPos; }

  /** failover: controller: the stored confirmOffset (CommitLog#getConfirmOffsetDirectly's field). */
  get storedConfirmOffset(): number { return this.files.log.confirmOffset; }

  /** failover: controller: CommitLog#setConfirmOffset; a grown one lets the reput go on (Java polls every 1 ms). */
  setConfirmOffset(phy: number): void {
    const log = this.files.log;
    log.confirmOffset = phy;
    if (log.dispatched < log.count) this.reput.kick();
  }

  /** Master: records from `phy` on, at least one and up to `maxBytes`; null if `phy` is not held. */
  readCommitLog(phy: number, maxBytes: number): StoredMessage[] | null {
    return readRecords(this.files, phy, maxBytes);
  }

  /** Master: where to start pushing to a slave that reports offset 0. */
  transferStartOffset(): number {
    return transferStart(this.files);
  }

  /** failover: controller: cut back to `offset` (a diverged slave, AutoSwitchHAClient#doTruncate). */
  truncateFiles(offset: number): number {
    return offset >= this.files.log.writePos ? 0 : this.files.truncateTo(offset);
  }

  /** Slave: append a record replicated from the master, at the same offsets. */
  appendReplicated(m: StoredMessage): boolean {
    if (!appendRecord(this.files, m, this.pack)) return false;
    this.reput.kick();
    this.flush.noteDirty();
    if (++this.sinceRetain >= this.retainEvery) this.retain();
    return true;
  }
}

// The master's end of one slave's HA connection (ST/ha/HAConnection in 4.9.8,
// DefaultHAConnection in 5.x): a read side taking the slave's offset reports and a write
// side pushing CommitLog records.
//
// Fault model: lives in the master process (its timers die with it; the OS closes the
// socket on a crash). The slave's silence (power-off, partition, long pause) is noticed by
// housekeeping: no report for haHousekeepingInterval (20 s; checked every second, as the
// read loop's select(1000)) closes the connection, which sends FIN.
// - Read side: each report sets slaveAckOffset; the first one is the request offset. 4.9.8
//   closes the connection when a later report is past the master's max offset (a slave
//   ahead of its master, e.g. after the master lost its unflushed tail); 5.x keeps it.
//   Every report goes to HAService#notifyTransferSome.
// - Write side: starts at the request offset (0: the start of the master's last CommitLog
//   file), pushes batches of up to haTransferBatchSize (32 KiB) while records are there,
//   then waits up to 100 ms (allWaitForRunning(100)) or until a SYNC_MASTER put wakes it; a
//   heartbeat frame (size 0) goes out when nothing was written for haSendHeartbeatInterval.
//   Model choices: no bandwidth limit (batches leave back to back; 16 per turn, then the
//   loop yields); a transfer offset the master holds but that is not a record boundary (the
//   slave's log diverged) closes the connection ("diverged") where RocketMQ would ship
//   bytes from the middle of a record; an offset below what the master still holds, or past
//   its max, just waits, as getCommitLogData returns null there.
// failover: controller (opts.epochs; AutoSwitchHAConnection): the slave's handshake names its
// controller broker id and is answered with the master's epoch entries and max offset; each
// transfer frame carries the epoch (and its start offset) its records belong to, and never
// spans two epochs (WriteSocketService: "the transmitted logs are within the same epoch").
// Trace: ha.ack for the first report of a connection, the report that catches up with the
// master's max offset, and while the slave is behind at most one per haSendHeartbeatInterval;
// `ahead` when the slave reports past the master's max offset.

import type { TimerId } from "../../core/engine.js";
import type { Channel, ChannelHandler, CloseReason } from "../../remoting/channel.js";
import type { StoredMessage } from "../types.js";
import type { HaFrame, HaHost, HaOptions, HaStore } from "./types.js";
import { SELECT_US, WRITE_IDLE_WAIT_US } from "./types.js";

const BATCHES_PER_TURN = 16;

export interface ConnectionOwner {
  notifyTransferSome(offset: number): void;
  /** failover: controller: the ack may move the confirmOffset. */
  onSlaveAck(c: HAConnection): void;
  removeConnection(c: HAConnection): void;
}

export class HAConnection {
  slaveRequestOffset = -1;
  slaveAckOffset = -1;
  open = true;
  readonly slave: string;
  /** failover: controller: the slave's controller broker id, from its reports (null otherwise). */
  slaveBrokerId: number | null = null;
  private nextTransfer = -1;
  private startOffset = -1;
  private lastReadUs: number;
  private lastWriteUs: number;
  private idleTimer: TimerId = 0;
  private seq = 0;
  private lastAckTraceUs = -Infinity;
  private lastTracedBehind = 0;

  constructor(private readonly host: HaHost, private readonly store: HaStore, private readonly opts: HaOptions,
    private readonly owner: ConnectionOwner, private readonly ch: Channel) {
    this.slave = ch.nodes[0].name;
    this.lastReadUs = this.lastWriteUs = host.node.engine.nowUs;
    host.node.after(SELECT_US, this.housekeeping);
  }

  readonly handler: ChannelHandler = {
    onMessage: (_ch, msg) => {
      const f = msg as HaFrame;
      if (f.ha === "handshake") { this.onHandshake(f.brokerId); return; }
      if (f.ha !== "report") return;
      if (f.brokerId !== undefined) this.slaveBrokerId = f.brokerId;
      this.onReport(f.offset);
    },
    onClose: (_ch, reason) => this.gone(reason),
  };

  /** The lowest offset this slave may still ask for (retention must keep it). */
  neededFrom(): number | undefined {
    return this.slaveAckOffset < 0 ? undefined : Math.max(this.slaveAckOffset, this.startOffset);
  }

  private get now(): number { return this.host.node.engine.nowUs; }

  // ---- read side -------------------------------------------------------------------------

  /** HANDSHAKE from the slave: remember its id, answer with our epoch entries (buildHandshakeBuffer). */
  private onHandshake(brokerId: number | null): void {
    if (!this.open || !this.opts.epochs) return;
    this.lastReadUs = this.now;
    if (brokerId !== null) this.slaveBrokerId = brokerId;
    this.lastWriteUs = this.now;
    this.host.transport.send(this.ch, 1, { ha: "epochs", entries: this.opts.epochs.entries(), maxOffset: this.store.maxPhyOffset } satisfies HaFrame);
  }

  private onReport(offset: number): void {
    if (!this.open) return;
    this.lastReadUs = this.now;
    this.slaveAckOffset = offset;
    const first = this.slaveRequestOffset < 0;
    if (first) this.slaveRequestOffset = offset;
    else if (this.opts.profile === "4.9" && offset > this.store.maxPhyOffset) { this.close("ahead-of-master"); return; }
    if (this.opts.epochs) this.owner.onSlaveAck(this);
    this.owner.notifyTransferSome(offset);
    this.traceAck(first);
    if (first) this.pump(); // the write side polls for the request offset every 10 ms
  }

  private traceAck(first: boolean): void {
    const behind = Math.max(0, this.store.maxPhyOffset - this.slaveAckOffset);
    const caughtUp = behind === 0 && this.lastTracedBehind > 0;
    const periodic = behind > 0 && this.now - this.lastAckTraceUs >= this.opts.heartbeatUs;
    if (!first && !caughtUp && !periodic) return;
    this.lastAckTraceUs = this.now;
    this.lastTracedBehind = behind;
    const ahead = this.slaveAckOffset - this.store.maxPhyOffset;
    this.host.emit({ type: "ha.ack", node: this.host.node.name, slave: this.slave, offset: this.slaveAckOffset, behind,
      ...(ahead > 0 ? { ahead } : {}) });
  }

  private housekeeping = (): void => {
    if (!this.open) return;
    if (this.now - this.lastReadUs > this.opts.housekeepingUs) { this.close("housekeeping"); return; }
    this.host.node.after(SELECT_US, this.housekeeping);
  };

  // ---- write side ------------------------------------------------------------------------

  /** HAService#getWaitNotifyObject().wakeupAll(): a SYNC_MASTER put ends the idle wait. */
  wake(): void {
    if (this.idleTimer === 0) return;
    this.host.node.cancel(this.idleTimer);
    this.idleTimer = 0;
    this.host.node.after(0, this.pump);
  }

  private pump = (): void => {
    this.idleTimer = 0;
    if (!this.open || this.slaveRequestOffset < 0) return;
    if (this.nextTransfer < 0) {
      this.nextTransfer = this.slaveRequestOffset === 0 ? this.store.transferStartOffset() : this.slaveRequestOffset;
      this.startOffset = this.nextTransfer;
    }
    if (this.now - this.lastWriteUs > this.opts.heartbeatUs) this.send(this.nextTransfer, []);
    for (let n = 0; n < BATCHES_PER_TURN; n++) {
      let msgs = this.store.readCommitLog(this.nextTransfer, this.opts.batchBytes);
      const epochEnd = this.opts.epochs?.entryAt(this.nextTransfer)?.endOffset ?? Infinity;
      if (msgs !== null && msgs.length > 0 && msgs[msgs.length - 1].commitLogOffset >= epochEnd) {
        msgs = msgs.filter((m) => m.commitLogOffset < epochEnd);
      }
      if (msgs === null) {
        const held = this.nextTransfer >= this.store.minPhyOffset && this.nextTransfer < this.store.maxPhyOffset;
        if (held) { this.close("diverged"); return; }
        break;
      }
      if (msgs.length === 0) break;
      const at = this.nextTransfer;
      const last = msgs[msgs.length - 1];
      this.nextTransfer = last.commitLogOffset + last.storeSize;
      if (!this.send(at, msgs)) return;
      if (n === BATCHES_PER_TURN - 1) { this.host.node.after(0, this.pump); return; }
    }
    this.idleTimer = this.host.node.after(WRITE_IDLE_WAIT_US, this.pump);
  };

  private send(offset: number, msgs: StoredMessage[]): boolean {
    this.lastWriteUs = this.now;
    const at = this.opts.epochs?.entryAt(offset);
    const epoch = at ? { epoch: at.entry.epoch, epochStart: at.entry.startOffset } : {};
    // failover: controller: the header's additional info is the master's confirmOffset (buildTransferHeaderBuffer).
    const confirm = this.opts.epochs && this.store.confirmOffsetFn ? { confirmOffset: this.store.confirmOffsetFn() } : {};
    return this.host.transport.send(this.ch, 1, { ha: "transfer", offset, msgs, seq: this.seq++, ...epoch, ...confirm } satisfies HaFrame);
  }

  // ---- closing ---------------------------------------------------------------------------

  /** The master gives up on the connection (FIN to the slave). */
  close(reason: "housekeeping" | "ahead-of-master" | "diverged" | "role-change"): void {
    if (!this.open) return;
    this.host.transport.close(this.ch, 1, "local");
    this.ended(reason);
  }

  private gone(reason: CloseReason): void {
    if (!this.open) return;
    this.ended(reason === "reset" ? "reset" : "peer-closed");
  }

  private ended(reason: "housekeeping" | "ahead-of-master" | "diverged" | "role-change" | "peer-closed" | "reset"): void {
    this.open = false;
    if (this.idleTimer !== 0) { this.host.node.cancel(this.idleTimer); this.idleTimer = 0; }
    this.owner.removeConnection(this);
    this.host.emit({ type: "ha.disconnect", node: this.host.node.name, peer: this.slave, side: "master", reason });
  }
}

// The slave side of classic replication (ST/ha/HAService.HAClient in 4.9.8, DefaultHAClient
// in 5.x): connects to the master's haServerAddr (learned from the NameServer's answer to
// registration), appends what the master pushes, and reports its max CommitLog offset.
//
// Fault model: a thread of the slave process (dies with it; the OS closes the socket on a
// crash). What it sees of the master is the channel (remoting/channel.ts): FIN or RST close it
// at once; a powered-off or partitioned master is silence.
// Loop, as RocketMQ's:
// - no master address, or a failed connect (refused at once; 5 s timeout to a dark host):
//   try again after 5 s (waitForRunning(5000)). A new address is only picked up then.
// - connected: every second (select(1000)) and after each received batch: report the max
//   offset if it grew since the last report, and at least every haSendHeartbeatInterval (5 s).
//   4.9.8 resets the report clock at connect, so its first report (which starts the master's
//   transfer) goes out ~5 s after connecting; 5.x reports at once when 5 s have passed since
//   its last report.
// - a batch whose offset is not the slave's max offset (once the slave has data) closes the
//   connection ("offset-mismatch"), as does a record that does not continue the slave's log
//   ("diverged", see replication.ts). So does a gap in the frames: TCP would have delivered
//   them late, the channel model lost them in a partition (see HaTransfer in types.ts).
// - housekeeping: 4.9.8 closes when it has not *written* for haHousekeepingInterval (20 s) —
//   its reports keep succeeding into a silent socket, so it never gives up on a powered-off
//   master (RocketMQ waits for TCP's retransmission timeout, ~15 min, which the channel model
//   does not have): it reconnects when the master's host answers again (RST). 5.x closes when
//   it has not *read* for 20 s (the master's heartbeats arrive every 5 s).
// - after a close: 4.9.8 reconnects at once; 5.x waits 5 s first (closeMasterAndWait), except
//   after its housekeeping close, which leaves the loop in READY to connect again at once.
// - failover: controller (opts.epochs; AutoSwitchHAClient): after connecting, the slave sends a
//   handshake (its controller broker id) and reports nothing until the master answers with its
//   epoch entries and max offset. doTruncate then cuts the slave's log back to the last point
//   both epoch files agree on (EpochFileCache#findConsistentPoint) — an old master that returns
//   with entries the new master never had loses them here ("ha.truncate") — and the transfer
//   starts from there. No consistent point: wait 2 s, close, and try again after 5 s. Each
//   transfer frame names its epoch; a new one is appended to the slave's epoch file.

import type { TimerId } from "../../core/engine.js";
import type { Channel, ChannelHandler, CloseReason } from "../../remoting/channel.js";
import type { HaEpochs, HaFrame, HaHost, HaOptions, HaStore, HaTransfer } from "./types.js";
import { findConsistentPoint } from "./epoch-file.js";
import { CONNECT_TIMEOUT_US, RECONNECT_US, SELECT_US } from "./types.js";

type Reason = "peer-closed" | "reset" | "housekeeping" | "offset-mismatch" | "diverged" | "promoted" | "no-consistent-point";

/** AutoSwitchHAClient#processReadResult: waitForRunning(1000 * 2) after a failed truncation. */
const TRUNCATE_FAILED_WAIT_US = 2_000_000;

export class HAClient {
  /** The master's HA address ("ip:port"), from the last registration answer that had one. */
  masterAddr: string | null = null;
  private ch: Channel | null = null;
  private connecting = false;
  private stopped = false;
  private currentReported = 0;
  private lastWriteUs: number;
  private lastReadUs: number;
  private timer: TimerId = 0;
  private nextSeq = 0;
  /** failover: controller: waiting for the master's handshake answer (no reports meanwhile). */
  private handshaking = false;
  /** failover: controller: the epoch of the last transfer frame (AutoSwitchHAClient.currentReceivedEpoch). */
  private receivedEpoch = -1;

  constructor(private readonly host: HaHost, private readonly store: HaStore, private readonly opts: HaOptions) {
    this.lastWriteUs = this.lastReadUs = host.node.engine.nowUs;
  }

  get connected(): boolean {
    return this.ch !== null;
  }

  start(): void {
    this.run();
  }

  updateMasterAddress(addr: string): void {
    this.masterAddr = addr;
  }

  /** The broker is no longer a slave (promote): close and stop. */
  shutdown(reason: Reason = "promoted"): void {
    this.stopped = true;
    if (this.timer !== 0) { this.host.node.cancel(this.timer); this.timer = 0; }
    if (this.ch) this.closeMaster(reason, true);
  }

  private get now(): number { return this.host.node.engine.nowUs; }

  private schedule(delayUs: number, fn: () => void): void {
    if (this.timer !== 0) this.host.node.cancel(this.timer);
    this.timer = this.host.node.after(delayUs, () => { this.timer = 0; fn(); });
  }

  /** The disconnected part of the loop: connectMaster, else wait 5 s. */
  private run = (): void => {
    if (this.stopped || this.ch !== null || this.connecting) return;
    const addr = this.masterAddr;
    if (addr === null) { this.schedule(RECONNECT_US, this.run); return; }
    this.connecting = true;
    this.host.transport.connect(this.host.node, addr, this.handler, CONNECT_TIMEOUT_US, (ch) => {
      this.connecting = false;
      if (this.stopped) { if (ch) this.host.transport.close(ch, 0, "local"); return; }
      if (!ch) { this.schedule(RECONNECT_US, this.run); return; }
      this.ch = ch;
      this.nextSeq = 0;
      this.currentReported = this.store.maxPhyOffset;
      if (this.opts.profile === "4.9") this.lastWriteUs = this.now; else this.lastReadUs = this.now;
      this.host.emit({ type: "ha.connect", node: this.host.node.name, master: ch.nodes[1].name, offset: this.currentReported });
      if (this.opts.epochs) this.sendHandshake(ch);
      this.tick();
    });
  };

  /** One pass of the connected loop (every second). */
  private tick = (): void => {
    if (this.ch === null) return;
    if (!this.handshaking) {
      if (this.now - this.lastWriteUs >= this.opts.heartbeatUs && !this.report(this.currentReported)) return;
      if (!this.reportPlus()) return;
    }
    const idle = this.opts.profile === "4.9" ? this.now - this.lastWriteUs : this.now - this.lastReadUs;
    if (idle > this.opts.housekeepingUs) { this.closeMaster("housekeeping", true); return; }
    this.schedule(SELECT_US, this.tick);
  };

  private readonly handler: ChannelHandler = {
    onMessage: (ch, msg) => {
      if (ch !== this.ch) return;
      const f = msg as HaFrame;
      if (f.ha === "transfer" && !this.handshaking) this.onTransfer(f);
      else if (f.ha === "epochs" && this.handshaking) this.doTruncate(f);
    },
    onClose: (ch, reason: CloseReason) => { if (ch === this.ch) this.closeMaster(reason === "reset" ? "reset" : "peer-closed", false); },
  };

  /** dispatchReadRequest: check continuity, append, report. */
  private onTransfer(t: HaTransfer): void {
    if (this.opts.profile === "5.3") this.lastReadUs = this.now;
    const slaveMax = this.store.maxPhyOffset;
    const gap = t.seq !== this.nextSeq++; // frames lost in a partition (see HaTransfer)
    if (gap || (slaveMax !== 0 && slaveMax !== t.offset)) { this.closeMaster("offset-mismatch", true); return; }
    if (this.opts.epochs && t.epoch !== undefined && t.epoch !== this.receivedEpoch) {
      this.receivedEpoch = t.epoch;
      this.opts.epochs.append({ epoch: t.epoch, startOffset: t.epochStart ?? 0 });
    }
    for (const m of t.msgs) {
      if (!this.store.appendReplicated(m)) { this.closeMaster("diverged", true); return; }
    }
    // failover: controller: what the slave's consumers may read (AutoSwitchHAClient: min(header confirmOffset, max)).
    if (t.confirmOffset !== undefined) this.store.setConfirmOffset(Math.min(t.confirmOffset, this.store.maxPhyOffset));
    this.reportPlus();
  }

  /** sendHandshakeHeader: our controller broker id; the master answers with its epochs. */
  private sendHandshake(ch: Channel): void {
    this.handshaking = true;
    this.receivedEpoch = -1;
    this.host.transport.send(ch, 0, { ha: "handshake", brokerId: this.opts.reportBrokerId?.() ?? null } satisfies HaFrame);
    this.lastWriteUs = this.now; // HAWriter's hook: any write counts, so the first report follows 5 s later
  }

  /**
   * AutoSwitchHAClient#doTruncate: an empty epoch file (a new replica) takes everything;
   * otherwise cut the log back to the consistent point and report from there.
   */
  private doTruncate(m: HaEpochs): void {
    if (this.opts.profile === "5.3") this.lastReadUs = this.now;
    const epochs = this.opts.epochs!;
    if (epochs.size > 0) {
      const localMax = this.store.maxPhyOffset;
      const point = findConsistentPoint(epochs.entries(), localMax, m.entries, m.maxOffset);
      if (point < 0) {
        const ch = this.ch!;
        this.schedule(TRUNCATE_FAILED_WAIT_US, () => { if (this.ch === ch) this.closeMaster("no-consistent-point", true); });
        return;
      }
      if (point < localMax) {
        const removed = this.store.truncateFiles(point);
        this.host.emit({ type: "ha.truncate", node: this.host.node.name, master: this.ch!.nodes[1].name, offset: point, from: localMax, messages: removed });
      }
      epochs.truncateSuffixByOffset(point);
      this.currentReported = Math.min(this.currentReported, point);
    }
    this.handshaking = false;
    this.reportPlus();
  }

  /** reportSlaveMaxOffsetPlus: report when the max offset grew. */
  private reportPlus(): boolean {
    const max = this.store.maxPhyOffset;
    if (max <= this.currentReported) return true;
    this.currentReported = max;
    return this.report(max);
  }

  private reportFrame(offset: number): HaFrame {
    const id = this.opts.reportBrokerId?.() ?? null;
    return id === null ? { ha: "report", offset } : { ha: "report", offset, brokerId: id };
  }

  private report(offset: number): boolean {
    const ch = this.ch!;
    if (!this.host.transport.send(ch, 0, this.reportFrame(offset))) { this.closeMaster("peer-closed", true); return false; }
    this.lastWriteUs = this.now;
    return true;
  }

  /** closeMaster, then reconnect: at once (4.9.8 `continue`, 5.x housekeeping) or after 5 s (5.x closeMasterAndWait). */
  private closeMaster(reason: Reason, local: boolean): void {
    const ch = this.ch;
    if (ch === null) return;
    this.ch = null;
    this.handshaking = false;
    if (local) this.host.transport.close(ch, 0, "local");
    this.host.emit({ type: "ha.disconnect", node: this.host.node.name, peer: ch.nodes[1].name, side: "slave", reason });
    if (this.stopped) return;
    if (this.opts.profile === "4.9" || reason === "housekeeping") this.schedule(0, this.run);
    else this.schedule(RECONNECT_US, this.run);
  }
}

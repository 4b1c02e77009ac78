// The master side of classic replication (ST/ha/HAService in 4.9.8, DefaultHAService +
// GroupTransferService in 5.x): accepts slaves on haListenPort, keeps their connections,
// tracks push2SlaveMaxOffset, and makes SYNC_MASTER puts wait (CommitLog
// #submitReplicaRequest in 4.9.8, #handleHA in 5.x).
//
// Fault model: part of the broker process — its connections, timers and waiting puts die
// with it; a restarted process starts with no connection and push2SlaveMaxOffset = 0, and
// slaves reconnect (ha-client.ts). Every broker listens, slaves included, as in RocketMQ
// (AcceptSocketService starts whatever the role), so a promoted slave serves its peers at once.
// SYNC_MASTER, per profile:
// - 4.9: isSlaveOK(end) = at least one connection and end - push2SlaveMaxOffset <
//   haMaxGapNotInSync (256 MiB); if so the put waits until push2SlaveMaxOffset >= end, up to
//   slaveTimeout (3 s) -> PUT_OK or FLUSH_SLAVE_TIMEOUT; if not, SLAVE_NOT_AVAILABLE at once.
//   push2SlaveMaxOffset only grows (any slave's report, even one past the master's max).
//   A connection counts from accept (HAConnection's constructor), before the slave's first
//   report, which 4.9.8's HAClient sends only ~5 s after connecting (ha-client.ts): puts
//   wait meanwhile, as in RocketMQ (scenarios/ha-sync-master-slave-connect.yaml).
// - 5.3: with inSyncReplicas <= 1 (the default) PUT_OK at once, as ASYNC_MASTER; otherwise
//   the put waits for inSyncReplicas - 1 connections whose ack reaches end, up to
//   slaveTimeout -> FLUSH_SLAVE_TIMEOUT. 5.x never answers SLAVE_NOT_AVAILABLE here.
// - 5.3 failover: controller (AutoSwitchHAService; CommitLog#asyncPutMessage,
//   GroupTransferService#doWaitTransfer): with allAckInSyncStateSet the put waits instead until
//   every member of the SyncStateSet (the master counts itself) acked end; a set of the master
//   alone is PUT_OK at once. The set can shrink while puts wait: the host calls recheck() then
//   (Java re-checks every 1 ms).
// ASYNC_MASTER puts never wait (the broker sets no replica waiter); with no slave connected
// nothing here runs per message.

import type { Channel } from "../../remoting/channel.js";
import type { ReplicaWaiter } from "../replication.js";
import type { PutStatus } from "../types.js";
import { ConfirmOffset } from "./confirm-offset.js";
import { GroupTransfer } from "./group-transfer.js";
import { HAConnection } from "./ha-connection.js";
import type { HaHost, HaOptions, HaStore } from "./types.js";

/** MixAll.ALL_ACK_IN_SYNC_STATE_SET: the ack count that means "every member of the SyncStateSet". */
const ALL_ACK_IN_SYNC_STATE_SET = -1;

export class HAService implements ReplicaWaiter {
  readonly connections: HAConnection[] = [];
  push2SlaveMaxOffset = 0;
  private readonly transfer: GroupTransfer;
  /** failover: controller: what consumers may read (confirm-offset.ts); null otherwise. */
  readonly confirm: ConfirmOffset | null;

  constructor(private readonly host: HaHost, private readonly store: HaStore, private readonly opts: HaOptions) {
    this.transfer = new GroupTransfer(host.node, (next, acks) => this.transferOK(next, acks));
    this.confirm = opts.epochs ? new ConfirmOffset(store, opts, this.connections) : null;
  }

  /** AcceptSocketService#beginAccept on the current process. */
  start(): void {
    this.host.transport.listen(this.host.node, this.opts.port, (ch: Channel) => {
      const conn = new HAConnection(this.host, this.store, this.opts, this, ch);
      this.connections.push(conn);
      return conn.handler;
    });
  }

  get connectionCount(): number {
    return this.connections.length;
  }

  /** Puts waiting for a slave (tests, displays). */
  get waiting(): number {
    return this.transfer.waiting;
  }

  /** Make this store's puts wait for slaves (SYNC_MASTER) or not; keep connected slaves' data. */
  attach(syncMaster: boolean): void {
    this.store.replica = syncMaster ? this : null;
    this.store.replicaFloor = () => this.replicaFloor();
  }

  isSlaveOK(masterPutWhere: number): boolean {
    return this.connections.length > 0 && masterPutWhere - this.push2SlaveMaxOffset < this.opts.maxGapNotInSync;
  }

  notifyTransferSome(offset: number): void {
    if (offset > this.push2SlaveMaxOffset) this.push2SlaveMaxOffset = offset;
    else if (this.opts.profile === "4.9") return; // 4.9 wakes the waiters only when the max grows
    this.transfer.notify();
  }

  /** failover: controller: destroyConnections on a role change (each closes with FIN). */
  destroyConnections(): void {
    for (const c of [...this.connections]) c.close("role-change");
  }

  removeConnection(c: HAConnection): void {
    const i = this.connections.indexOf(c);
    if (i >= 0) this.connections.splice(i, 1);
  }

  /** ReplicaWaiter: CommitLog#submitReplicaRequest (4.9) / #handleHA (5.x) for a SYNC_MASTER. */
  submit(nextOffset: number, done: (status: PutStatus) => void): void {
    if (this.opts.profile === "4.9") {
      if (!this.isSlaveOK(nextOffset)) { done("SLAVE_NOT_AVAILABLE"); return; }
      this.transfer.put(nextOffset, this.opts.slaveTimeoutUs, 0, done);
    } else {
      const allAck = this.opts.allAckInSyncStateSet === true && this.opts.syncStateSet !== undefined;
      if (!allAck && this.opts.inSyncReplicas <= 1) { done("PUT_OK"); return; }
      this.transfer.put(nextOffset, this.opts.slaveTimeoutUs, allAck ? ALL_ACK_IN_SYNC_STATE_SET : this.opts.inSyncReplicas, done);
    }
    this.wakeupAll();
  }

  /** failover: controller: the SyncStateSet changed (setSyncStateSet): new confirmOffset; waiting puts may be done now. */
  recheck(): void {
    this.confirm?.update();
    this.transfer.notify();
  }

  /** failover: controller: a slave's ack (AutoSwitchHAConnection: updateConfirmOffsetWhenSlaveAck before notifyTransferSome). */
  onSlaveAck(c: HAConnection): void {
    this.confirm?.onSlaveAck(c.slaveBrokerId);
  }

  /** getWaitNotifyObject().wakeupAll(): every connection's write side looks for data now. */
  wakeupAll(): void {
    for (const c of this.connections) c.wake();
  }

  /** The lowest offset a connected slave may still ask for. */
  replicaFloor(): number | undefined {
    let min: number | undefined;
    for (const c of this.connections) {
      const n = c.neededFrom();
      if (n !== undefined && (min === undefined || n < min)) min = n;
    }
    return min;
  }

  /** doWaitTransfer with allAckInSyncStateSet: every member of the set, the master included. */
  private allInSyncStateSetAcked(next: number): boolean {
    const set = this.opts.syncStateSet!();
    if (set.length <= 1) return true;
    let n = 1;
    for (const c of this.connections) {
      if (c.slaveBrokerId !== null && set.includes(c.slaveBrokerId) && c.slaveAckOffset >= next && ++n >= set.length) return true;
    }
    return false;
  }

  private transferOK(next: number, acks: number): boolean {
    if (acks === 0) return this.push2SlaveMaxOffset >= next; // 4.9.8 GroupTransferService#doWaitTransfer
    if (acks === ALL_ACK_IN_SYNC_STATE_SET) return this.allInSyncStateSetAcked(next);
    let n = 1; // the master itself
    for (const c of this.connections) if (c.slaveAckOffset >= next && ++n >= acks) return true;
    return n >= acks;
  }
}

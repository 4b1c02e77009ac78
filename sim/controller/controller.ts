// A RocketMQ 5.x controller (controller/ControllerManager.java with
// ControllerRequestProcessor, DefaultBrokerHeartbeatManager, DLedgerController's
// inactive-master scan, ReplicasInfoManager and DefaultElectPolicy).
//
// Fault model:
// - ONE controller: the Raft (DLedger) layer is collapsed to a single leader that
//   is always the leader while its process runs; its state machine is kept on the
//   node's disk (replicas-info snapshot), so it survives restarts; the heartbeat
//   table is memory only (brokers re-announce themselves within 1 s). No leader
//   re-election delay, no Raft commit latency; a dead controller means no elections
//   and no SyncStateSet changes until it is back (brokers keep their roles).
// - Broker liveness: heartbeats (timeout 10 s), the scan every 5 s (first 2 s),
//   channel close/reset/idle = inactive at once (BrokerHousekeepingService).
// - An inactive master triggers an election (up to electMasterMaxRetryCount tries;
//   each failed try applies "no master" and bumps masterEpoch, as in Java). Also,
//   every 5 s, broker-sets whose master is inactive but that have an active member
//   are re-elected (scanInactiveMasterAndTriggerReelect).
// - A new master is pushed (NOTIFY_BROKER_ROLE_CHANGED, oneway) to every active
//   member's broker address through the controller's own remoting client; a lost
//   push is repaired by the brokers' 5 s GET_REPLICA_INFO poll.

import type { Node, Process } from "../core/node.js";
import type { Channel, Transport } from "../remoting/channel.js";
import { RemotingClient, RemotingServer, type Request, type Response } from "../remoting/rpc.js";
import { BrokerHeartbeatManager, electPolicy, type BrokerLiveInfo } from "./heartbeat.js";
import {
  ControllerRequestCode as Code, ControllerResponseCode as RC, DEFAULT_CONTROLLER_CONFIG,
  type ControllerConfig, type ElectionReason, type EventSink, type HeartbeatRequest, type ReplicaView,
} from "./protocol.js";
import { ReplicasInfo, type GroupState, type Result } from "./replicas-info.js";

const DISK_KEY = "controller.replicasInfo";

export interface ControllerOptions {
  transport: Transport;
  config?: Partial<ControllerConfig>;
  onEvent?: EventSink;
}

export class ControllerProcess implements Process {
  readonly config: ControllerConfig;
  readonly replicas = new ReplicasInfo();
  private readonly heartbeats: BrokerHeartbeatManager;
  private server!: RemotingServer;
  private client!: RemotingClient;
  private readonly emit: EventSink;

  constructor(private readonly node: Node, private readonly opts: ControllerOptions) {
    this.config = { ...DEFAULT_CONTROLLER_CONFIG, ...opts.config };
    this.heartbeats = new BrokerHeartbeatManager(this.config.defaultHeartbeatTimeoutUs);
    this.emit = opts.onEvent ?? (() => {});
  }

  get addr(): string {
    return `${this.node.ip}:${this.config.port}`;
  }

  start(): void {
    const c = this.config;
    this.replicas.restore(this.node.disk.get(DISK_KEY) as GroupState[] | undefined);
    this.server = new RemotingServer(this.node, this.opts.transport, c.port, c.serverChannelMaxIdleUs, {
      onRequest: (ch, req, reply) => { const r = this.handle(ch, req); if (r) reply(r); },
      onChannelEvent: (ch) => this.onChannelClose(ch),
    });
    this.client = new RemotingClient(this.node, this.opts.transport, { connectTimeoutUs: 3_000_000, closeSocketIfTimeout: true, idleUs: 120_000_000 });
    this.node.every(c.scanNotActiveBrokerIntervalUs, () => this.scanNotActiveBroker(), c.scanNotActiveBrokerInitialDelayUs, "rate");
    this.node.every(c.scanInactiveMasterIntervalUs, () => this.scanInactiveMaster(), c.scanInactiveMasterIntervalUs, "rate");
  }

  /** What the controller believes about a broker-set (for tests and status displays). */
  replicaInfo(brokerName: string): ReplicaView | null {
    const g = this.replicas.groups.get(brokerName);
    return g ? this.replicas.view(g) : null;
  }

  isBrokerActive(brokerName: string, brokerId: number): boolean {
    return this.heartbeats.isActive(brokerName, brokerId, this.now());
  }

  // ---- requests ---------------------------------------------------------------

  private handle(ch: Channel, req: Request): Response | null {
    switch (req.code) {
      case Code.BROKER_HEARTBEAT: {
        const hb = req as unknown as HeartbeatRequest;
        if (hb.brokerId === null || hb.brokerId === undefined) return { code: RC.CONTROLLER_INVALID_REQUEST, remark: "Heart beat with empty brokerId" };
        this.heartbeats.onHeartbeat(hb, ch, this.now());
        return { code: RC.SUCCESS };
      }
      case Code.CONTROLLER_GET_NEXT_BROKER_ID:
        return { code: RC.SUCCESS, nextBrokerId: this.replicas.nextBrokerId(req.brokerName as string) };
      case Code.CONTROLLER_APPLY_BROKER_ID:
        return this.persisted(this.replicas.applyBrokerId(req.clusterName as string, req.brokerName as string,
          req.brokerId as number, req.registerCheckCode as string));
      case Code.CONTROLLER_REGISTER_BROKER: {
        const name = req.brokerName as string;
        return this.persisted(this.replicas.registerBroker(name, req.brokerId as number, req.brokerAddr as string, this.activeIn(name)));
      }
      case Code.CONTROLLER_GET_REPLICA_INFO:
        return toResponse(this.replicas.getReplicaInfo(req.brokerName as string));
      case Code.CONTROLLER_ELECT_MASTER:
        return this.brokerElect(ch, req.brokerName as string, req.brokerId as number);
      case Code.CONTROLLER_ALTER_SYNC_STATE_SET: {
        const name = req.brokerName as string;
        const r = this.replicas.alterSyncStateSet(name, req.masterBrokerId as number, req.masterEpoch as number,
          req.syncStateSet as number[], req.syncStateSetEpoch as number, this.activeIn(name));
        if (r.code === RC.SUCCESS) this.reportSyncStateSet(name);
        return this.persisted(r);
      }
      default:
        return { code: RC.REQUEST_CODE_NOT_SUPPORTED, remark: `request type ${req.code} not supported` };
    }
  }

  /** A broker asks for an election (ReplicasManager#brokerElect); notify on a new master. */
  private brokerElect(ch: Channel, brokerName: string, brokerId: number): Response {
    const g = this.replicas.groups.get(brokerName);
    const masterValid = g !== undefined && g.masterBrokerId !== null && this.isBrokerActive(brokerName, g.masterBrokerId);
    if (g && !masterValid) {
      this.emit({ type: "election.start", node: this.node.name, brokerName, reason: "broker-elect", requester: ch.nodes[0].name });
    }
    const r = this.elect(brokerName, brokerId);
    return toResponse(r);
  }

  /** Run ReplicasInfoManager#electMaster, persist, report, and push a new master to the set. */
  private elect(brokerName: string, brokerId: number | null): Result<ReplicaView> {
    const r = this.replicas.electMaster(brokerName, brokerId, {
      enableElectUncleanMaster: this.config.enableElectUncleanMaster,
      policy: (sss, all, old, prefer) => electPolicy(sss, all, old, prefer,
        (id) => this.isBrokerActive(brokerName, id), (id) => this.heartbeats.get(brokerName, id)),
    });
    this.persisted(r);
    const g = this.replicas.groups.get(brokerName);
    if (r.code === RC.SUCCESS && r.body && g) {
      const v = r.body;
      const addr = v.masterAddress ?? "";
      this.emit({ type: "election.won", node: this.nodeNameOf(addr), brokerName, brokerId: v.masterBrokerId!, epoch: v.masterEpoch, addr });
      this.reportSyncStateSet(brokerName);
      if (this.config.notifyBrokerRoleChanged) this.notifyBrokerRoleChanged(g, v);
    } else if (r.code === RC.CONTROLLER_MASTER_NOT_AVAILABLE || r.code === RC.CONTROLLER_ELECT_MASTER_FAILED) {
      this.emit({ type: "election.failed", node: this.node.name, brokerName, epoch: g?.masterEpoch ?? 0, code: r.code });
    }
    return r;
  }

  /** ControllerManager#triggerElectMaster: retried while it fails (each failure re-applies "no master"). */
  private triggerElectMaster(brokerName: string, reason: ElectionReason): void {
    this.emit({ type: "election.start", node: this.node.name, brokerName, reason });
    for (let i = 0; i < this.config.electMasterMaxRetryCount; i++) {
      if (this.elect(brokerName, null).code === RC.SUCCESS) return;
    }
  }

  private notifyBrokerRoleChanged(g: GroupState, v: ReplicaView): void {
    for (const id of this.replicas.allBrokers(g)) {
      if (!this.isBrokerActive(g.brokerName, id)) continue;
      const addr = g.brokers[id][0];
      this.client.oneway(addr, { code: Code.NOTIFY_BROKER_ROLE_CHANGED, brokerName: g.brokerName, ...v });
    }
  }

  // ---- liveness -------------------------------------------------------------------

  private scanNotActiveBroker(): void {
    for (const info of this.heartbeats.scan(this.now())) {
      if (info.channel.open[1]) this.server.close(info.channel);
      this.onBrokerInactive(info, "expired");
    }
  }

  private onChannelClose(ch: Channel): void {
    const info = this.heartbeats.onChannelClose(ch);
    if (info) this.onBrokerInactive(info, "channel-closed");
  }

  /** ControllerManager#onBrokerInactive: only the master's loss triggers an election. */
  private onBrokerInactive(info: BrokerLiveInfo, why: "expired" | "channel-closed"): void {
    this.emit({ type: "controller.brokerInactive", node: this.node.name, brokerName: info.brokerName, brokerId: info.brokerId, addr: info.brokerAddr, reason: why });
    const g = this.replicas.groups.get(info.brokerName);
    if (!g || g.masterBrokerId !== info.brokerId) return;
    this.triggerElectMaster(info.brokerName, why === "expired" ? "master-inactive" : "master-channel-closed");
  }

  private scanInactiveMaster(): void {
    for (const name of this.replicas.needReelect((b, id) => this.isBrokerActive(b, id))) {
      this.triggerElectMaster(name, "inactive-master-scan");
    }
  }

  // ---- helpers ----------------------------------------------------------------------

  private reportSyncStateSet(brokerName: string): void {
    const g = this.replicas.groups.get(brokerName)!;
    const v = this.replicas.view(g);
    this.emit({ type: "controller.syncStateSet", node: this.node.name, brokerName, members: v.syncStateSet, epoch: v.syncStateSetEpoch, masterBrokerId: v.masterBrokerId });
  }

  private persisted<T extends object>(r: Result<T>): Response {
    this.node.disk.set(DISK_KEY, this.replicas.snapshot());
    return toResponse(r);
  }

  private activeIn(brokerName: string): (id: number) => boolean {
    return (id) => this.isBrokerActive(brokerName, id);
  }

  private nodeNameOf(addr: string): string {
    return this.opts.transport.nodeByIp(addr.split(":")[0])?.name ?? addr;
  }

  private now(): number {
    return this.node.engine.nowUs;
  }
}

function toResponse<T extends object>(r: Result<T>): Response {
  return { code: r.code, ...(r.remark !== undefined ? { remark: r.remark } : {}), ...(r.body ?? {}) };
}

// The broker side of Controller mode, as a helper a broker process owns: broker
// id registration, heartbeats, the metadata poll, role changes, elections at
// start-up and the master's SyncStateSet maintenance. Modelled on
// broker/controller/ReplicasManager.java (+ BrokerController#scheduleSendHeartbeat,
// BrokerOuterAPI's controller calls, AdminBrokerProcessor#notifyBrokerRoleChanged).
//
// Fault model:
// - All timers belong to the hosting process: a crash or restart kills them; the
//   broker id (metadata file, temp metadata file) and the last epoch (epoch file)
//   live on node.disk and survive restarts, so a restarted broker re-registers with
//   its old id and rejoins as a slave if another master was elected meanwhile.
// - Every controller RPC has a 3 s budget; heartbeats are oneway. A failed start
//   (registration, or no master and the election refused) is retried every 5 s;
//   until it succeeds the broker is fenced and skips its scheduled heartbeats.
// - One controller (its address is the leader's): the controller-metadata lookups
//   (GET_METADATA_INFO, reachability scans) are not modelled.
// - Role changes arrive by push (handleRequest, routed by the broker's server), by
//   the 5 s poll, or by an election answer; only a higher masterEpoch is obeyed.

import type { Node } from "../core/node.js";
import type { Rng } from "../core/random.js";
import type { TimerId } from "../core/engine.js";
import type { Transport } from "../remoting/channel.js";
import { RemotingClient, type Request, type Response } from "../remoting/rpc.js";
import {
  ControllerRequestCode as Code, ControllerResponseCode as RC, DEFAULT_CLIENT_CONFIG,
  MASTER_ID, SYNC_BROKER_METADATA_INITIAL_US, type ControllerClientConfig, type EventSink, type ReplicaView,
} from "./protocol.js";
import { MasterSyncTasks } from "./master-sync.js";
import { Registration } from "./register.js";
import { SyncStateTracker } from "./sync-state.js";

export interface RoleChange {
  role: "MASTER" | "SLAVE";
  /** The id to register with at the NameServer: 0 for the master, the controller id for a slave. */
  brokerId: number;
  /** The id the controller assigned to this broker (stable across roles and restarts). */
  controllerBrokerId: number;
  masterBrokerId: number;
  masterAddr: string;
  masterEpoch: number;
}

export interface ControllerClientOptions {
  node: Node;
  transport: Transport;
  /** Seeded stream for the registration back-off ("controller-client/<node>"). */
  rng: Rng;
  controllerAddr: string;
  clusterName: string;
  brokerName: string;
  /** This broker's "ip:port" (where the controller pushes role changes). */
  brokerAddr: string;
  config?: Partial<ControllerClientConfig>;
  /** The store's max physical offset. */
  maxOffset(): number;
  /** The store's confirm offset (default: maxOffset). */
  confirmOffset?(): number;
  /** The last epoch in the store's epoch file (default: the last epoch this client adopted, kept on disk). */
  lastEpoch?(): number;
  /** As master: connected slaves' HA ack offsets, keyed by their controller broker id. */
  slaveAckOffsets(): ReadonlyMap<number, number>;
  onRoleChange(c: RoleChange): void;
  /** As master: the controller confirmed a new SyncStateSet (puts waiting for all of it may be done). */
  onSyncStateSetChanged?(): void;
  /** Fenced (isolated) until the first start succeeds: no writes, no NameServer registration. */
  onFenced?(fenced: boolean): void;
  onEvent?: EventSink;
  /** Share the broker's remoting client (default: a client of our own). */
  remoting?: RemotingClient;
}

const EPOCH_KEY = "controller.epochFile";

export class ControllerClient {
  readonly config: ControllerClientConfig;
  readonly remoting: RemotingClient;
  private state: "INITIAL" | "REGISTER_DONE" | "RUNNING" | "SHUTDOWN" = "INITIAL";
  private fenced = true;
  private role: "MASTER" | "SLAVE" | null = null;
  private masterBrokerId: number | null = null;
  private masterAddr = "";
  private masterEpoch = 0;
  private sssEpoch = 0;
  private readonly tracker: SyncStateTracker;
  private readonly registration: Registration;
  private readonly masterTasks: MasterSyncTasks;
  private timers: TimerId[] = [];
  private readonly emit: EventSink;

  constructor(private readonly o: ControllerClientOptions) {
    this.config = { ...DEFAULT_CLIENT_CONFIG, ...o.config };
    this.remoting = o.remoting ?? new RemotingClient(o.node, o.transport,
      { connectTimeoutUs: this.config.connectTimeoutUs, closeSocketIfTimeout: true, idleUs: 120_000_000 });
    this.tracker = new SyncStateTracker(() => this.controllerBrokerId, this.config.haMaxTimeSlaveNotCatchupUs);
    this.masterTasks = new MasterSyncTasks(o.node, this.config, this.tracker, {
      isMaster: () => this.role === "MASTER", maxOffset: () => o.maxOffset(), slaveAckOffsets: () => o.slaveAckOffsets(),
      report: (members) => this.doReportSyncStateSetChanged(members),
    });
    this.registration = new Registration(o, this.config, (method, req, cb) => this.call(method, req, cb));
    this.emit = o.onEvent ?? (() => {});
  }

  // ---- what the host reads ---------------------------------------------------------

  get controllerBrokerId(): number | null { return this.registration.brokerId; }
  get isFenced(): boolean { return this.fenced; }
  get currentRole(): "MASTER" | "SLAVE" | null { return this.role; }
  get epoch(): number { return this.masterEpoch; }
  /** The SyncStateSet as the master sees it (confirmed ∪ proposed while a change is in flight). */
  syncStateSet(): number[] { return this.tracker.syncStateSet(); }
  /** getLocalSyncStateSet: the confirmed set alone. */
  localSyncStateSet(): number[] { return this.tracker.localSyncStateSet(); }
  /** AutoSwitchHAService#inSyncReplicasNums; writes need >= minInSyncReplicas (else IN_SYNC_REPLICAS_NOT_ENOUGH). */
  inSyncReplicasCount(): number { return this.tracker.inSyncReplicasCount(); }
  hasEnoughInSyncReplicas(): boolean { return this.inSyncReplicasCount() >= this.config.minInSyncReplicas; }

  // ---- lifecycle ------------------------------------------------------------------------

  start(): void {
    const c = this.config;
    this.o.onFenced?.(true); // BrokerController#initialize: replicasManager.setFenced(true)
    this.timers.push(this.o.node.every(c.brokerHeartbeatIntervalUs, () => { if (!this.fenced) this.sendHeartbeat(); },
      c.brokerHeartbeatIntervalUs, "rate"));
    this.startBasicService((ok) => { if (!ok) this.retryStart(); });
  }

  shutdown(): void {
    this.state = "SHUTDOWN";
    for (const t of this.timers) this.o.node.cancel(t);
    this.timers = [];
    this.masterTasks.stop();
  }

  /** Route NOTIFY_BROKER_ROLE_CHANGED here from the broker's server; other codes: null. */
  handleRequest(req: Request): Response | null {
    if (req.code !== Code.NOTIFY_BROKER_ROLE_CHANGED) return null;
    const v = req as unknown as ReplicaView;
    if (this.state !== "SHUTDOWN" && this.controllerBrokerId !== null && v.masterBrokerId !== null
      && v.masterEpoch > this.masterEpoch) this.adopt(v);
    return { code: RC.SUCCESS };
  }

  private retryStart(): void {
    this.o.node.after(this.config.startRetryIntervalUs, () => this.startBasicService((ok) => { if (!ok) this.retryStart(); }));
  }

  /** ReplicasManager#startBasicService. */
  private startBasicService(done: (ok: boolean) => void): void {
    if (this.state === "SHUTDOWN") { done(false); return; }
    const afterRegister = () => {
      this.sendHeartbeat();
      if (this.masterBrokerId !== null) { this.running(); done(true); return; }
      this.brokerElect((ok) => { if (ok) this.running(); done(ok); });
    };
    if (this.state !== "INITIAL") { afterRegister(); return; }
    this.registration.registerWithRetries((ok, view) => {
      if (!ok) { done(false); return; }
      this.state = "REGISTER_DONE";
      if (view && view.masterBrokerId !== null) this.adopt(view);
      afterRegister();
    });
  }

  private running(): void {
    this.state = "RUNNING";
    this.fenced = false;
    this.o.onFenced?.(false);
    this.timers.push(this.o.node.every(this.config.syncBrokerMetadataPeriodUs, () => this.syncBrokerMetadata(),
      SYNC_BROKER_METADATA_INITIAL_US, "rate"));
  }

  // ---- heartbeats, polls, elections ---------------------------------------------------------

  private sendHeartbeat(): void {
    const id = this.controllerBrokerId;
    if (id === null) return;
    const max = this.o.maxOffset();
    this.remoting.oneway(this.o.controllerAddr, {
      code: Code.BROKER_HEARTBEAT, clusterName: this.o.clusterName, brokerName: this.o.brokerName,
      brokerAddr: this.o.brokerAddr, brokerId: id, epoch: this.lastEpoch(), maxOffset: max,
      confirmOffset: this.o.confirmOffset?.() ?? max,
      heartbeatTimeoutMs: Math.floor(this.config.controllerHeartBeatTimeoutUs / 1000),
      electionPriority: this.config.brokerElectionPriority,
    });
  }

  /** schedulingSyncBrokerMetadata's task: GET_REPLICA_INFO and obey a higher epoch. */
  private syncBrokerMetadata(): void {
    this.call("getReplicaInfo", { code: Code.CONTROLLER_GET_REPLICA_INFO, brokerName: this.o.brokerName }, (resp) => {
      if (!resp) return;
      if (resp.code === RC.CONTROLLER_BROKER_METADATA_NOT_EXIST) {
        this.registration.registerBrokerToController((ok, v) => { if (ok && v && v.masterBrokerId !== null) this.adopt(v); });
        return;
      }
      if (resp.code !== RC.SUCCESS) return;
      const v = resp as unknown as ReplicaView;
      if (v.masterEpoch > this.masterEpoch) {
        if (v.masterAddress && v.masterBrokerId !== null) this.adopt(v);
        else this.brokerElect(() => {});
      } else if (v.masterEpoch === this.masterEpoch && this.role === "MASTER") {
        this.changeSyncStateSet(v.syncStateSet, v.syncStateSetEpoch);
      }
    });
  }

  /** ReplicasManager#brokerElect: ask the controller to elect us (SUCCESS or MASTER_STILL_EXIST count). */
  private brokerElect(done: (ok: boolean) => void): void {
    this.call("brokerElect", { code: Code.CONTROLLER_ELECT_MASTER, clusterName: this.o.clusterName,
      brokerName: this.o.brokerName, brokerId: this.controllerBrokerId }, (resp) => {
      if (!resp || (resp.code !== RC.SUCCESS && resp.code !== RC.CONTROLLER_MASTER_STILL_EXIST)) { done(false); return; }
      const v = resp as unknown as ReplicaView;
      if (!v.masterAddress || v.masterBrokerId === null) { done(false); return; }
      this.adopt(v);
      done(true);
    });
  }

  // ---- role changes -----------------------------------------------------------------------------

  /** changeBrokerRole: master or slave, by the view's master id. */
  private adopt(v: ReplicaView): void {
    if (v.masterBrokerId === this.controllerBrokerId) this.changeToMaster(v.masterEpoch, v.syncStateSetEpoch, v.syncStateSet);
    else this.changeToSlave(v.masterAddress ?? "", v.masterEpoch, v.masterBrokerId!);
  }

  private changeToMaster(epoch: number, sssEpoch: number, sss: number[]): void {
    if (epoch <= this.masterEpoch) return;
    this.masterEpoch = epoch;
    const self = this.controllerBrokerId!;
    if (!(this.masterBrokerId === self && this.role === "MASTER")) {
      this.tracker.becomeMaster(this.o.node.engine.nowUs, this.o.maxOffset());
      this.role = "MASTER";
      this.masterAddr = this.o.brokerAddr;
      this.masterBrokerId = self;
      this.masterTasks.schedule();
    }
    this.changeSyncStateSet(sss, sssEpoch);
    this.saveEpoch(epoch);
    this.o.node.after(0, () => this.masterTasks.checkAndReport());
    this.roleChanged();
  }

  private changeToSlave(masterAddr: string, epoch: number, masterId: number): void {
    if (epoch <= this.masterEpoch) return;
    this.masterEpoch = epoch;
    if (masterId !== this.masterBrokerId || this.role !== "SLAVE") {
      this.masterTasks.stop();
      this.role = "SLAVE";
      this.masterAddr = masterAddr;
      this.masterBrokerId = masterId;
    }
    this.saveEpoch(epoch);
    this.roleChanged();
  }

  private roleChanged(): void {
    const self = this.controllerBrokerId!;
    const role = this.role!;
    this.emit({ type: "controller.roleChange", node: this.o.node.name, brokerName: this.o.brokerName, role, brokerId: self, masterEpoch: this.masterEpoch });
    this.o.onRoleChange({
      role, brokerId: role === "MASTER" ? MASTER_ID : self, controllerBrokerId: self,
      masterBrokerId: this.masterBrokerId!, masterAddr: this.masterAddr, masterEpoch: this.masterEpoch,
    });
  }

  private changeSyncStateSet(sss: number[], sssEpoch: number): void {
    if (sssEpoch <= this.sssEpoch) return;
    this.sssEpoch = sssEpoch;
    this.tracker.setSyncStateSet(sss);
    this.o.onSyncStateSetChanged?.();
  }

  /** ALTER_SYNC_STATE_SET with our epochs; adopt the confirmed set (ReplicasManager#doReportSyncStateSetChanged). */
  private doReportSyncStateSetChanged(members: number[]): void {
    this.call("alterSyncStateSet", {
      code: Code.CONTROLLER_ALTER_SYNC_STATE_SET, brokerName: this.o.brokerName, masterBrokerId: this.controllerBrokerId,
      masterEpoch: this.masterEpoch, syncStateSet: members, syncStateSetEpoch: this.sssEpoch,
    }, (resp) => {
      const code = resp ? resp.code : -1;
      this.emit({ type: "controller.syncStateSetReport", node: this.o.node.name, brokerName: this.o.brokerName, members, accepted: code === RC.SUCCESS, code });
      if (resp && resp.code === RC.SUCCESS) this.changeSyncStateSet(resp.syncStateSet as number[], resp.syncStateSetEpoch as number);
    });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private lastEpoch(): number {
    if (this.o.lastEpoch) return this.o.lastEpoch();
    return (this.o.node.disk.get(EPOCH_KEY) as number | undefined) ?? 0;
  }

  private saveEpoch(epoch: number): void {
    const prev = (this.o.node.disk.get(EPOCH_KEY) as number | undefined) ?? 0;
    if (epoch > prev) this.o.node.disk.set(EPOCH_KEY, epoch);
  }

  /** invokeSync with the 3 s budget; `null` on a transport error (Java: an exception, logged). */
  private call(_method: string, req: Request, cb: (resp: Response | null) => void): void {
    const inc = this.o.node.incarnation;
    this.remoting.invoke(this.o.controllerAddr, req, this.config.rpcTimeoutUs, (err, resp) => {
      if (inc !== this.o.node.incarnation || this.state === "SHUTDOWN") return;
      cb(err ? null : (resp ?? null));
    });
  }
}

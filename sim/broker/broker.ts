// A broker process: registration with every NameServer (broker/BrokerController
// #start, #registerBrokerAll; broker/out/BrokerOuterAPI), clean unregistration on
// shutdown, and the remoting server clients connect to.
//
// Registration: once at start, then at a fixed rate after 10 s with period
// max(10 s, min(registerNameServerPeriod, 60 s)). Each round sends REGISTER_BROKER
// to every NameServer in parallel, each with registerBrokerTimeoutMills; when all have
// answered (or timed out), the first answer tells a slave where its master is. 4.9: the round
// that follows a topic creation is oneway and tells a slave nothing (see topicsChanged).
// Role, brokerId and replication (HA, slave sync, promote): replication.ts; with failover:
// dledger the Raft log and DLedgerRoleChangeHandler roles: dledger-commitlog.ts.
//
// failover: controller (5.3, enableControllerMode; sim/controller/): the broker owns a
// ControllerClient (ReplicasManager). It starts with no role and fenced: brokerId -1, no
// NameServer registration, sends refused (SERVICE_NOT_AVAILABLE) until the controller assigns a
// role and the client's start succeeds. A role change (push of NOTIFY_BROKER_ROLE_CHANGED = 1008
// to this server, the 5 s poll, or an election answer) sets brokerId (0 for the master, the
// controller broker id for a slave), the store role (the group's brokerRole for the master),
// points the HA client at the new master's haListenPort (slave) or serves slaves (master),
// re-registers at once and emits broker.role (epoch = masterEpoch). As master, a send is refused
// with IN_SYNC_REPLICAS_NOT_ENOUGH (the producer sees SYSTEM_ERROR, as SendMessageProcessor maps
// it) while the SyncStateSet is below minInSyncReplicas. The master's view of its slaves' ack
// offsets is keyed by controller broker id: each slave's HA reports carry its id (the
// AutoSwitchHAClient handshake does in Java; sim/store/ha/types.ts HaReport.brokerId).
// NameServer answers do not move a controller-mode slave (the controller names its master).

import type { Node, Process } from "../core/node.js";
import { num, type Settings } from "../scenario/defaults.js";
import { RequestCode, ResponseCode } from "../remoting/codes.js";
import type { Env } from "../remoting/env.js";
import { clientOptions } from "../remoting/client-options.js";
import { RemotingClient, RemotingServer, type Request, type Response } from "../remoting/rpc.js";
import type { DataVersion, TopicConfig } from "../namesrv/routeinfo.js";
import type { Channel } from "../remoting/channel.js";
import { offsetMsgIdFactory } from "../client/msg-id.js";
import { initialTopicConfigs } from "./topic-config.js";
import { TopicTable } from "./topic-table.js";
import { ConsumerManager } from "./consumer-manager.js";
import { OffsetManager } from "./offset-manager.js";
import { PullProcessor, type PullRequest } from "./pull-processor.js";
import { Replication, saveConf, savedConf, type BrokerConf, type Role } from "./replication.js";
import { processSendBatch, type SendBatchRequest } from "./send-batch-processor.js";
import { processSend, type SendContext, type SendRequest } from "./send-processor.js";
import { SlaveSync, type SlaveSyncHost } from "./slave-sync.js";
import { registerBrokerAll, unregisterBrokerAll, type BrokerIdentity } from "./outer-api.js";
import { RetryService } from "./retry-service.js";
import { RebalanceLockManager } from "./rebalance-lock.js";
import { processManage, type ManageContext } from "./manage-processors.js";
import type { SendBackRequest } from "./send-back-processor.js";
import { DLedgerCommitLog } from "./dledger-commitlog.js";
import type { StorePort } from "./store-port.js";
import { ControllerClient, type RoleChange } from "../controller/client.js";
import { ControllerRequestCode } from "../controller/protocol.js";
import { EpochFile } from "../store/ha/epoch-file.js";

export interface BrokerSpec {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  topics: { name: string; readQueueNums: number; writeQueueNums: number; perm: number }[];
  namesrvIps: string[];
  /** Per-group overrides of broker settings (µs for durations). */
  config: Record<string, number | boolean | string>;
  /** The node's message store (it lives on the node's disk across restarts). */
  makeStore: (node: Node) => StorePort;
  /** failover: dledger: this node's DLedger member id and every member's "ip:port". */
  dledger?: { selfId: string; peers: Record<string, string> };
  /** failover: controller: the controller's "ip:port" (controller-0, port 9878). */
  controllerAddr?: string;
}

const REGISTER_FIRST_DELAY_US = 10_000_000;

export class Broker implements Process {
  readonly addr: string;
  readonly haAddr: string;
  private readonly topicTable: TopicTable;
  private readonly topics: Map<string, TopicConfig>;
  private client!: RemotingClient;
  private server!: RemotingServer;
  store!: StorePort;
  private consumers!: ConsumerManager;
  private offsets!: OffsetManager;
  private pull!: PullProcessor;
  private sendCtx!: SendContext;
  private retry!: RetryService;
  private readonly locks = new RebalanceLockManager();
  private manage!: ManageContext;
  /** From the last registration answer (slaves): where the master is. */
  masterAddr: string | null = null;
  /** brokerId, role and promotion epoch: the spec's, or what a promotion saved on disk. */
  readonly conf: BrokerConf;
  /** Classic master/slave replication (null with failover: dledger). */
  replication: Replication | null = null;
  /** failover: dledger: the Raft log every put goes through (null otherwise). */
  dledger: DLedgerCommitLog | null = null;
  private dledgerSync: SlaveSync | null = null;
  /** failover: controller: the ReplicasManager stand-in (null otherwise). */
  controller: ControllerClient | null = null;
  /** failover: controller: fenced (isolated) until the client's start succeeds. */
  private fenced = false;
  /** failover: controller: the store's epoch file (AutoSwitchHAService's EpochFileCache). */
  private epochs: EpochFile | null = null;

  constructor(private readonly node: Node, private readonly env: Env, readonly spec: BrokerSpec) {
    const s = env.settings;
    // DLedger: brokerId -1 and no registration until the member has a role (DLedgerRoleChangeHandler).
    // Controller mode likewise: no role until the controller assigns one.
    this.conf = spec.dledger || spec.controllerAddr ? { brokerId: -1, role: "SLAVE", epoch: 0 } : { ...(savedConf(node) ?? { brokerId: spec.brokerId, role: spec.brokerId === 0 ? this.masterRole : "SLAVE", epoch: 0 }) };
    this.addr = `${node.ip}:${num(s, "broker", "listenPort")}`;
    this.haAddr = `${node.ip}:${this.setting("haListenPort")}`;
    this.topicTable = new TopicTable(node, () => initialTopicConfigs({
      clusterName: spec.clusterName, brokerName: spec.brokerName,
      autoCreateTopicEnable: this.flag("autoCreateTopicEnable"), defaultTopicQueueNums: this.setting("defaultTopicQueueNums"), topics: spec.topics,
    }));
    this.topics = this.topicTable.map;
  }

  /** A broker setting: the group's override, else the scenario's resolved value. */
  setting(key: string): number {
    return (this.spec.config[key] as number | undefined) ?? num(this.env.settings, "broker", key);
  }

  flag(key: string): boolean {
    return (this.spec.config[key] ?? (this.env.settings.broker as Record<string, unknown>)[key]) as boolean;
  }

  /** The group's configured master role (brokerRole). */
  get masterRole(): Exclude<Role, "SLAVE"> {
    return (this.spec.config.brokerRole ?? this.env.settings.broker.brokerRole) as Exclude<Role, "SLAVE">;
  }

  start(): void {
    const s = this.env.settings;
    this.client = new RemotingClient(this.node, this.env.transport, clientOptions(s, this.env.profile));
    this.server = new RemotingServer(this.node, this.env.transport, num(s, "broker", "listenPort"),
      num(s, "broker", "serverChannelMaxIdleTimeSeconds"), {
        onRequest: (ch, req, reply) => this.handle(ch, req, reply),
        onChannelEvent: (ch) => this.consumers.channelClosed(ch),
      });
    this.store = this.spec.makeStore(this.node);
    this.store.start();
    this.consumers = new ConsumerManager((ch, req) => this.server.notify(ch, req), this.flag("notifyConsumerIdsChangedEnable"));
    this.offsets = new OffsetManager(this.node);
    this.store.setRetentionSource?.((topic, queueId) => this.retry?.minOffset(topic, queueId) ?? this.offsets.minOffset(topic, queueId));
    this.pull = new PullProcessor(this.store, () => this.env.engine.nowUs,
      (r) => this.commitOffset(r.group, r.topic, r.queueId, r.commitOffset!), {
        isSlave: () => this.conf.role === "SLAVE", profile: this.env.profile,
        slaveReadEnable: this.flag("slaveReadEnable"), whichBrokerWhenConsumeSlowly: this.setting("whichBrokerWhenConsumeSlowly"),
      });
    if (this.spec.dledger) this.startDLedger(this.spec.dledger);
    else if (this.spec.controllerAddr) this.startController(this.spec.controllerAddr);
    else this.startReplication();
    const dl = this.dledger, cc = this.controller, store = this.store;
    const put: StorePort | null = dl ? ({ putMessage: (req, done) => dl.putMessage(req, done) } as Pick<StorePort, "putMessage"> as StorePort)
      : cc ? ({ putMessage: (req, done) => {
        if (this.fenced) { done("SERVICE_NOT_AVAILABLE"); return; }
        // CommitLog#asyncPutMessage: only a SYNC_MASTER (needHandleHA) checks minInSyncReplicas —
        // which every controller-mode master is (ReplicasManager#changeToMaster).
        if (this.conf.role === "SYNC_MASTER" && !cc.hasEnoughInSyncReplicas()) { done("IN_SYNC_REPLICAS_NOT_ENOUGH"); return; }
        store.putMessage(req, done);
      }, putMessages: (reqs, done) => { // the same checks, CommitLog#asyncPutMessages
        if (this.fenced) { done("SERVICE_NOT_AVAILABLE"); return; }
        if (this.conf.role === "SYNC_MASTER" && !cc.hasEnoughInSyncReplicas()) { done("IN_SYNC_REPLICAS_NOT_ENOUGH"); return; }
        store.putMessages!(reqs, done);
      } } as Pick<StorePort, "putMessage" | "putMessages"> as StorePort) : null;
    this.sendCtx = {
      store: put ?? this.store, topics: this.topics, writable: () => true,
      autoCreateTopicEnable: this.flag("autoCreateTopicEnable"),
      topicCreated: () => this.topicsChanged(),
      stored: (req, r, batch) => this.env.tracer.emitEvent(batch === undefined
        ? { t: this.env.engine.nowUs, type: "store", node: this.node.name, msgId: req.msgId,
          topic: req.topic, queueId: req.queueId, queueOffset: r.queueOffset, commitLogOffset: r.commitLogOffset }
        : { t: this.env.engine.nowUs, type: "store", node: this.node.name, msgId: req.msgId,
          topic: req.topic, queueId: req.queueId, queueOffset: r.queueOffset, commitLogOffset: r.commitLogOffset, batch }),
      offsetMsgId: offsetMsgIdFactory(this.node.ip, num(s, "broker", "listenPort")), profile: this.env.profile,
    };
    this.retry = new RetryService({ node: this.node, store: this.store, put: this.sendCtx.store, topics: this.topics,
      topicCreated: () => this.topicsChanged(), emit: (e) => this.env.tracer.emit(e), stored: this.sendCtx.stored });
    if (this.conf.brokerId === 0) this.retry.roleChanged(true);
    this.manage = {
      now: () => this.env.engine.nowUs, disk: this.node.disk, store: this.store, consumers: this.consumers, offsets: this.offsets,
      locks: this.locks, retry: this.retry, topics: () => [...this.topics.values()], dataVersion: () => this.topicTable.dataVersion,
      commitOffset: (g, t, q, o) => this.commitOffset(g, t, q, o),
    };
    this.registerBrokerAll();
    const periodUs = Math.max(10_000_000, Math.min(this.setting("registerNameServerPeriod"), 60_000_000));
    this.node.every(periodUs, () => this.registerBrokerAll(), REGISTER_FIRST_DELAY_US, "rate");
    // PullRequestHoldService: a waitForRunning loop (fixed delay).
    const holdUs = this.flag("longPollingEnable") ? 5_000_000 : this.setting("shortPollingTimeMills");
    this.node.every(holdUs, () => this.pull.checkHoldRequest(), holdUs, "delay");
    // ClientHousekeepingService: scan every 10 s, first after 10 s.
    this.node.every(10_000_000, () => this.consumers.scan(this.env.engine.nowUs, this.setting("channelExpiredTimeout"),
      (ch) => this.server.close(ch)), 10_000_000, "rate");
    const flushUs = this.setting("flushConsumerOffsetInterval"); // wall-clock ok: a RocketMQ config key's name (…OffsetInterval), not a host timer
    this.node.every(flushUs, () => this.offsets.persist(), 10_000_000, "rate");
  }

  /** failover: dledger: the member elects; roles follow DLedgerRoleChangeHandler. */
  private startDLedger(o: { selfId: string; peers: Record<string, string> }): void {
    const index = Number(o.selfId.slice(1));
    this.dledger = new DLedgerCommitLog({
      node: this.node, env: this.env, store: this.store, selfId: o.selfId, peers: o.peers,
      isMaster: () => this.conf.role !== "SLAVE",
      // changeToSlave: brokerId = index + 1, SLAVE, slave sync of topics/offsets, register at once.
      // Both role changes register oneway (registerBrokerAll(true, true, true) in 4.9.8's
      // BrokerController#changeToSlave/#changeToMaster, as DLedgerRoleChangeHandler calls them):
      // no answer, so a new follower learns its master's address only at its next periodic round.
      onFollower: (term) => {
        if (this.conf.role === "SLAVE" && this.conf.brokerId !== -1) return;
        Object.assign(this.conf, { brokerId: index + 1, role: "SLAVE", epoch: term });
        this.startDLedgerSync();
        this.emitRole();
        this.registerBrokerAll(true);
      },
      // changeToMaster: brokerId 0, SYNC_MASTER, register at once.
      onLeaderReady: (term) => {
        if (!this.dledger?.member.isLeader() || this.dledger.member.term !== term) return;
        Object.assign(this.conf, { brokerId: 0, role: "SYNC_MASTER", epoch: term });
        this.dledgerSync?.stop();
        this.dledgerSync = null;
        this.masterAddr = null;
        this.emitRole();
        this.registerBrokerAll(true);
      },
    });
    this.dledger.start();
  }

  /** failover: controller: HAService up, no role; the ControllerClient registers, elects and assigns roles. */
  private startController(controllerAddr: string): void {
    this.startReplicationServices();
    this.replication!.startWithoutRole();
    const epochs = this.epochs!;
    this.controller = new ControllerClient({
      node: this.node, transport: this.env.transport, rng: this.env.streams.get(`controller-client/${this.node.name}`),
      controllerAddr, clusterName: this.spec.clusterName, brokerName: this.spec.brokerName,
      brokerAddr: this.addr, remoting: this.client,
      config: { minInSyncReplicas: this.setting("minInSyncReplicas"), haMaxTimeSlaveNotCatchupUs: this.setting("haMaxTimeSlaveNotCatchup") },
      maxOffset: () => this.store.maxPhyOffset,
      lastEpoch: () => epochs.lastEpoch(), // ReplicasManager#getLastEpoch = the epoch file's
      onSyncStateSetChanged: () => this.replication?.ha.recheck(),
      slaveAckOffsets: () => this.replication?.slaveAckOffsets() ?? new Map<number, number>(),
      onRoleChange: (c) => this.onControllerRole(c),
      onFenced: (f) => {
        const was = this.fenced;
        this.fenced = f;
        if (was && !f) this.registerBrokerAll(); // no longer isolated: register at once
      },
    });
    this.controller.start();
  }

  /**
   * ReplicasManager#changeToMaster / #changeToSlave as the broker sees them. A controller-mode
   * master is always SYNC_MASTER (changeToMaster: setBrokerRole(SYNC_MASTER)), whatever the
   * group's brokerRole; inSyncReplicas / allAckInSyncStateSet decide what it waits for.
   */
  private onControllerRole(c: RoleChange): void {
    const r = this.replication!;
    if (c.role === "MASTER") {
      const wasMaster = this.conf.role !== "SLAVE" && this.conf.brokerId === 0;
      r.changeToMasterEpoch(this.epochs!, c.masterEpoch, wasMaster); // ReplicasManager ignores a refusal
      Object.assign(this.conf, { brokerId: 0, role: "SYNC_MASTER", epoch: c.masterEpoch });
      this.masterAddr = null;
      r.promote("SYNC_MASTER");
    } else {
      Object.assign(this.conf, { brokerId: c.brokerId, role: "SLAVE", epoch: c.masterEpoch });
      this.masterAddr = c.masterAddr;
      r.becomeSlave(`${c.masterAddr.split(":")[0]}:${this.setting("haListenPort")}`, c.masterAddr);
    }
    // changeToMaster / changeToSlave: dataVersion.nextVersion(masterEpoch) - the NameServer keeps
    // brokerId 0 for the highest stateVersion (RouteInfoManager#registerBroker, 5.x).
    this.topicTable.nextVersion(c.masterEpoch);
    this.emitRole();
    this.registerBrokerAll();
  }

  private startDLedgerSync(): void {
    if (this.dledgerSync) return;
    this.dledgerSync = new SlaveSync(this.slaveSyncHost());
    this.dledgerSync.start();
  }

  private startReplication(): void {
    this.startReplicationServices();
    this.replication!.start(this.conf.role);
    this.emitRole();
  }

  private startReplicationServices(): void {
    const env = this.env, nameOf = (ip: string) => env.nodeNameOfIp(ip);
    const host = { node: this.node, transport: env.transport, emit: env.tracer.emit.bind(env.tracer), nameOf };
    this.replication = new Replication(host, this.store, {
      profile: env.profile, port: this.setting("haListenPort"), heartbeatUs: this.setting("haSendHeartbeatInterval"),
      housekeepingUs: this.setting("haHousekeepingInterval"), batchBytes: this.setting("haTransferBatchSize"),
      maxGapNotInSync: this.setting("haMaxGapNotInSync"), slaveTimeoutUs: this.setting("slaveTimeout"),
      inSyncReplicas: this.setting("inSyncReplicas"),
      ...(this.spec.controllerAddr ? this.autoSwitchOptions() : {}),
    }, this.slaveSyncHost());
  }

  /** What SlaveSynchronize needs of this broker (classic slaves and DLedger followers alike). */
  private slaveSyncHost(): SlaveSyncHost {
    const env = this.env;
    return {
      node: this.node, profile: env.profile, client: this.client, ownAddr: this.addr, offsets: this.offsets,
      nameOf: (ip: string) => env.nodeNameOfIp(ip), dataVersion: () => this.topicTable.dataVersion,
      emit: env.tracer.emit.bind(env.tracer), replaceTopics: (configs, version) => this.topicTable.replace(configs, version),
    };
  }

  /** failover: controller: the AutoSwitchHAService parts of the HA options (sim/store/ha/types.ts). */
  private autoSwitchOptions() {
    this.epochs = new EpochFile(this.node);
    return {
      reportBrokerId: () => this.controller?.controllerBrokerId ?? null,
      epochs: this.epochs, allAckInSyncStateSet: this.flag("allAckInSyncStateSet"),
      syncStateSet: () => this.controller?.syncStateSet() ?? [],
      localSyncStateSet: () => this.controller?.localSyncStateSet() ?? [],
      selfBrokerId: () => this.controller?.controllerBrokerId ?? null,
    };
  }

  private emitRole(): void {
    this.retry?.roleChanged(this.conf.role !== "SLAVE");
    this.env.tracer.emit({ type: "broker.role", node: this.node.name, brokerName: this.spec.brokerName, role: this.conf.role,
      brokerId: this.conf.brokerId, epoch: this.conf.epoch });
  }

  /** Manual failover: the operator re-registers this slave as the group's master (brokerId 0). */
  promote(epoch: number): void {
    if (this.conf.role !== "SLAVE" || !this.replication) return;
    const role = this.masterRole;
    Object.assign(this.conf, { brokerId: 0, role, epoch });
    saveConf(this.node, this.conf);
    this.replication.promote(role);
    this.emitRole();
    this.registerBrokerAll();
  }

  private commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    this.offsets.commit(group, topic, queueId, offset);
    this.env.tracer.emitEvent({ t: this.env.engine.nowUs, type: "offset.commit", node: this.node.name, group, topic, queueId, offset });
  }

  /**
   * TopicConfigManager#updateDataVersion + persist + register. 4.9.8 (createTopicInSendMessageMethod,
   * createTopicInSendMessageBackMethod): registerBrokerAll(false, true, true), oneway — no answer,
   * so a slave learns no master address from it; until its next periodic round it has none, and its
   * HA client does not connect. 5.x (TopicConfigManager#registerBrokerData ->
   * BrokerController#registerIncrementBrokerData): a normal round whose answer is handled.
   */
  private topicsChanged(): void {
    this.topicTable.changed();
    this.registerBrokerAll(this.env.profile === "4.9");
  }

  private handle(ch: Channel, req: Request, reply: (r: Response) => void): void {
    const r = req as unknown;
    switch (req.code) {
      case RequestCode.SEND_MESSAGE:
      case RequestCode.SEND_MESSAGE_V2: return processSend(this.sendCtx, r as SendRequest, reply);
      case RequestCode.SEND_BATCH_MESSAGE: return processSendBatch(this.sendCtx, r as SendBatchRequest, reply);
      case RequestCode.PULL_MESSAGE: return this.pull.process(r as PullRequest, reply);
      case RequestCode.CONSUMER_SEND_MSG_BACK: return this.retry.sendBack(r as SendBackRequest, reply);
      case ControllerRequestCode.NOTIFY_BROKER_ROLE_CHANGED: // AdminBrokerProcessor#notifyBrokerRoleChanged
        return reply(this.controller?.handleRequest(req) ?? { code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED });
      default:
        if (!processManage(this.manage, ch, req, reply)) reply({ code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED });
    }
  }

  private registerBrokerAll(oneway = false): void {
    if (this.conf.brokerId === -1) return; // a DLedger member / controller-mode broker without a role yet
    if (this.fenced) return; // controller mode: isolated until the controller client's start succeeds
    const brokerId = this.conf.brokerId;
    registerBrokerAll(this.client, this.identity, brokerId, this.setting("registerBrokerTimeoutMills"),
      { configs: this.topicTable.configs(), dataVersion: this.topicTable.dataVersion }, oneway ? null : (r) => {
        if (brokerId === 0 || this.conf.brokerId === 0) return;
        if (this.controller) return; // the controller, not the NameServer, names a controller-mode slave's master
        this.masterAddr = (r.masterAddr as string | null) ?? null;
        this.replication?.onRegisterResult(this.masterAddr, (r.haServerAddr as string | null) ?? null);
        if (this.dledgerSync) this.dledgerSync.masterAddr = this.masterAddr;
      });
  }

  /** Clean shutdown: UNREGISTER_BROKER to each NameServer in turn, then `done`. */
  shutdown(done: () => void): void {
    this.controller?.shutdown();
    unregisterBrokerAll(this.client, this.identity, this.conf.brokerId, done);
  }

  private get identity(): BrokerIdentity {
    const s = this.spec;
    return { clusterName: s.clusterName, brokerName: s.brokerName, brokerAddr: this.addr, haServerAddr: this.haAddr, namesrvIps: s.namesrvIps };
  }
}

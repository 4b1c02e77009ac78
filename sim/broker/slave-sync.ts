// A slave copies its master's metadata (broker/slave/SlaveSynchronize: syncTopicConfig,
// syncConsumerOffset, syncDelayOffset; subscription groups are not modelled).
//
// Fault model: a task of the slave process (its timer dies with it and waits while it is
// paused). It asks the master's remoting address from the last registration answer (the
// NameServer answers null while no master is registered, and then nothing is synced); an
// unreachable master makes each request wait out its 3 s timeout.
// - 4.9.8: syncAll every 10 s, first 3 s after start (BrokerController#handleSlaveSynchronize).
// - 5.x: a task every 3 s (first after 10 s) runs syncAll when more than 60 s passed since the
//   last one (the clock starts when the broker is built).
// - 5.x Controller mode (controllerMode; ReplicasManager#handleSlaveSynchronize, which replaces
//   BrokerController's task there): a task every 3 s, first 3 s after each change to slave (a
//   new master restarts it), runs syncAll when more than 10 s passed since the last one (the
//   clock starts when the broker process starts: ReplicasManager.lastSyncTimeMs).
// syncAll, in order: topic config (replaced when the master's data version differs), then
// consumer offsets: putAll of the master's table, which overwrites what consumers committed
// to the slave while the master was away — RocketMQ's offset overwrite on the master's return;
// then the master's persisted delay offsets (delayOffset.json, written every 10 s), stored on
// the slave's disk for its ScheduleMessageService to load if it becomes master.

import type { Node } from "../core/node.js";
import type { RemotingClient } from "../remoting/rpc.js";
import { ResponseCode } from "../remoting/codes.js";
import type { DataVersion, TopicConfig } from "../namesrv/routeinfo.js";
import type { EventInput } from "../trace/schema.js";
import type { OffsetManager } from "./offset-manager.js";
import { DELAY_OFFSET_KEY } from "./schedule-service.js";

/** RequestCode.GET_ALL_TOPIC_CONFIG / GET_ALL_CONSUMER_OFFSET (remoting/protocol/RequestCode). */
export const GET_ALL_TOPIC_CONFIG = 21;
export const GET_ALL_CONSUMER_OFFSET = 43;
/** RequestCode.GET_ALL_DELAY_OFFSET. */
export const GET_ALL_DELAY_OFFSET = 45;
const SYNC_TIMEOUT_US = 3_000_000; // BrokerOuterAPI#getAllTopicConfig / #getAllConsumerOffset invokeSync(…, 3000)

export interface SlaveSyncHost {
  node: Node;
  profile: "4.9" | "5.3";
  client: RemotingClient;
  ownAddr: string;
  offsets: OffsetManager;
  dataVersion(): DataVersion;
  /** Replace the topic table and its data version (persisted). */
  replaceTopics(configs: TopicConfig[], version: DataVersion): void;
  emit(e: EventInput): void;
  nameOf(ip: string): string;
  /** failover: controller: ReplicasManager's schedule (3 s task, syncAll after 10 s). */
  controllerMode?: boolean;
}

/** ReplicasManager#handleSlaveSynchronize: scheduleAtFixedRate(…, 3000, 3000), syncAll if > 10 s since the last. */
const CONTROLLER_SYNC_TASK_US = 3_000_000;
const CONTROLLER_SYNC_MIN_GAP_US = 10_000_000;

export class SlaveSync {
  /** The master's remoting address from the last registration answer (null: none registered). */
  masterAddr: string | null = null;
  private timer = 0;
  private lastSyncUs: number;

  constructor(private readonly host: SlaveSyncHost) {
    this.lastSyncUs = host.node.engine.nowUs;
  }

  start(): void {
    const node = this.host.node;
    if (this.host.controllerMode) {
      this.timer = node.every(CONTROLLER_SYNC_TASK_US, () => {
        if (node.engine.nowUs - this.lastSyncUs <= CONTROLLER_SYNC_MIN_GAP_US) return;
        this.syncAll();
        this.lastSyncUs = node.engine.nowUs;
      }, CONTROLLER_SYNC_TASK_US, "rate");
      return;
    }
    if (this.host.profile === "4.9") {
      this.timer = node.every(10_000_000, () => this.syncAll(), 3_000_000, "rate");
      return;
    }
    this.timer = node.every(3_000_000, () => {
      if (node.engine.nowUs - this.lastSyncUs <= 60_000_000) return;
      this.syncAll();
      this.lastSyncUs = node.engine.nowUs;
    }, 10_000_000, "rate");
  }

  /** No longer a slave (promote). */
  stop(): void {
    if (this.timer) this.host.node.cancel(this.timer);
    this.timer = 0;
    this.masterAddr = null;
  }

  /** failover: controller: a new master: the task is rescheduled (handleSlaveSynchronize cancels and re-arms it). */
  restart(masterAddr: string): void {
    this.stop();
    this.start();
    this.masterAddr = masterAddr;
  }

  syncAll(): void {
    const addr = this.masterAddr;
    if (addr === null || addr === this.host.ownAddr) return;
    const { client } = this.host;
    client.invoke(addr, { code: GET_ALL_TOPIC_CONFIG }, SYNC_TIMEOUT_US, (err, resp) => {
      if (!err && resp?.code === ResponseCode.SUCCESS) {
        const v = resp.dataVersion as DataVersion, mine = this.host.dataVersion();
        if (v.timestamp !== mine.timestamp || v.counter !== mine.counter) this.host.replaceTopics(resp.topicConfigs as TopicConfig[], v);
      }
      client.invoke(addr, { code: GET_ALL_CONSUMER_OFFSET }, SYNC_TIMEOUT_US, (err2, resp2) => {
        if (err2 || resp2?.code !== ResponseCode.SUCCESS) return;
        const entries = resp2.offsets as [string, [number, number][]][];
        const { changed, rewound } = this.host.offsets.putAll(entries);
        this.host.offsets.persist();
        if (changed > 0) {
          this.host.emit({ type: "offset.sync", node: this.host.node.name, master: this.host.nameOf(addr.split(":")[0]), changed, rewound });
        }
        this.syncDelayOffset(addr);
      });
    });
  }

  /** syncDelayOffset: the master's delayOffset.json onto our disk (SYSTEM_ERROR when it has none yet). */
  private syncDelayOffset(addr: string): void {
    this.host.client.invoke(addr, { code: GET_ALL_DELAY_OFFSET }, SYNC_TIMEOUT_US, (err, resp) => {
      if (!err && resp?.code === ResponseCode.SUCCESS) this.host.node.disk.set(DELAY_OFFSET_KEY, [...(resp.delayOffset as number[])]);
    });
  }
}

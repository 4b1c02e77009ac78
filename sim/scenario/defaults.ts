// RocketMQ settings the simulator honours, under RocketMQ's own key names, with
// each profile's default. The scenario loader accepts exactly these keys under
// `config.namesrv|broker|client`; the model reads the resolved values.
//
// Kinds: "ms" keys are durations (RocketMQ stores milliseconds; a scenario may
// write "10s" or a bare number of ms), resolved to µs. "sec" keys are RocketMQ
// second counts (…Seconds), also resolved to µs. "bool", "int", "string" as is.

import type { ConfigOverrides, Profile } from "./types.js";

export type SettingKind = "ms" | "sec" | "bool" | "int" | "string";
interface SettingDef {
  kind: SettingKind;
  /** For "string" settings that take one of a few values. */
  values?: readonly string[];
  v49: number | boolean | string; // 4.9.8 default (durations in ms / s as RocketMQ writes them)
  v53: number | boolean | string; // 5.3 default
  cite: string;
}

const d = (kind: SettingKind, v49: number | boolean | string, v53: number | boolean | string, cite: string): SettingDef =>
  ({ kind, v49, v53, cite });
const oneOf = (values: readonly string[], v: string, cite: string): SettingDef => ({ kind: "string", values, v49: v, v53: v, cite });

export const SETTINGS = {
  namesrv: {
    // 4.9.8 NamesrvController: scheduleAtFixedRate(scanNotActiveBroker, 5, 10, SECONDS);
    // 5.x NamesrvConfig.scanNotActiveBrokerInterval = 5000.
    scanNotActiveBrokerInterval: d("ms", 10_000, 5_000, "NamesrvConfig / NamesrvController#startScheduleService"),
    // Not configurable in RocketMQ (the 5 s initial delay is hard-coded); exposed for experiments.
    scanNotActiveBrokerInitialDelay: d("ms", 5_000, 5_000, "NamesrvController#startScheduleService"),
    brokerChannelExpiredTime: d("ms", 120_000, 120_000, "RouteInfoManager.BROKER_CHANNEL_EXPIRED_TIME"),
    serverChannelMaxIdleTimeSeconds: d("sec", 120, 120, "NettyServerConfig (IdleStateHandler all-idle)"),
    deleteTopicWithBrokerRegistration: d("bool", false, false, "NamesrvConfig"),
  },
  broker: {
    brokerClusterName: d("string", "DefaultCluster", "DefaultCluster", "BrokerConfig"),
    registerNameServerPeriod: d("ms", 30_000, 30_000, "BrokerConfig (clamped 10–60 s in BrokerController#start)"),
    registerBrokerTimeoutMills: d("ms", 6_000, 24_000, "BrokerConfig"),
    forceRegister: d("bool", true, true, "BrokerConfig"),
    autoCreateTopicEnable: d("bool", true, true, "BrokerConfig"),
    listenPort: d("int", 10911, 10911, "NettyServerConfig via BrokerStartup"),
    haListenPort: d("int", 10912, 10912, "MessageStoreConfig"),
    serverChannelMaxIdleTimeSeconds: d("sec", 120, 120, "NettyServerConfig (broker's remoting server)"),
    defaultTopicQueueNums: d("int", 8, 8, "BrokerConfig"),
    maxMessageSize: d("int", 4 * 1024 * 1024, 4 * 1024 * 1024, "MessageStoreConfig"),
    flushDiskType: oneOf(["ASYNC_FLUSH", "SYNC_FLUSH"], "ASYNC_FLUSH", "MessageStoreConfig"),
    flushIntervalCommitLog: d("ms", 500, 500, "MessageStoreConfig"),
    flushCommitLogLeastPages: d("int", 4, 4, "MessageStoreConfig"),
    flushCommitLogThoroughInterval: d("ms", 10_000, 10_000, "MessageStoreConfig"),
    syncFlushTimeout: d("ms", 5_000, 5_000, "MessageStoreConfig"),
    longPollingEnable: d("bool", true, true, "BrokerConfig"),
    shortPollingTimeMills: d("ms", 1_000, 1_000, "BrokerConfig"),
    flushConsumerOffsetInterval: d("ms", 5_000, 5_000, "BrokerConfig"), // wall-clock ok: a RocketMQ config key's name (…OffsetInterval), not a host timer
    channelExpiredTimeout: d("ms", 120_000, 120_000, "BrokerConfig / ClientHousekeepingService"),
    notifyConsumerIdsChangedEnable: d("bool", true, true, "BrokerConfig"),
    // ---- replication (classic master/slave HA, sim/store/ha/) ----
    // Slaves get SLAVE from their brokerId (> 0); this is the masters' role.
    brokerRole: oneOf(["ASYNC_MASTER", "SYNC_MASTER"], "ASYNC_MASTER", "MessageStoreConfig.brokerRole (SLAVE follows from brokerId > 0)"),
    haSendHeartbeatInterval: d("ms", 5_000, 5_000, "MessageStoreConfig (slave offset report, master heartbeat frame)"),
    haHousekeepingInterval: d("ms", 20_000, 20_000, "MessageStoreConfig (HA connection declared dead)"),
    haTransferBatchSize: d("int", 32 * 1024, 32 * 1024, "MessageStoreConfig (bytes per HA transfer frame)"),
    // 4.9.8 calls it haSlaveFallbehindMax; same meaning and default.
    haMaxGapNotInSync: d("int", 256 * 1024 * 1024, 256 * 1024 * 1024, "MessageStoreConfig (HAService#isSlaveOK gap, bytes)"),
    slaveTimeout: d("ms", 3_000, 3_000, "MessageStoreConfig (SYNC_MASTER wait for the slave ack)"),
    // 5.x only (CommitLog#handleHA): a SYNC_MASTER waits for inSyncReplicas - 1 slaves; 1 = no wait.
    inSyncReplicas: d("int", 1, 1, "MessageStoreConfig (5.x; ignored by 4.9)"),
    // failover: controller only (5.x CommitLog#asyncPutMessage, GroupTransferService#doWaitTransfer,
    // AutoSwitchHAService#maybeShrinkSyncStateSet): a SYNC_MASTER refuses puts with
    // IN_SYNC_REPLICAS_NOT_ENOUGH while its SyncStateSet is smaller than minInSyncReplicas; with
    // allAckInSyncStateSet it waits for every member of the set instead of inSyncReplicas; a slave
    // not caught up for haMaxTimeSlaveNotCatchup leaves the set.
    minInSyncReplicas: d("int", 1, 1, "MessageStoreConfig (5.x Controller mode)"),
    allAckInSyncStateSet: d("bool", false, false, "MessageStoreConfig (5.x Controller mode)"),
    haMaxTimeSlaveNotCatchup: d("ms", 15_000, 15_000, "MessageStoreConfig (5.x Controller mode)"),
    slaveReadEnable: d("bool", false, false, "BrokerConfig"),
    accessMessageInMemoryMaxRatio: d("int", 40, 40, "MessageStoreConfig (the 'consume slowly' threshold, % of RAM)"),
    whichBrokerWhenConsumeSlowly: d("int", 1, 1, "SubscriptionGroupConfig (brokerId suggested to slow consumers)"),
    // Not a RocketMQ setting: the host's RAM (UtilAll.TOTAL_PHYSICAL_MEMORY_SIZE), which with
    // accessMessageInMemoryMaxRatio decides when a consumer counts as slow. Bytes.
    totalPhysicalMemorySize: d("int", 16 * 1024 ** 3, 16 * 1024 ** 3, "UtilAll.TOTAL_PHYSICAL_MEMORY_SIZE (the host's RAM, bytes)"),
  },
  // ControllerConfig (5.x Controller mode; used only with failover: controller).
  controller: {
    enableElectUncleanMaster: d("bool", false, false, "ControllerConfig"),
    scanNotActiveBrokerInterval: d("ms", 5_000, 5_000, "ControllerConfig"),
    notifyBrokerRoleChanged: d("bool", true, true, "ControllerConfig"),
    electMasterMaxRetryCount: d("int", 3, 3, "ControllerConfig"),
  },
  client: {
    pollNameServerInterval: d("ms", 30_000, 30_000, "ClientConfig"),
    heartbeatBrokerInterval: d("ms", 30_000, 30_000, "ClientConfig"),
    persistConsumerOffsetInterval: d("ms", 5_000, 5_000, "ClientConfig"), // wall-clock ok: a RocketMQ config key's name (…OffsetInterval), not a host timer
    mqClientApiTimeout: d("ms", 3_000, 3_000, "ClientConfig"),
    connectTimeoutMillis: d("ms", 3_000, 3_000, "NettyClientConfig / NettySystemConfig"),
    clientCloseSocketIfTimeout: d("bool", true, true, "NettySystemConfig"),
    clientChannelMaxIdleTimeSeconds: d("sec", 120, 120, "NettySystemConfig"),
    // DefaultMQProducer (extends ClientConfig)
    sendMsgTimeout: d("ms", 3_000, 3_000, "DefaultMQProducer"),
    retryTimesWhenSendFailed: d("int", 2, 2, "DefaultMQProducer"),
    retryTimesWhenSendAsyncFailed: d("int", 2, 2, "DefaultMQProducer"),
    retryAnotherBrokerWhenNotStoreOK: d("bool", false, false, "DefaultMQProducer"),
    sendLatencyFaultEnable: d("bool", false, false, "DefaultMQProducer / MQFaultStrategy"),
    defaultTopicQueueNums: d("int", 4, 4, "DefaultMQProducer"),
    // DefaultMQPushConsumer (extends ClientConfig)
    pullThresholdForQueue: d("int", 1000, 1000, "DefaultMQPushConsumer"),
    consumeConcurrentlyMaxSpan: d("int", 2000, 2000, "DefaultMQPushConsumer"),
    consumeThreadMax: d("int", 20, 20, "DefaultMQPushConsumer"),
    pullInterval: d("ms", 0, 0, "DefaultMQPushConsumer"),
    pullTimeDelayMillsWhenException: d("ms", 1_000, 1_000, "ClientConfig"),
    // System property rocketmq.client.rebalance.waitInterval (RebalanceService)
    rebalanceWaitInterval: d("ms", 20_000, 20_000, "RebalanceService"),
  },
} satisfies Record<keyof ConfigOverrides, Record<string, SettingDef>>;

export type Section = keyof typeof SETTINGS;
export type Settings = { [S in Section]: { [K in keyof (typeof SETTINGS)[S]]: number | boolean | string } };

/** Convert a default as RocketMQ writes it into the resolved unit (µs for time). */
function toResolved(kind: SettingKind, v: number | boolean | string): number | boolean | string {
  if (kind === "ms") return (v as number) * 1_000;
  if (kind === "sec") return (v as number) * 1_000_000;
  return v;
}

/**
 * Profile defaults with the scenario's overrides applied. Overrides come from the
 * loader already resolved (durations in µs), so they are taken as they are.
 */
export function resolveSettings(profile: Profile, overrides: ConfigOverrides): Settings {
  const out: Record<string, Record<string, number | boolean | string>> = {};
  for (const section of Object.keys(SETTINGS) as Section[]) {
    const defs = SETTINGS[section] as Record<string, SettingDef>;
    const sec: Record<string, number | boolean | string> = {};
    for (const key of Object.keys(defs)) {
      const def = defs[key];
      sec[key] = toResolved(def.kind, profile === "5.3" ? def.v53 : def.v49);
    }
    for (const [key, v] of Object.entries(overrides[section] ?? {})) sec[key] = v;
    out[section] = sec;
  }
  return out as Settings;
}

/** Numeric setting accessor (µs for time keys). */
export function num(settings: Settings, section: Section, key: string): number {
  return (settings[section] as Record<string, number>)[key];
}

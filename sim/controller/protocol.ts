// RocketMQ 5.x Controller mode: request/response codes, message shapes, default
// timings and the events this module reports. Shared by the controller process
// (controller.ts) and the broker-side client (client.ts).
//
// Fault model: none here (constants and types only). Sources:
// remoting/protocol/RequestCode.java + ResponseCode.java (codes),
// common/ControllerConfig.java, common/BrokerConfig.java,
// store/config/MessageStoreConfig.java (defaults),
// controller/BrokerHeartbeatManager.java (DEFAULT_BROKER_CHANNEL_EXPIRED_TIME),
// distribution/conf/controller/controller-standalone.conf (port 9878).

import { MS, SEC } from "../core/duration.js";

/** The controller's listen port in the shipped configs (`controllerDLegerPeers = n0-127.0.0.1:9878`); Java has no in-code default. */
export const CONTROLLER_PORT = 9878;

export const ControllerRequestCode = {
  BROKER_HEARTBEAT: 904,
  CONTROLLER_ALTER_SYNC_STATE_SET: 1001,
  CONTROLLER_ELECT_MASTER: 1002,
  CONTROLLER_REGISTER_BROKER: 1003,
  CONTROLLER_GET_REPLICA_INFO: 1004,
  NOTIFY_BROKER_ROLE_CHANGED: 1008,
  CONTROLLER_GET_NEXT_BROKER_ID: 1012,
  CONTROLLER_APPLY_BROKER_ID: 1013,
} as const;

export const ControllerResponseCode = {
  SUCCESS: 0,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  CONTROLLER_FENCED_MASTER_EPOCH: 2000,
  CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH: 2001,
  CONTROLLER_INVALID_MASTER: 2002,
  CONTROLLER_INVALID_REPLICAS: 2003,
  CONTROLLER_MASTER_NOT_AVAILABLE: 2004,
  CONTROLLER_INVALID_REQUEST: 2005,
  CONTROLLER_BROKER_NOT_ALIVE: 2006,
  CONTROLLER_BROKER_METADATA_NOT_EXIST: 2008,
  CONTROLLER_BROKER_NEED_TO_BE_REGISTERED: 2010,
  CONTROLLER_MASTER_STILL_EXIST: 2011,
  CONTROLLER_ELECT_MASTER_FAILED: 2012,
  CONTROLLER_ALTER_SYNC_STATE_SET_FAILED: 2013,
  CONTROLLER_BROKER_ID_INVALID: 2014,
} as const;

/** MixAll.FIRST_BROKER_CONTROLLER_ID: controller-assigned broker ids start at 1. */
export const FIRST_BROKER_CONTROLLER_ID = 1;
/** MixAll.MASTER_ID: the id a master registers with at the NameServer. */
export const MASTER_ID = 0;
/** Integer.MAX_VALUE, BrokerConfig.brokerElectionPriority's default (lower wins). */
export const JAVA_INT_MAX = 2147483647;

/** ControllerConfig defaults (µs), plus the DLedger-controller scan and the Netty idle close. */
export interface ControllerConfig {
  /** ControllerConfig.scanNotActiveBrokerInterval = 5 s. */
  scanNotActiveBrokerIntervalUs: number;
  /** DefaultBrokerHeartbeatManager#start: scheduleAtFixedRate(scan, 2000, interval). */
  scanNotActiveBrokerInitialDelayUs: number;
  /** ControllerConfig.scanInactiveMasterInterval = 5 s (DLedgerController#scanInactiveMasterAndTriggerReelect, first after one period). */
  scanInactiveMasterIntervalUs: number;
  /** ControllerConfig.enableElectUncleanMaster = false. */
  enableElectUncleanMaster: boolean;
  /** ControllerConfig.notifyBrokerRoleChanged = true. */
  notifyBrokerRoleChanged: boolean;
  /** ControllerConfig.electMasterMaxRetryCount = 3 (ControllerManager#triggerElectMaster). */
  electMasterMaxRetryCount: number;
  /** BrokerHeartbeatManager.DEFAULT_BROKER_CHANNEL_EXPIRED_TIME = 10 s, used when a heartbeat names no timeout. */
  defaultHeartbeatTimeoutUs: number;
  /** NettyServerConfig.serverChannelMaxIdleTimeSeconds = 120: an idle broker channel closes (= inactive). */
  serverChannelMaxIdleUs: number;
  /** Listen port. */
  port: number;
}

export const DEFAULT_CONTROLLER_CONFIG: ControllerConfig = {
  scanNotActiveBrokerIntervalUs: 5 * SEC,
  scanNotActiveBrokerInitialDelayUs: 2 * SEC,
  scanInactiveMasterIntervalUs: 5 * SEC,
  enableElectUncleanMaster: false,
  notifyBrokerRoleChanged: true,
  electMasterMaxRetryCount: 3,
  defaultHeartbeatTimeoutUs: 10 * SEC,
  serverChannelMaxIdleUs: 120 * SEC,
  port: CONTROLLER_PORT,
};

/** Broker-side settings of ReplicasManager / AutoSwitchHAService (BrokerConfig, MessageStoreConfig defaults). */
export interface ControllerClientConfig {
  /** BrokerConfig.brokerHeartbeatInterval = 1 s (BrokerController#scheduleSendHeartbeat, first after 1 s). */
  brokerHeartbeatIntervalUs: number;
  /** BrokerConfig.controllerHeartBeatTimeoutMills = 10 s, carried in every heartbeat. */
  controllerHeartBeatTimeoutUs: number;
  /** BrokerConfig.brokerElectionPriority = Integer.MAX_VALUE (lower is preferred). */
  brokerElectionPriority: number;
  /** BrokerConfig.syncBrokerMetadataPeriod = 5 s (ReplicasManager#schedulingSyncBrokerMetadata, first after 3 s). */
  syncBrokerMetadataPeriodUs: number;
  /** BrokerConfig.checkSyncStateSetPeriod = 5 s (ReplicasManager#schedulingCheckSyncStateSet, first after 3 s). */
  checkSyncStateSetPeriodUs: number;
  /** MessageStoreConfig.haMaxTimeSlaveNotCatchup = 15 s. */
  haMaxTimeSlaveNotCatchupUs: number;
  /** MessageStoreConfig.minInSyncReplicas = 1. */
  minInSyncReplicas: number;
  /** BrokerOuterAPI: every controller RPC is invokeSync(..., 3000). */
  rpcTimeoutUs: number;
  /** ReplicasManager.RETRY_INTERVAL_SECOND = 5: startBasicService is retried this often until it succeeds. */
  startRetryIntervalUs: number;
  /** ReplicasManager#startBasicService: register() up to 5 times, sleeping random.nextInt(1000) ms between. */
  registerRetryTimes: number;
  registerRetryMaxSleepUs: number;
  /**
   * Modelling cadence (not a RocketMQ setting): how often the master samples its
   * slaves' HA ack offsets. Java updates caught-up times on every HA ack/transfer
   * (AutoSwitchHAConnection#maybeExpandInSyncStateSet); 1 s is finer than the 5 s check.
   */
  haSampleIntervalUs: number;
  /** NettyClientConfig.connectTimeoutMillis = 3 s. */
  connectTimeoutUs: number;
}

export const DEFAULT_CLIENT_CONFIG: ControllerClientConfig = {
  brokerHeartbeatIntervalUs: 1 * SEC,
  controllerHeartBeatTimeoutUs: 10 * SEC,
  brokerElectionPriority: JAVA_INT_MAX,
  syncBrokerMetadataPeriodUs: 5 * SEC,
  checkSyncStateSetPeriodUs: 5 * SEC,
  haMaxTimeSlaveNotCatchupUs: 15 * SEC,
  minInSyncReplicas: 1,
  rpcTimeoutUs: 3 * SEC,
  startRetryIntervalUs: 5 * SEC,
  registerRetryTimes: 5,
  registerRetryMaxSleepUs: 1000 * MS,
  haSampleIntervalUs: 1 * SEC,
  connectTimeoutUs: 3 * SEC,
};

/** The initial delays Java hard-codes (ReplicasManager). */
export const SYNC_BROKER_METADATA_INITIAL_US = 3 * SEC;
export const CHECK_SYNC_STATE_SET_INITIAL_US = 3 * SEC;

// ---- request bodies (headers + body flattened into one object) -------------

export interface HeartbeatRequest {
  code: typeof ControllerRequestCode.BROKER_HEARTBEAT;
  clusterName: string; brokerName: string; brokerAddr: string; brokerId: number | null;
  epoch: number; maxOffset: number; confirmOffset: number;
  heartbeatTimeoutMs: number; electionPriority: number;
}

/** What a role-change notification, an election answer and a replica-info answer carry. */
export interface ReplicaView {
  masterBrokerId: number | null;
  masterAddress: string | null;
  masterEpoch: number;
  syncStateSet: number[];
  syncStateSetEpoch: number;
}

// ---- events (plain objects; the host writes them to its trace) ------------

export type ElectionReason =
  | "master-inactive" // heartbeat scan found the master expired
  | "master-channel-closed" // the master's channel closed / reset / went idle
  | "inactive-master-scan" // DLedgerController#scanInactiveMasterAndTriggerReelect
  | "broker-elect"; // a broker with no master sent CONTROLLER_ELECT_MASTER

export type ControllerEvent =
  | { type: "election.start"; node: string; brokerName: string; reason: ElectionReason; requester?: string }
  | { type: "election.won"; node: string; brokerName: string; brokerId: number; epoch: number; addr: string }
  | { type: "election.failed"; node: string; brokerName: string; epoch: number; code: number }
  | { type: "controller.syncStateSet"; node: string; brokerName: string; members: number[]; epoch: number; masterBrokerId: number | null }
  | { type: "controller.brokerInactive"; node: string; brokerName: string; brokerId: number; addr: string; reason: "expired" | "channel-closed" }
  | { type: "controller.roleChange"; node: string; brokerName: string; role: "MASTER" | "SLAVE"; brokerId: number; masterEpoch: number }
  | { type: "controller.syncStateSetReport"; node: string; brokerName: string; members: number[]; accepted: boolean; code: number };

export type EventSink = (e: ControllerEvent) => void;

/** Sorted copy of a set of broker ids (for deterministic output). */
export function sortedIds(ids: Iterable<number>): number[] {
  return [...ids].sort((a, b) => a - b);
}

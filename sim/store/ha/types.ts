// What the classic HA pieces (ha-service.ts, ha-connection.ts, ha-client.ts,
// group-transfer.ts) share: the frames on the HA connection, the options, and the narrow
// views of the store and the host they use.
//
// Fault model: none (types only). The HA connection is a plain TCP channel on
// haListenPort (10912) between the slave's node and the master's node (remoting/channel.ts:
// FIN on a crash, silence on a power-off or partition, RST from a host whose socket is gone).
// Frames, as in ST/ha/HAConnection (4.9.8) / DefaultHAConnection (5.x):
// - master -> slave: offset(8) | size(4) | body; size 0 is the heartbeat. Here the body is the
//   records themselves (replication moves messages, not bytes).
// - slave -> master: the slave's max CommitLog offset (8 bytes), its ack and, first, its request.

import type { Node } from "../../core/node.js";
import type { Transport } from "../../remoting/channel.js";
import type { EventInput } from "../../trace/schema.js";
import type { ReplicaWaiter } from "../replication.js";
import type { StoredMessage } from "../types.js";
import type { EpochEntry, EpochFile } from "./epoch-file.js";

/**
 * `seq` numbers the frames of one connection. It is not in RocketMQ's protocol: it stands in
 * for TCP's guarantee that a live connection loses nothing, which the channel model does not
 * keep across a partition (segments sent into it are dropped, not retransmitted after the
 * heal). A slave that sees a gap treats it as the broken stream it is and reconnects.
 */
export interface HaTransfer {
  ha: "transfer"; offset: number; msgs: StoredMessage[]; seq: number;
  /** failover: controller: the epoch the frame's data belongs to and where it starts (AutoSwitchHAConnection's transfer header). */
  epoch?: number; epochStart?: number;
  /** failover: controller: the master's getConfirmOffset when the header was built (the header's additional info). */
  confirmOffset?: number;
}
/** brokerId: failover: controller only — the slave's controller broker id (AutoSwitchHAClient's handshake carries it). */
export interface HaReport { ha: "report"; offset: number; brokerId?: number }
/** failover: controller: the slave's handshake (AutoSwitchHAClient#sendHandshakeHeader: its controller broker id). */
export interface HaHandshake { ha: "handshake"; brokerId: number | null }
/** failover: controller: the master's handshake answer: its epoch entries and max offset (AutoSwitchHAConnection#buildHandshakeBuffer). */
export interface HaEpochs { ha: "epochs"; entries: EpochEntry[]; maxOffset: number }
export type HaFrame = HaTransfer | HaReport | HaHandshake | HaEpochs;

export interface HaOptions {
  /** Which version's HAClient/HAConnection/CommitLog rules apply. */
  profile: "4.9" | "5.3";
  port: number; // haListenPort 10912
  /** failover: controller: this slave's controller broker id, sent in its reports (absent otherwise). */
  reportBrokerId?: () => number | null;
  heartbeatUs: number; // haSendHeartbeatInterval 5 s
  housekeepingUs: number; // haHousekeepingInterval 20 s
  batchBytes: number; // haTransferBatchSize 32 KiB
  maxGapNotInSync: number; // haMaxGapNotInSync (4.9.8 haSlaveFallbehindMax) 256 MiB
  slaveTimeoutUs: number; // slaveTimeout 3 s
  inSyncReplicas: number; // 5.x inSyncReplicas 1
  /**
   * failover: controller (AutoSwitchHAService / AutoSwitchHAClient / AutoSwitchHAConnection): the
   * node's epoch file. Its presence switches on the handshake (a slave truncates its log to the
   * last point it shares with the master), epoch-tagged transfers and the SyncStateSet wait.
   */
  epochs?: EpochFile;
  /** failover: controller: MessageStoreConfig.allAckInSyncStateSet (wait for every member of the set). */
  allAckInSyncStateSet?: boolean;
  /** failover: controller: the master's SyncStateSet (controller broker ids, AutoSwitchHAService#getSyncStateSet). */
  syncStateSet?: () => readonly number[];
  /** failover: controller: the confirmed set alone (getLocalSyncStateSet; syncStateSet adds a proposed one). */
  localSyncStateSet?: () => readonly number[];
  /** failover: controller: this broker's controller broker id (AutoSwitchHAService.localBrokerId). */
  selfBrokerId?: () => number | null;
}

/** The store as the HA service and client see it (MessageStore implements it). */
export interface HaStore {
  readonly maxPhyOffset: number;
  readonly minPhyOffset: number;
  readCommitLog(phy: number, maxBytes: number): StoredMessage[] | null;
  transferStartOffset(): number;
  appendReplicated(m: StoredMessage): boolean;
  /** failover: controller: cut the log (and its queues) back to `offset`; returns the messages removed (DefaultMessageStore#truncateFiles). */
  truncateFiles(offset: number): number;
  replica: ReplicaWaiter | null;
  replicaFloor: (() => number | undefined) | null;
  /** ASYNC_MASTER, SYNC_MASTER or SLAVE (CommitLog#getConfirmOffset computes only on a master). */
  readonly role: string;
  /** failover: controller: CommitLog's confirmOffset (see message-store.ts). */
  confirmOffsetFn: (() => number) | null;
  readonly storedConfirmOffset: number;
  setConfirmOffset(phy: number): void;
}

/** Where the HA pieces run and report. */
export interface HaHost {
  node: Node;
  transport: Transport;
  emit(e: EventInput): void;
  /** Node name of an ip (for the trace). */
  nameOf(ip: string): string;
}

/** DefaultHAConnection.WriteSocketService: allWaitForRunning(100) when nothing is left to send. */
export const WRITE_IDLE_WAIT_US = 100_000;
/** The selector loops (select(1000)): how often housekeeping and report checks run at least. */
export const SELECT_US = 1_000_000;
/** HAClient: waitForRunning(1000 * 5) between connection attempts; RemotingUtil.connect timeout. */
export const RECONNECT_US = 5_000_000;
export const CONNECT_TIMEOUT_US = 5_000_000;

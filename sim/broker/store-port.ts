// What the broker needs from its message store (sim/store/). Kept narrow so the
// processors read like RocketMQ's and the store can change behind it; the replication
// seam (HaStore: read records on a master, append them on a slave, SYNC_MASTER waits)
// is what the HA services use.

import type { HaStore } from "../store/ha/index.js";

export interface StoredMessage {
  msgId: string;
  queueOffset: number;
  commitLogOffset: number;
  tags?: string;
  keys?: string;
  bornUs: number;
  storeUs: number;
  bodySize: number;
  reconsumeTimes?: number;
}

export type GetStatus = "FOUND" | "NO_MATCHED_MESSAGE" | "NO_MESSAGE_IN_QUEUE" | "OFFSET_TOO_SMALL" | "OFFSET_OVERFLOW_ONE"
  | "OFFSET_OVERFLOW_BADLY" | "OFFSET_FOUND_NULL" | "MESSAGE_WAS_REMOVING" | "NO_MATCHED_LOGIC_QUEUE";

export interface GetResult {
  status: GetStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  messages: StoredMessage[];
  /** The data read lies further behind the CommitLog head than the hot window (a slow consumer). */
  suggestPullingFromSlave?: boolean;
}

export interface PutRequest {
  topic: string; queueId: number; tags?: string; keys?: string; msgId: string; bornUs: number; bodySize: number;
  producerGroup?: string; reconsumeTimes?: number;
}

export interface PutResult { commitLogOffset: number; queueOffset: number; storeUs: number }

export interface StorePort extends HaStore {
  /** ASYNC_MASTER, SYNC_MASTER or SLAVE (a slave's store refuses puts: SERVICE_NOT_AVAILABLE). */
  role: "ASYNC_MASTER" | "SYNC_MASTER" | "SLAVE";
  start(): void;
  putMessage(req: PutRequest, done: (status: string, r?: PutResult) => void): void;
  getMessage(topic: string, queueId: number, offset: number, maxMsgNums: number, filter: (tagsCode: number) => boolean): GetResult;
  getMaxOffsetInQueue(topic: string, queueId: number): number;
  getMinOffsetInQueue(topic: string, queueId: number): number;
  onArrive(listener: (topic: string, queueId: number, maxOffset: number, tagsCode: number) => void): void;
  /** Consumed data behind every group's committed offset may be dropped (memory bound). */
  setRetentionSource?(fn: (topic: string, queueId: number) => number | undefined): void;
}

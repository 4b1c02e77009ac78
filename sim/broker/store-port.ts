// What the broker needs from its message store (sim/store/). Kept narrow so the
// processors read like RocketMQ's and the store can change behind it; the replication
// seam (HaStore: read records on a master, append them on a slave, SYNC_MASTER waits)
// is what the HA services use.

import type { HaStore } from "../store/ha/index.js";

import type { GetResult, PutRequest, PutResult } from "../store/types.js";

// The message shapes are the store's own; the port only narrows what the broker calls.
export type { GetResult, GetStatus, PutRequest, PutResult, StoredMessage } from "../store/types.js";

export interface StorePort extends HaStore {
  /** ASYNC_MASTER, SYNC_MASTER or SLAVE (a slave's store refuses puts: SERVICE_NOT_AVAILABLE). */
  role: "ASYNC_MASTER" | "SYNC_MASTER" | "SLAVE";
  start(): void;
  putMessage(req: PutRequest, done: (status: string, r?: PutResult) => void): void;
  /** A batch as one put (SEND_BATCH_MESSAGE); absent: the broker puts the messages one by one. */
  putMessages?(reqs: PutRequest[], done: (status: string, r?: PutResult) => void): void;
  getMessage(topic: string, queueId: number, offset: number, maxMsgNums: number, filter: (tagsCode: number) => boolean): GetResult;
  getMaxOffsetInQueue(topic: string, queueId: number): number;
  getMinOffsetInQueue(topic: string, queueId: number): number;
  onArrive(listener: (topic: string, queueId: number, maxOffset: number, tagsCode: number) => void): void;
  /** Consumed data behind every group's committed offset may be dropped (memory bound). */
  setRetentionSource?(fn: (topic: string, queueId: number) => number | undefined): void;
}

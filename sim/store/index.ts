// The per-broker message store: what other layers import.
//
// Fault model: see each file (disk.ts, commit-log.ts, consume-queue.ts, flush.ts,
// reput.ts, store-files.ts, message-store.ts, replication.ts, ha/).

export { MessageStore, type MessageStoreOptions, type BrokerRole } from "./message-store.js";
export { onPowerLoss, storeFilesOf, type MinOffsetFn, type StoreStats } from "./store-files.js";
export { diskOf, slowDisk, failDisk, fillDisk, healDisk, type DiskOptions, type SlowDisk } from "./disk.js";
export { javaStringHashCode, tagsCodeOf } from "./msg-codec.js";
export { COMMIT_LOG_FILE_SIZE, type ReplicaWaiter } from "./replication.js";
export type {
  PutRequest, PutStatus, PutResult, PutDone, GetStatus, GetResult, StoredMessage, TagsFilter, ArriveListener,
} from "./types.js";

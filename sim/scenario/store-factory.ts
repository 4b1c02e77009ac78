// Builds each broker node's message store from its group's settings and disk. The role
// (master or slave) is set by the broker (sim/broker/replication.ts).

import { MessageStore } from "../store/index.js";
import type { StoreFactory } from "./cluster.js";
import type { Scenario } from "./types.js";

export function makeStoreFor(scn: Scenario): StoreFactory {
  return (node, group, env) => {
    const get = (k: string) => group.config[k] ?? (env.settings.broker as Record<string, number | boolean | string>)[k];
    return new MessageStore(node, {
      streams: env.streams,
      profile: scn.profile,
      disk: { writeUs: group.disk.writeLatency, fsyncUs: group.disk.fsyncLatency, bandwidthBytesPerSec: group.disk.bandwidthBytesPerSec },
      flushDiskType: get("flushDiskType") as "ASYNC_FLUSH" | "SYNC_FLUSH",
      flushIntervalCommitLogUs: get("flushIntervalCommitLog") as number,
      flushCommitLogLeastPages: get("flushCommitLogLeastPages") as number,
      flushCommitLogThoroughIntervalUs: get("flushCommitLogThoroughInterval") as number,
      syncFlushTimeoutUs: get("syncFlushTimeout") as number,
      maxMessageSize: get("maxMessageSize") as number,
      // DefaultMessageStore#getMessage: beyond TOTAL_PHYSICAL_MEMORY_SIZE × accessMessageInMemoryMaxRatio %
      // behind the head, data is cold (smaller batches, "consume slowly" suggestion).
      hotBytes: Math.floor((get("totalPhysicalMemorySize") as number) * (get("accessMessageInMemoryMaxRatio") as number) / 100),
      clusterName: group.cluster,
      controllerMode: group.failover === "controller",
    });
  };
}

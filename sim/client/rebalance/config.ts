// CONFIG: every consumer gets the configured queue list, whatever mqAll and
// cidAll say (so several consumers of a group may pull the same queues).
// Port of org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueByConfig.
//
// RocketMQ skips check() here, so even empty arguments are accepted. Its
// unset list is null, which RebalanceImpl treats like an empty result; we
// default to [] instead. The list is returned in the configured order.

import type { MessageQueue } from "../message-queue.js";
import type { AllocateStrategy } from "./strategy.js";

export function byConfig(messageQueueList: readonly MessageQueue[] = []): AllocateStrategy {
  // A copy per call, so a caller mutating its result cannot change the config
  // (Java hands out the same list object; nobody in RocketMQ mutates it).
  return { name: "CONFIG", allocate: () => [...messageQueueList] };
}

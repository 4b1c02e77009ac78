// Preconditions shared by all strategies except ByConfig.
// Port of org.apache.rocketmq.client.consumer.rebalance.AbstractAllocateMessageQueueStrategy#check.
//
// Bad arguments are programming errors in RocketMQ (IllegalArgumentException,
// same messages here). A consumer missing from cidAll is NOT an error: it
// happens whenever this client's view is older than the broker's consumer
// list, and RocketMQ then allocates nothing to it (it only logs "[BUG]").

import type { MessageQueue } from "../message-queue.js";

export function checkAllocate(
  currentCID: string,
  mqAll: readonly MessageQueue[] | null | undefined,
  cidAll: readonly string[] | null | undefined,
): boolean {
  if (!currentCID) throw new Error("currentCID is empty");
  if (!mqAll || mqAll.length === 0) throw new Error("mqAll is null or mqAll empty");
  if (!cidAll || cidAll.length === 0) throw new Error("cidAll is null or cidAll empty");
  return cidAll.includes(currentCID);
}

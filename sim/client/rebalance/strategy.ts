// The allocation strategy contract.
// Port of org.apache.rocketmq.client.consumer.AllocateMessageQueueStrategy.
//
// Every consumer of a group runs `allocate` on its own, with its own view of
// mqAll and cidAll, and keeps only what the function returns for itself. The
// caller (RebalanceImpl#rebalanceByTopic) sorts both lists first; strategies
// never sort, because the result depends on positions in those lists.

import type { MessageQueue } from "../message-queue.js";

export type AllocateFn = (
  consumerGroup: string,
  currentCID: string,
  mqAll: readonly MessageQueue[],
  cidAll: readonly string[],
) => MessageQueue[];

export interface AllocateStrategy {
  /** AllocateMessageQueueStrategy#getName, e.g. "AVG". */
  readonly name: string;
  readonly allocate: AllocateFn;
}

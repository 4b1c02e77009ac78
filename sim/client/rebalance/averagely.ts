// AVG, RocketMQ's default: each consumer takes one contiguous block of the
// sorted queue list; the first (n % c) consumers take one queue more.
// Port of org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely.
//
// With more consumers than queues, the consumers past the end get nothing
// (averageSize is 1 but startIndex runs off the list).

import type { MessageQueue } from "../message-queue.js";
import { checkAllocate } from "./check.js";
import type { AllocateFn, AllocateStrategy } from "./strategy.js";

export const allocateAveragely: AllocateFn = (_group, currentCID, mqAll, cidAll) => {
  const result: MessageQueue[] = [];
  if (!checkAllocate(currentCID, mqAll, cidAll)) return result;
  const n = mqAll.length;
  const c = cidAll.length;
  const index = cidAll.indexOf(currentCID);
  const mod = n % c;
  // Java int division; all operands are non-negative so truncation = floor.
  const base = Math.floor(n / c);
  const bigger = mod > 0 && index < mod;
  const averageSize = n <= c ? 1 : bigger ? base + 1 : base;
  const startIndex = bigger ? index * averageSize : index * averageSize + mod;
  const range = Math.min(averageSize, n - startIndex);
  for (let i = 0; i < range; i++) result.push(mqAll[startIndex + i]);
  return result;
};

export const averagely: AllocateStrategy = { name: "AVG", allocate: allocateAveragely };

// AVG_BY_CIRCLE: deal the sorted queues out like cards, consumer i takes
// queues i, i+c, i+2c, ... so one broker's queues spread over consumers.
// Port of org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragelyByCircle.

import type { MessageQueue } from "../message-queue.js";
import { checkAllocate } from "./check.js";
import type { AllocateFn, AllocateStrategy } from "./strategy.js";

export const allocateByCircle: AllocateFn = (_group, currentCID, mqAll, cidAll) => {
  const result: MessageQueue[] = [];
  if (!checkAllocate(currentCID, mqAll, cidAll)) return result;
  const index = cidAll.indexOf(currentCID);
  for (let i = index; i < mqAll.length; i += cidAll.length) result.push(mqAll[i]);
  return result;
};

export const circle: AllocateStrategy = { name: "AVG_BY_CIRCLE", allocate: allocateByCircle };

// MACHINE_ROOM: only queues of brokers named "room@broker" whose room is in
// the configured consumeridcs are shared out; the rest are left to nobody.
// Port of org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueByMachineRoom.
//
// Sharing: each consumer takes floor(p / c) contiguous queues of the filtered
// list, then the leftover p % c queues (at the END of the list) go one each
// to the first consumers. This differs from AVG, where the extra queues sit
// inside the first consumers' blocks.

import type { MessageQueue } from "../message-queue.js";
import { checkAllocate } from "./check.js";
import type { AllocateStrategy } from "./strategy.js";

/**
 * Java's `s.split("@")` for a one-character literal separator: no match gives
 * [s] (so "" gives [""]), otherwise trailing empty strings are removed, so
 * "room@broker@" still has two parts and "@" has none.
 */
export function javaSplitAt(s: string): string[] {
  if (!s.includes("@")) return [s];
  const parts = s.split("@");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

export function byMachineRoom(consumeridcs: Iterable<string>): AllocateStrategy {
  // Java leaves consumeridcs null until set and then NPEs inside allocate;
  // requiring it here turns that into an error at configuration time.
  if (consumeridcs == null) throw new Error("consumeridcs is not set");
  const rooms = new Set(consumeridcs);
  return {
    name: "MACHINE_ROOM",
    allocate(_group, currentCID, mqAll, cidAll) {
      const result: MessageQueue[] = [];
      if (!checkAllocate(currentCID, mqAll, cidAll)) return result;
      const currentIndex = cidAll.indexOf(currentCID);
      const premqAll = mqAll.filter((mq) => {
        const parts = javaSplitAt(mq.brokerName);
        return parts.length === 2 && rooms.has(parts[0]);
      });
      const mod = Math.floor(premqAll.length / cidAll.length);
      const rem = premqAll.length % cidAll.length;
      const startIndex = mod * currentIndex;
      for (let i = startIndex; i < startIndex + mod; i++) result.push(premqAll[i]);
      if (rem > currentIndex) result.push(premqAll[currentIndex + mod * cidAll.length]);
      return result;
    },
  };
}

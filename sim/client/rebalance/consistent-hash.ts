// CONSISTENT_HASH: consumers own arcs of an MD5 ring (virtualNodeCnt points
// each, default 10); a queue goes to the owner of the first point at or after
// hash(MessageQueue.toString()). Adding or removing one consumer only moves
// the queues on its arcs, at the price of uneven shares.
// Port of org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueConsistentHash.
//
// RocketMQ rebuilds the ring on every call from cidAll in the given order;
// order only matters when two virtual nodes collide (see hash-ring.ts).

import { messageQueueToString, type MessageQueue } from "../message-queue.js";
import { checkAllocate } from "./check.js";
import { HashRing, md5Hash, type HashFunction } from "./hash-ring.js";
import type { AllocateStrategy } from "./strategy.js";

export const DEFAULT_VIRTUAL_NODES = 10;

export function consistentHash(
  virtualNodeCnt: number = DEFAULT_VIRTUAL_NODES,
  hashFunction: HashFunction = md5Hash,
): AllocateStrategy {
  if (!Number.isInteger(virtualNodeCnt) || virtualNodeCnt < 0) {
    throw new Error(`illegal virtualNodeCnt :${virtualNodeCnt}`);
  }
  return {
    name: "CONSISTENT_HASH",
    allocate(_group, currentCID, mqAll, cidAll) {
      const result: MessageQueue[] = [];
      if (!checkAllocate(currentCID, mqAll, cidAll)) return result;
      const ring = new HashRing(hashFunction);
      for (const cid of cidAll) ring.addNode(cid, virtualNodeCnt);
      for (const mq of mqAll) {
        if (ring.routeNode(messageQueueToString(mq)) === currentCID) result.push(mq);
      }
      return result;
    },
  };
}

// MACHINE_ROOM_NEARBY-<inner>: a proxy that keeps traffic inside a machine
// room. Queues of a room that has live consumers go only to that room's
// consumers; queues of a room with no consumer are shared by all consumers.
// Both shares are computed by the inner strategy.
// Port of org.apache.rocketmq.client.consumer.rebalance.AllocateMachineRoomNearby
// (MachineRoomResolver#brokerDeployIn / #consumerDeployIn are brokerRoom /
// consumerRoom here).
//
// Order of the result, as in the source: own room's queues first, then the
// orphan rooms in Java String order of room name (a TreeMap).

import { compareJavaString, messageQueueToString, type MessageQueue } from "../message-queue.js";
import { checkAllocate } from "./check.js";
import type { AllocateStrategy } from "./strategy.js";

export interface MachineRoomResolver {
  /** The room the queue's broker is deployed in; empty/undefined is an error. */
  brokerRoom(mq: MessageQueue): string | null | undefined;
  /** The room the client is deployed in; empty/undefined is an error. */
  consumerRoom(clientId: string): string | null | undefined;
}

/** The text before the first "@" ("room1@broker-a" -> "room1"), else undefined. */
export function roomPrefix(name: string): string | undefined {
  const at = name.indexOf("@");
  return at > 0 ? name.slice(0, at) : undefined;
}

/**
 * The simulator's resolver: a broker's room is the "room@" prefix of its
 * brokerName (the same convention MACHINE_ROOM uses); a consumer's room comes
 * from `consumerRooms`, else from a "room@" prefix of its client id.
 */
export function roomResolver(
  consumerRooms?: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
): MachineRoomResolver {
  const lookup = (cid: string): string | undefined => {
    if (consumerRooms instanceof Map) return consumerRooms.get(cid);
    if (consumerRooms && Object.prototype.hasOwnProperty.call(consumerRooms, cid)) {
      return (consumerRooms as Readonly<Record<string, string>>)[cid];
    }
    return undefined;
  };
  return {
    brokerRoom: (mq) => roomPrefix(mq.brokerName),
    consumerRoom: (cid) => lookup(cid) ?? roomPrefix(cid),
  };
}

export function machineRoomNearby(inner: AllocateStrategy, resolver: MachineRoomResolver): AllocateStrategy {
  if (inner == null) throw new Error("allocateMessageQueueStrategy is null");
  if (resolver == null) throw new Error("machineRoomResolver is null");
  return {
    name: `MACHINE_ROOM_NEARBY-${inner.name}`,
    allocate(group, currentCID, mqAll, cidAll) {
      if (!checkAllocate(currentCID, mqAll, cidAll)) return [];

      const mr2Mq = new Map<string, MessageQueue[]>();
      for (const mq of mqAll) {
        const room = resolver.brokerRoom(mq);
        if (!room) throw new Error(`Machine room is null for mq ${messageQueueToString(mq)}`);
        push(mr2Mq, room, mq);
      }
      const mr2c = new Map<string, string[]>();
      for (const cid of cidAll) {
        const room = resolver.consumerRoom(cid);
        if (!room) throw new Error(`Machine room is null for consumer id ${cid}`);
        push(mr2c, room, cid);
      }

      const results: MessageQueue[] = [];
      // 1. Queues in my room, shared among the consumers of my room. My room
      //    is non-empty: I am in cidAll, and every cid resolved above.
      const currentRoom = resolver.consumerRoom(currentCID)!;
      const mqHere = mr2Mq.get(currentRoom);
      mr2Mq.delete(currentRoom);
      if (mqHere && mqHere.length > 0) {
        results.push(...inner.allocate(group, currentCID, mqHere, mr2c.get(currentRoom)!));
      }
      // 2. Queues of rooms nobody consumes in, shared among everybody.
      for (const room of [...mr2Mq.keys()].sort(compareJavaString)) {
        if (!mr2c.has(room)) results.push(...inner.allocate(group, currentCID, mr2Mq.get(room)!, cidAll));
      }
      return results;
    },
  };
}

function push<T>(m: Map<string, T[]>, key: string, value: T): void {
  const list = m.get(key);
  if (list) list.push(value); else m.set(key, [value]);
}

// Strategies by the names scenarios and the CLI use, each built from one
// options bag. The `name` of what a factory returns is RocketMQ's getName()
// ("AVG", "AVG_BY_CIRCLE", ...), which is what RocketMQ reports in consumer
// running info; the registry keys are our kebab-case names.

import type { MessageQueue } from "../message-queue.js";
import { averagely } from "./averagely.js";
import { circle } from "./circle.js";
import { byConfig } from "./config.js";
import { consistentHash, DEFAULT_VIRTUAL_NODES } from "./consistent-hash.js";
import { byMachineRoom } from "./machine-room.js";
import { machineRoomNearby, roomResolver, type MachineRoomResolver } from "./machine-room-nearby.js";
import type { AllocateStrategy } from "./strategy.js";

export const STRATEGY_NAMES = [
  "averagely",
  "circle",
  "consistent-hash",
  "config",
  "machine-room",
  "machine-room-nearby",
] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];
export type InnerStrategyName = Exclude<StrategyName, "machine-room-nearby">;

export interface StrategyOptions {
  /** consistent-hash: virtual nodes per consumer (RocketMQ default 10). */
  virtualNodes?: number;
  /** machine-room: the consumeridcs, rooms whose "room@broker" queues this group consumes. */
  rooms?: Iterable<string>;
  /** config: the fixed queue list every consumer gets. */
  config?: readonly MessageQueue[];
  /** machine-room-nearby: client id -> room (falls back to a "room@" prefix of the id). */
  consumerRooms?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** machine-room-nearby: a resolver replacing the default (brokerName/consumerRooms) one. */
  resolver?: MachineRoomResolver;
  /** machine-room-nearby: the wrapped strategy, default "averagely" (same options bag). */
  inner?: InnerStrategyName;
}

export type StrategyFactory = (options?: StrategyOptions) => AllocateStrategy;

export const strategies: Record<StrategyName, StrategyFactory> = {
  averagely: () => averagely,
  circle: () => circle,
  "consistent-hash": (o = {}) => consistentHash(o.virtualNodes ?? DEFAULT_VIRTUAL_NODES),
  config: (o = {}) => byConfig(o.config ?? []),
  "machine-room": (o = {}) => {
    if (!o.rooms) throw new Error("machine-room strategy needs options.rooms (consumeridcs)");
    return byMachineRoom(o.rooms);
  },
  "machine-room-nearby": (o = {}) => {
    const inner = o.inner ?? "averagely";
    if ((inner as string) === "machine-room-nearby") throw new Error("machine-room-nearby cannot wrap itself");
    return machineRoomNearby(strategies[inner](o), o.resolver ?? roomResolver(o.consumerRooms));
  },
};

export function isStrategyName(s: string): s is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(s);
}

/** Registry name for a RocketMQ getName() of a plain strategy ("AVG" -> "averagely"). */
export const ROCKETMQ_NAMES: Readonly<Record<string, InnerStrategyName>> = {
  AVG: "averagely",
  AVG_BY_CIRCLE: "circle",
  CONSISTENT_HASH: "consistent-hash",
  CONFIG: "config",
  MACHINE_ROOM: "machine-room",
};

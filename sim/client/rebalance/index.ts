// Everything a rebalancing consumer needs, in one import.

export type { AllocateFn, AllocateStrategy } from "./strategy.js";
export { checkAllocate } from "./check.js";
export { allocateAveragely, averagely } from "./averagely.js";
export { allocateByCircle, circle } from "./circle.js";
export { byConfig } from "./config.js";
export { byMachineRoom, javaSplitAt } from "./machine-room.js";
export { consistentHash, DEFAULT_VIRTUAL_NODES } from "./consistent-hash.js";
export { HashRing, md5Hash, type HashFunction } from "./hash-ring.js";
export { machineRoomNearby, roomResolver, roomPrefix, type MachineRoomResolver } from "./machine-room-nearby.js";
export {
  strategies,
  STRATEGY_NAMES,
  ROCKETMQ_NAMES,
  isStrategyName,
  type StrategyName,
  type InnerStrategyName,
  type StrategyOptions,
  type StrategyFactory,
} from "./registry.js";

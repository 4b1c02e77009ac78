// Event shapes the viewer understands. Types in sim/trace/schema.ts are checked
// by the loader against that schema; the "future" types below (messages,
// rebalancing, roles) are not in the schema yet, so their handlers check fields
// themselves and ignore an event they cannot use. Any other type is ignored.

import type { TraceEvent } from "../../sim/trace/schema.js";

/** What the loader hands over: at least `t`, `type` and (usually) `node`. */
export interface AnyEvent {
  t: number;
  type: string;
  node: string;
  [field: string]: unknown;
}

export type KnownEvent = TraceEvent;
export type EventOf<T extends KnownEvent["type"]> = Extract<KnownEvent, { type: T }>;

// Message-level shapes (now in the schema too; the guards below keep handlers
// safe if a field is missing or renamed in a later version).
export interface SendEvent { t: number; type: "send"; node: string; group?: string; msgId: string; topic: string }
export interface SendResultEvent { t: number; type: "send.result"; node: string; msgId: string; status: string; stored?: boolean; brokerName?: string; queueId?: number; latencyUs?: number }
export interface StoreEvent { t: number; type: "store"; node: string; topic: string; queueId: number; queueOffset?: number; offset?: number; msgId?: string }
export interface ConsumeEvent { t: number; type: "consume"; node: string; msgId: string; topic: string; brokerName: string; queueId: number; group?: string; bornUs?: number }
export interface RebalanceEvent { t: number; type: "rebalance"; node: string; group: string; topic: string; queues: { brokerName: string; queueId: number }[] }
/** node = the broker that stored the offset (brokerName from its node.add). */
export interface OffsetCommitEvent { t: number; type: "offset.commit"; node: string; group?: string; topic: string; brokerName?: string; queueId: number; offset: number }
export interface BrokerRoleEvent { t: number; type: "broker.role"; node: string; brokerName?: string; role: string; brokerId?: number; epoch?: number }

export const isStr = (v: unknown): v is string => typeof v === "string";
export const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export function isSend(e: AnyEvent): e is AnyEvent & SendEvent {
  return isStr(e.msgId) && isStr(e.topic);
}
export function isSendResult(e: AnyEvent): e is AnyEvent & SendResultEvent {
  return isStr(e.msgId) && isStr(e.status);
}
export function isStore(e: AnyEvent): e is AnyEvent & StoreEvent {
  return isStr(e.topic) && isNum(e.queueId) && (isNum(e.queueOffset) || isNum(e.offset));
}
export function isConsume(e: AnyEvent): e is AnyEvent & ConsumeEvent {
  return isStr(e.msgId) && isStr(e.topic) && isStr(e.brokerName) && isNum(e.queueId);
}
export function isRebalance(e: AnyEvent): e is AnyEvent & RebalanceEvent {
  return isStr(e.group) && isStr(e.topic) && Array.isArray(e.queues) &&
    e.queues.every((q) => typeof q === "object" && q !== null && isStr((q as QueueLike).brokerName) && isNum((q as QueueLike).queueId));
}
export function isOffsetCommit(e: AnyEvent): e is AnyEvent & OffsetCommitEvent {
  return isStr(e.topic) && isNum(e.queueId) && isNum(e.offset);
}
export function isBrokerRole(e: AnyEvent): e is AnyEvent & BrokerRoleEvent {
  return isStr(e.role);
}

interface QueueLike { brokerName: unknown; queueId: unknown }

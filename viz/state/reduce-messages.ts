// Message traffic: counters and offsets (the time series are built from these).

import type { AnyEvent } from "./events.js";
import { isConsume, isOffsetCommit, isSend, isSendResult, isStore, isStr } from "./events.js";
import { bump, own, queueKey, set } from "./record.js";
import type { VizState } from "./types.js";

export function send(s: VizState, e: AnyEvent): VizState {
  if (!isSend(e)) return s;
  return { ...s, counters: { ...s.counters, sends: s.counters.sends + 1 } };
}

export function sendResult(s: VizState, e: AnyEvent): VizState {
  if (!isSendResult(e)) return s;
  return { ...s, counters: { ...s.counters, results: bump(s.counters.results, e.status) } };
}

export function store(s: VizState, e: AnyEvent): VizState {
  if (!isStore(e)) return s;
  const brokerName = own(s.info, e.node)?.brokerName ?? e.node;
  const key = queueKey(e.topic, brokerName, e.queueId);
  const offset = (e.queueOffset ?? e.offset)!;
  const prev = own(s.queueMax, key);
  const c = s.counters;
  return {
    ...s,
    queueMax: prev !== undefined && prev >= offset ? s.queueMax : set(s.queueMax, key, offset),
    counters: { ...c, stores: c.stores + 1, storedByTopic: bump(c.storedByTopic, e.topic) },
  };
}

/** The consumer group of a consume/commit event: its own field, else the node's group. */
export function groupOf(s: VizState, e: AnyEvent): string {
  return isStr(e.group) ? e.group : own(s.info, e.node)?.group ?? e.node;
}

export function consume(s: VizState, e: AnyEvent): VizState {
  if (!isConsume(e)) return s;
  const c = s.counters;
  return { ...s, counters: { ...c, consumes: c.consumes + 1, consumedByGroup: bump(c.consumedByGroup, groupOf(s, e)) } };
}

export function offsetCommit(s: VizState, e: AnyEvent): VizState {
  if (!isOffsetCommit(e)) return s;
  const brokerName = e.brokerName ?? own(s.info, e.node)?.brokerName ?? e.node;
  const key = `${groupOf(s, e)}|${queueKey(e.topic, brokerName, e.queueId)}`;
  if (own(s.committed, key) === e.offset) return s;
  return { ...s, committed: set(s.committed, key, e.offset) };
}

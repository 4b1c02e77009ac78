// NameServer route tables (node = the NameServer).

import type { AnyEvent, EventOf } from "./events.js";
import { own, remove, set } from "./record.js";
import type { Registration, VizState } from "./types.js";

export function nsRegister(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"ns.register">;
  const table = own(s.ns, e.node) ?? {};
  const prev = own(table, e.broker);
  const reg: Registration = {
    broker: e.broker, brokerName: e.brokerName, brokerId: e.brokerId, cluster: e.cluster,
    firstT: prev && !e.first ? prev.firstT : e.t, lastT: e.t,
  };
  const removed = own(s.nsRemoved, e.node);
  const nsRemoved = removed && own(removed, e.broker) ? set(s.nsRemoved, e.node, remove(removed, e.broker)) : s.nsRemoved;
  return { ...s, ns: set(s.ns, e.node, set(table, e.broker, reg)), nsRemoved };
}

export function nsUnregister(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"ns.unregister">;
  const table = own(s.ns, e.node) ?? {};
  const removal = { broker: e.broker, brokerName: e.brokerName, brokerId: e.brokerId, reason: e.reason, t: e.t };
  return {
    ...s,
    ns: set(s.ns, e.node, remove(table, e.broker)),
    nsRemoved: set(s.nsRemoved, e.node, set(own(s.nsRemoved, e.node) ?? {}, e.broker, removal)),
  };
}

export function nsTopicDelete(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"ns.topic.delete">;
  const deleted = own(s.nsDeletedTopics, e.node) ?? {};
  return { ...s, nsDeletedTopics: set(s.nsDeletedTopics, e.node, set(deleted, e.topic, e.t)) };
}

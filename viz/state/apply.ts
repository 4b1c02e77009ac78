// The reducer: apply(state, event) -> next state. Pure (never mutates `state`),
// no DOM, used by the page and by the unit tests alike. One handler per event
// type; an event type without a handler only advances `index` and `t`, which is
// how the page stays forward compatible with traces from newer simulators.

import type { AnyEvent } from "./events.js";
import { initialState } from "./initial.js";
import * as clients from "./reduce-clients.js";
import * as messages from "./reduce-messages.js";
import * as namesrv from "./reduce-namesrv.js";
import * as network from "./reduce-network.js";
import * as nodes from "./reduce-nodes.js";
import * as replication from "./reduce-replication.js";
import type { VizState } from "./types.js";

export type Handler = (s: VizState, e: AnyEvent) => VizState;

export const handlers: Readonly<Record<string, Handler>> = {
  "node.add": nodes.nodeAdd,
  "node.up": nodes.nodeUp,
  "node.down": nodes.nodeDown,
  "node.pause": nodes.nodePause,
  "node.resume": nodes.nodeResume,
  "broker.role": replication.brokerRole,
  "ha.connect": replication.haConnect,
  "ha.disconnect": replication.haDisconnect,
  "ha.ack": replication.haAck,
  "election.start": replication.electionStart,
  "election.won": replication.electionWon,
  "controller.syncStateSet": replication.syncStateSet,
  "pull.target": clients.pullTarget,
  fault: nodes.fault,
  "run.end": nodes.runEnd,
  "net.partition": network.netPartition,
  "net.heal": network.netHeal,
  "net.latency": network.netLatency,
  "channel.open": network.channelOpen,
  "channel.close": network.channelClose,
  "ns.register": namesrv.nsRegister,
  "ns.unregister": namesrv.nsUnregister,
  "ns.topic.delete": namesrv.nsTopicDelete,
  "client.namesrv": clients.clientNamesrv,
  "client.route": clients.clientRoute,
  rebalance: clients.rebalance,
  send: messages.send,
  "send.result": messages.sendResult,
  store: messages.store,
  consume: messages.consume,
  "offset.commit": messages.offsetCommit,
};

export function apply(state: VizState, event: AnyEvent): VizState {
  const h = Object.prototype.hasOwnProperty.call(handlers, event.type) ? handlers[event.type] : undefined;
  const next = h ? h(state, event) : state;
  return { ...next, index: state.index + 1, t: event.t };
}

/** Fold events [from, to) onto a state. */
export function applyAll(state: VizState, events: readonly AnyEvent[], from = 0, to = events.length): VizState {
  let s = state;
  for (let i = from; i < to; i++) s = apply(s, events[i]);
  return s;
}

/** State after the first `count` events. */
export function replay(events: readonly AnyEvent[], count = events.length): VizState {
  return applyAll(initialState(), events, 0, count);
}

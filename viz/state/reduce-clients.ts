// Clients: which NameServer they use, their route per topic, queue assignments.

import type { AnyEvent, EventOf } from "./events.js";
import { isNum, isRebalance, isStr } from "./events.js";
import { own, set } from "./record.js";
import type { ClientRoute, ClientState, VizState } from "./types.js";

function client(s: VizState, name: string): ClientState {
  return own(s.clients, name) ?? { routes: {} };
}

export function clientNamesrv(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"client.namesrv">;
  return { ...s, clients: set(s.clients, e.node, { ...client(s, e.node), namesrv: e.namesrv }) };
}

export function clientRoute(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"client.route">;
  const route: ClientRoute = {
    t: e.t,
    brokers: e.brokers ?? [],
    publish: e.publish ?? [],
    subscribe: e.subscribe ?? [],
    ...(e.error !== undefined && { error: e.error }),
  };
  const c = client(s, e.node);
  return { ...s, clients: set(s.clients, e.node, { ...c, routes: set(c.routes, e.topic, route) }) };
}

export function rebalance(s: VizState, e: AnyEvent): VizState {
  if (!isRebalance(e)) return s;
  const queues = e.queues.map((q) => ({ brokerName: q.brokerName, queueId: q.queueId }));
  const mine = own(s.assignments, e.node) ?? {};
  return { ...s, assignments: set(s.assignments, e.node, set(mine, e.topic, { group: e.group, t: e.t, queues })) };
}

export function pullTarget(s: VizState, e: AnyEvent): VizState {
  if (!isStr(e.brokerName) || !isNum(e.queueId) || !isStr(e.broker) || !isStr(e.result)) return s;
  const mine = own(s.pulls, e.node) ?? {};
  const target = { broker: e.broker, brokerId: isNum(e.brokerId) ? e.brokerId : -1, result: e.result, t: e.t };
  return { ...s, pulls: set(s.pulls, e.node, set(mine, `${e.brokerName}#${e.queueId}`, target)) };
}

// Network: partitions, latency rules, TCP channels as each endpoint sees them.

import type { AnyEvent, EventOf } from "./events.js";
import { channelKey, set } from "./record.js";
import type { VizState } from "./types.js";

export function netPartition(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"net.partition">;
  return { ...s, partition: { groups: e.groups, oneWay: e.oneWay, since: e.t } };
}

export function netHeal(s: VizState): VizState {
  return s.partition === null ? s : { ...s, partition: null };
}

export function netLatency(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"net.latency">;
  const rule = { latency: e.latency, since: e.t,
    ...(e.from !== undefined && { from: e.from }), ...(e.to !== undefined && { to: e.to }) };
  // A rule for all links replaces every rule (as sim/remoting/network.ts does).
  if (e.from === undefined && e.to === undefined) return { ...s, latency: [rule] };
  const rest = s.latency.filter((r) => !(r.from === e.from && r.to === e.to));
  return { ...s, latency: [...rest, rule] };
}

export function channelOpen(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"channel.open">;
  return { ...s, channels: set(s.channels, channelKey(e.node, e.peer), { open: true, since: e.t }) };
}

export function channelClose(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"channel.close">;
  return { ...s, channels: set(s.channels, channelKey(e.node, e.peer), { open: false, since: e.t, reason: e.reason }) };
}

// Nodes: topology, life cycle, roles, scenario faults.

import type { AnyEvent, EventOf } from "./events.js";
import { own, remove, set } from "./record.js";
import type { NodeKind, NodeState, NodeStatus, VizState } from "./types.js";

const KINDS: readonly string[] = ["namesrv", "broker", "producer", "consumer", "controller"];
const DOWN: Record<string, NodeStatus> = { crash: "crashed", "power-off": "off", shutdown: "stopped" };

function nodeState(s: VizState, name: string): NodeState {
  return own(s.nodes, name) ?? { status: "new", since: 0, incarnation: 0 };
}

function withStatus(s: VizState, name: string, patch: Partial<NodeState>, t: number): VizState {
  const prev = nodeState(s, name);
  return { ...s, nodes: set(s.nodes, name, { ...prev, ...patch, since: t }) };
}

/** A process that dies or restarts loses what it held in memory. */
function forgetMemory(s: VizState, name: string): VizState {
  const kind = own(s.info, name)?.kind;
  if (kind === "namesrv") {
    return { ...s, ns: remove(s.ns, name), nsRemoved: remove(s.nsRemoved, name), nsDeletedTopics: remove(s.nsDeletedTopics, name) };
  }
  if (kind === "producer" || kind === "consumer") {
    return { ...s, clients: remove(s.clients, name), assignments: remove(s.assignments, name), pulls: remove(s.pulls, name) };
  }
  return s;
}

export function nodeAdd(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"node.add">;
  if (!KINDS.includes(e.kind)) return s;
  const prev = own(s.info, e.node);
  const info = {
    name: e.node, kind: e.kind as NodeKind, ip: e.ip,
    ...(e.group !== undefined && { group: e.group }),
    ...(e.cluster !== undefined && { cluster: e.cluster }),
    ...(e.brokerName !== undefined && { brokerName: e.brokerName }),
    ...(e.brokerId !== undefined && { brokerId: e.brokerId }),
    order: prev?.order ?? Object.keys(s.info).length,
  };
  const nodes = own(s.nodes, e.node) ? s.nodes : set(s.nodes, e.node, { status: "new" as const, since: e.t, incarnation: 0 });
  return { ...s, info: set(s.info, e.node, info), nodes };
}

export function nodeUp(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"node.up">;
  const s2 = nodeState(s, e.node).incarnation > 0 ? forgetMemory(s, e.node) : s;
  return withStatus(s2, e.node, { status: "up", incarnation: e.incarnation }, e.t);
}

export function nodeDown(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"node.down">;
  return withStatus(forgetMemory(s, e.node), e.node, { status: DOWN[e.how] ?? "crashed" }, e.t);
}

export function nodePause(s: VizState, e: AnyEvent): VizState {
  return withStatus(s, e.node, { status: "paused" }, e.t);
}

export function nodeResume(s: VizState, e: AnyEvent): VizState {
  const prev = nodeState(s, e.node);
  return prev.status === "paused" ? withStatus(s, e.node, { status: "up" }, e.t) : s;
}

export function fault(s: VizState, ev: AnyEvent): VizState {
  const e = ev as unknown as EventOf<"fault">;
  const mark = { index: e.index, action: e.action, t: e.t,
    ...(e.name !== undefined && { name: e.name }), ...(e.nodes !== undefined && { nodes: e.nodes }) };
  return { ...s, faults: [...s.faults, mark] };
}

export function runEnd(s: VizState): VizState {
  return { ...s, ended: true };
}

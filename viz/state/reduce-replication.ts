// Replication: broker roles, HA connections, elections (DLedger or controller),
// the controller's SyncStateSets.

import type { AnyEvent } from "./events.js";
import { isBrokerRole, isNum, isStr } from "./events.js";
import { own, set } from "./record.js";
import type { HaLink, NodeState, VizState } from "./types.js";

export function brokerRole(s: VizState, e: AnyEvent): VizState {
  if (!isBrokerRole(e)) return s;
  const prev: NodeState = own(s.nodes, e.node) ?? { status: "new", since: e.t, incarnation: 0 };
  const next: NodeState = { ...prev, role: e.role,
    ...(isNum(e.brokerId) && { brokerId: e.brokerId }), ...(isNum(e.epoch) && { epoch: e.epoch }) };
  return { ...s, nodes: set(s.nodes, e.node, next) };
}

export function haConnect(s: VizState, e: AnyEvent): VizState {
  if (!isStr(e.master)) return s;
  return { ...s, ha: set(s.ha, e.node, { master: e.master, connected: true, since: e.t }) };
}

export function haDisconnect(s: VizState, e: AnyEvent): VizState {
  if (!isStr(e.peer)) return s;
  const slave = e.side === "master" ? e.peer : e.node;
  const prev = own(s.ha, slave);
  const master = prev?.master ?? (e.side === "master" ? e.node : e.peer);
  const link: HaLink = { master, connected: false, since: e.t, ...(isStr(e.reason) && { reason: e.reason }) };
  return { ...s, ha: set(s.ha, slave, link) };
}

export function haAck(s: VizState, e: AnyEvent): VizState {
  if (!isStr(e.slave) || !isNum(e.behind)) return s;
  const prev = own(s.ha, e.slave) ?? { master: e.node, connected: true, since: e.t };
  if (prev.behind === e.behind) return s;
  return { ...s, ha: set(s.ha, e.slave, { ...prev, behind: e.behind }) };
}

function brokerNameOf(s: VizState, e: AnyEvent): string | undefined {
  return isStr(e.brokerName) ? e.brokerName : own(s.info, e.node)?.brokerName;
}

export function electionStart(s: VizState, e: AnyEvent): VizState {
  const bn = brokerNameOf(s, e);
  if (!bn || !isNum(e.term)) return s;
  const candidate = own(s.info, e.node)?.kind === "broker" ? e.node : undefined;
  return { ...s, elections: set(s.elections, bn, { term: e.term, phase: "electing", t: e.t, ...(candidate && { candidate }) }) };
}

export function electionWon(s: VizState, e: AnyEvent): VizState {
  const bn = brokerNameOf(s, e);
  if (!bn || !isNum(e.term)) return s;
  return { ...s, elections: set(s.elections, bn, { term: e.term, phase: "won", t: e.t, winner: e.node }) };
}

export function syncStateSet(s: VizState, e: AnyEvent): VizState {
  if (!isStr(e.brokerName) || !Array.isArray(e.members) || !isNum(e.epoch)) return s;
  const members = e.members.filter(isNum);
  const masterBrokerId = isNum(e.masterBrokerId) ? e.masterBrokerId : null;
  return { ...s, syncStateSets: set(s.syncStateSets, e.brokerName, { members, epoch: e.epoch, masterBrokerId, t: e.t }) };
}

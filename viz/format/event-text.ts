// One-line summaries of events for the log and tooltips (plain text: callers
// put it in the DOM with textContent / d3 .text()).

import type { AnyEvent } from "../state/events.js";

type Fmt = (e: AnyEvent) => string;
const s = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
const q = (x: unknown): string => {
  const r = x as { brokerName?: unknown; queueId?: unknown };
  return `${s(r.brokerName)}#${s(r.queueId)}`;
};

const FORMATS: Record<string, Fmt> = {
  "node.add": (e) => `${s(e.kind)} ${s(e.ip)}${e.group ? ` group ${s(e.group)}` : ""}${e.brokerName !== undefined ? ` ${s(e.brokerName)} id ${s(e.brokerId)}` : ""}`,
  "node.up": (e) => `up (incarnation ${s(e.incarnation)})`,
  "node.down": (e) => `down: ${s(e.how)}`,
  "node.pause": () => "paused",
  "node.resume": () => "resumed",
  fault: (e) => `fault #${s(e.index)} ${s(e.action)}${e.name ? ` "${s(e.name)}"` : ""}${Array.isArray(e.nodes) ? ` ${e.nodes.join(", ")}` : ""}`,
  "net.partition": (e) => `partition${e.oneWay ? " (one way)" : ""}: ${(e.groups as string[][]).map((g) => `{${g.join(", ")}}`).join(" | ")}`,
  "net.heal": () => "network healed",
  "net.latency": (e) => `latency ${s(e.latency)}${e.from ? ` from ${s(e.from)}` : ""}${e.to ? ` to ${s(e.to)}` : ""}`,
  "channel.open": (e) => `channel to ${s(e.peer)} open`,
  "channel.close": (e) => `channel to ${s(e.peer)} closed (${s(e.reason)})`,
  "ns.register": (e) => `${e.first ? "first registration" : "registration"} of ${s(e.broker)} (${s(e.brokerName)} id ${s(e.brokerId)})`,
  "ns.unregister": (e) => `removed ${s(e.broker)} (${s(e.brokerName)} id ${s(e.brokerId)}): ${s(e.reason)}`,
  "ns.topic.delete": (e) => `deleted topic ${s(e.topic)}`,
  "client.namesrv": (e) => `uses ${s(e.namesrv)}`,
  "client.route": (e) => e.error ? `route ${s(e.topic)}: ${s(e.error)}`
    : `route ${s(e.topic)}: publish [${((e.publish as string[]) ?? []).join(", ")}] subscribe [${((e.subscribe as string[]) ?? []).join(", ")}]`,
  "run.end": (e) => `run ended (${s(e.reason)}, ${s(e.events)} events)`,
  send: (e) => `send ${s(e.msgId)} to ${s(e.topic)}`,
  "send.result": (e) => `${s(e.status)} ${s(e.msgId)}${e.brokerName !== undefined ? ` on ${s(e.brokerName)}#${s(e.queueId)}` : ""}${typeof e.attempts === "number" && e.attempts > 1 ? ` after ${e.attempts} attempts` : ""}`,
  store: (e) => `stored ${s(e.msgId ?? "")} in ${s(e.topic)}#${s(e.queueId)} at ${s(e.queueOffset ?? e.offset)}`,
  consume: (e) => `consumed ${s(e.msgId)} from ${s(e.brokerName)}#${s(e.queueId)}${typeof e.reconsumeTimes === "number" && e.reconsumeTimes > 0 ? ` (redelivery ${e.reconsumeTimes})` : ""}`,
  "queue.lock": (e) => `${e.locked ? "holds" : "has no"} broker lock on ${s(e.topic)} ${s(e.brokerName)}#${s(e.queueId)} (${s(e.group)}, orderly)`,
  sendback: (e) => `${s(e.group)} failed ${s(e.msgId)} (${s(e.topic)}): ${({ retry: "retry copy stored", dlq: "dead-lettered", fallback: "sent back by the consumer itself", local: "re-consumed locally in 5 s", dropped: "dropped (broadcasting)" } as Record<string, string>)[s(e.result)] ?? s(e.result)}, reconsumeTimes ${s(e.reconsumeTimes)}`,
  rebalance: (e) => `rebalance ${s(e.group)}/${s(e.topic)}: ${Array.isArray(e.queues) ? e.queues.map(q).join(" ") || "(none)" : "?"}`,
  "offset.commit": (e) => `offset of ${s(e.group)} on ${s(e.topic)}#${s(e.queueId)} = ${s(e.offset)}`,
  "broker.role": (e) => `role ${s(e.role)}${e.brokerId !== undefined ? ` brokerId ${s(e.brokerId)}` : ""}${e.epoch !== undefined ? ` epoch ${s(e.epoch)}` : ""}`,
  "ha.connect": (e) => `HA connected to master ${s(e.master)} at offset ${s(e.offset)}`,
  "ha.disconnect": (e) => `HA connection to ${s(e.peer)} dropped by the ${s(e.side)}: ${s(e.reason)}`,
  "ha.truncate": (e) => `log cut back from ${s(e.from)} to ${s(e.offset)} (${s(e.messages)} messages) to follow master ${s(e.master)}`,
  "ha.ack": (e) => `slave ${s(e.slave)} at offset ${s(e.offset)}, ${e.ahead !== undefined ? `${s(e.ahead)} bytes ahead` : `${s(e.behind)} bytes behind`}`,
  "offset.sync": (e) => `consumer offsets copied from ${s(e.master)}: ${s(e.changed)} changed, ${s(e.rewound)} rewound`,
  "pull.target": (e) => `pulls of ${s(e.brokerName)}#${s(e.queueId)} go to ${s(e.broker)} (id ${s(e.brokerId)}): ${s(e.result)}`,
  "election.start": (e) => `election for term ${s(e.term)}${e.brokerName ? ` of ${s(e.brokerName)}` : ""}${e.reason ? ` (${s(e.reason)})` : ""}`,
  "election.vote": (e) => `vote for ${s(e.candidate)} in term ${s(e.term)}: ${e.granted ? "granted" : "refused"} (${s(e.result)})`,
  "election.won": (e) => `won term ${s(e.term)}${e.brokerName ? ` of ${s(e.brokerName)}` : ""}${e.brokerId !== undefined ? ` as brokerId ${s(e.brokerId)}` : ""}`,
  "controller.syncStateSet": (e) => `SyncStateSet of ${s(e.brokerName)}: {${Array.isArray(e.members) ? e.members.join(", ") : "?"}} epoch ${s(e.epoch)}, master ${e.masterBrokerId === null ? "none" : s(e.masterBrokerId)}`,
};

const COMMON = new Set(["t", "type", "node"]);

export function eventText(e: AnyEvent): string {
  const f = Object.prototype.hasOwnProperty.call(FORMATS, e.type) ? FORMATS[e.type] : undefined;
  if (f) {
    try { return f(e); } catch { /* fall through to the generic form */ }
  }
  const rest = Object.entries(e).filter(([k]) => !COMMON.has(k));
  return rest.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");
}

// `rocketsim report failover`: runs the failover scenarios and tabulates, per
// broker group, what users ask of each setting: how long until the NameServer
// notices the master is gone, how long writes to that group are unavailable, and
// how many acknowledged messages are lost. The README's table is this output.

import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatUs } from "../core/duration.js";
import { loadScenario } from "../scenario/load.js";
import { runScenario } from "../scenario/run.js";
import type { Scenario } from "../scenario/types.js";
import type { TraceEvent } from "../trace/schema.js";
import { parseArgs, UsageError } from "./args.js";

export const REPORT_USAGE = `usage: rocketsim report failover [--dir scenarios] [--write README.md]

Runs every failover scenario (ha-*, dledger-*, controller-*, power-off-*.yaml) and prints a
Markdown table per broker group: failover mode, profile, brokerRole, flushDiskType, the fault,
detection (fault -> first NameServer drops the master), write unavailability (fault -> first
acknowledged send on that group), acknowledged messages lost and duplicate deliveries. --write replaces the table
between <!-- failover-table:start --> and <!-- failover-table:end --> in the given file.`;

const START = "<!-- failover-table:start -->";
const END = "<!-- failover-table:end -->";
const PICK = /^(ha|dledger|controller|power-off)-.*\.ya?ml$/;

interface GroupRow { scenario: string; group: string; mode: string; profile: string; role: string; flush: string;
  fault: string; detection: string; unavailable: string; lost: string; dup: string }

export function reportCommand(argv: string[]): number {
  const a = parseArgs(argv, { dir: "value", write: "value", help: "flag" });
  if (a.flags.has("help")) { console.log(REPORT_USAGE); return 0; }
  if (a.positionals[0] !== "failover") throw new UsageError("report needs a kind: rocketsim report failover");
  const table = failoverTable(a.values.get("dir") ?? "scenarios");
  const target = a.values.get("write");
  if (target) {
    writeFileSync(target, replaceBlock(readFileSync(target, "utf8"), table));
    console.log(`wrote the failover table into ${target}`);
  } else {
    console.log(table);
  }
  return 0;
}

export function replaceBlock(text: string, table: string): string {
  const i = text.indexOf(START), j = text.indexOf(END);
  if (i < 0 || j < i) throw new UsageError(`no ${START} ... ${END} block to replace`);
  return `${text.slice(0, i + START.length)}\n${table}\n${text.slice(j)}`;
}

export function failoverTable(dir: string): string {
  const rows = readdirSync(dir).filter((f) => PICK.test(f)).sort().flatMap((f) => rowsOf(join(dir, f)));
  const head = "| scenario | broker group | mode | profile | brokerRole | flushDiskType | fault | detection | writes unavailable | acked lost | duplicates |";
  const line = "|---|---|---|---|---|---|---|---|---|---|---|";
  const body = rows.map((r) => `| ${r.scenario} | ${r.group} | ${r.mode} | ${r.profile} | ${r.role} | ${r.flush} | ${r.fault} | ${r.detection} | ${r.unavailable} | ${r.lost} | ${r.dup} |`);
  return [head, line, ...body].join("\n");
}

function rowsOf(file: string): GroupRow[] {
  const scn = loadScenario(file);
  const seen: TraceEvent[] = [];
  const keep = (e: TraceEvent) => {
    if (e.type === "fault" || e.type === "ns.unregister" || e.type === "net.partition" || e.type === "send"
      || e.type === "broker.role" || (e.type === "ns.register" && e.brokerId === 0) || (e.type === "send.result" && e.stored)) seen.push(e);
  };
  const summary = runScenario(scn, { tracePath: null, listeners: [keep] });
  const name = file.split("/").pop()!.replace(/\.ya?ml$/, "");
  return scn.cluster.brokers.flatMap((g) => {
    const setting = (k: string) => String(g.config[k] ?? (defaultsOf(scn)[k] ?? ""));
    // The group's master is whichever node last took brokerId 0 (node -0 unless
    // DLedger elected another); the first fault that hits it is the one reported —
    // named in a fault, or cut off from every NameServer by a partition.
    let master = `${g.name}-0`;
    const hit = seen.findIndex((e) => {
      if (e.type === "broker.role" && e.brokerId === 0 && e.node.startsWith(`${g.name}-`)) master = e.node;
      return (e.type === "fault" && (e.nodes ?? []).includes(master))
        || (e.type === "net.partition" && e.groups.some((grp) => grp.includes(master) && !grp.some((n) => n.startsWith("ns-"))));
    });
    if (hit < 0) return [];
    const fault = seen[hit - (seen[hit].type === "net.partition" ? 1 : 0)] as Extract<TraceEvent, { type: "fault" }>;
    const after = (pred: (e: TraceEvent) => boolean) => seen.find((e) => e.t >= fault.t && pred(e));
    // Detection: a NameServer drops the old master, or (DLedger) takes a new one as brokerId 0.
    const drop = after((e) => (e.type === "ns.unregister" && e.brokerName === g.name && e.brokerId === 0)
      || (e.type === "ns.register" && e.brokerName === g.name && e.brokerId === 0 && e.broker !== master));
    const back = after((e) => e.type === "send.result" && e.brokerName === g.name);
    const groupTopics = new Set(scn.topics.filter((t) => t.brokers.includes(g.name)).map((t) => t.name));
    const sendsAfter = after((e) => e.type === "send" && groupTopics.has(e.topic));
    return [{
      scenario: name, group: g.name, mode: g.failover ?? "manual", profile: scn.profile,
      // DLedger makes its leader a SYNC_MASTER whatever the configured role (DLedgerRoleChangeHandler).
      role: g.failover === "dledger" ? "leader: SYNC_MASTER" : g.failover === "controller" ? controllerRole(setting)
        : setting("brokerRole") || "ASYNC_MASTER",
      flush: setting("flushDiskType") || "ASYNC_FLUSH",
      fault: `${fault.action} at ${formatUs(fault.t)}`,
      detection: drop ? formatUs(drop.t - fault.t) : `not within the run (${formatUs(scn.durationUs)})`,
      unavailable: back ? formatUs(back.t - fault.t) : sendsAfter ? "until the end" : "— (no sends after)",
      lost: countFor(scn, g.name, summary.checks.byGroup, "lost"),
      dup: countFor(scn, g.name, summary.checks.byGroup, "duplicates"),
    }];
  });
}

/**
 * A Controller-mode master is always SYNC_MASTER (ReplicasManager#changeToMaster); what it waits
 * for is inSyncReplicas / allAckInSyncStateSet, and minInSyncReplicas may refuse writes.
 */
function controllerRole(setting: (k: string) => string): string {
  const isr = setting("inSyncReplicas") || "1", min = setting("minInSyncReplicas") || "1"; // MessageStoreConfig defaults
  const parts = [`inSyncReplicas ${isr}`];
  if (setting("allAckInSyncStateSet") === "true") parts.push("allAckInSyncStateSet");
  if (min !== "1") parts.push(`minInSyncReplicas ${min}`);
  return `SYNC_MASTER (${parts.join(", ")})`;
}

/** Loss (or duplicates) of the consumer groups reading topics served by this broker group alone. */
function countFor(scn: Scenario, brokerName: string, byGroup: Record<string, { lost: number; duplicates: number }>,
  key: "lost" | "duplicates"): string {
  const topics = new Set(scn.topics.filter((t) => t.brokers.length === 1 && t.brokers[0] === brokerName).map((t) => t.name));
  const groups = scn.consumers.filter((c) => topics.has(c.topic)).map((c) => c.group);
  if (groups.length === 0) return "—";
  return String(groups.reduce((n, g) => n + (byGroup[g]?.[key] ?? 0), 0));
}

function defaultsOf(scn: Scenario): Record<string, string | number | boolean> {
  return scn.config.broker;
}

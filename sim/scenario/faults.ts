// Applies a scenario's faults at their times. Each fault is first written to the
// trace as a `fault` event, then its effects follow (node.down, net.partition…).
// Faults at the same time apply in file order.
//
// `restart` kills a running process the way `crash` does (its OS closes its
// sockets) and starts a fresh one at once; on a node that is down it just starts.
// `shutdown` is a clean stop: a broker first unregisters from every NameServer.
// `promote` is the operator's manual failover: a running slave becomes its group's master
// (brokerId 0, epoch = 1 + the highest epoch in the group) and registers at once
// (sim/broker/replication.ts); on a node that is down it does nothing, on a paused one it
// happens on resume.

import { sampler } from "../core/distribution.js";
import type { Node } from "../core/node.js";
import { Broker } from "../broker/broker.js";
import { dledgerBrokerPowerLoss } from "../broker/dledger-commitlog.js";
import { savedConf } from "../broker/replication.js";
import { failDisk, fillDisk, healDisk, onPowerLoss, slowDisk } from "../store/index.js";
import type { World } from "./cluster.js";
import type { FaultSpec } from "./types.js";

export function scheduleFaults(world: World, faults: FaultSpec[]): void {
  const ordered = [...faults].sort((a, b) => a.atUs - b.atUs || a.index - b.index);
  for (const f of ordered) world.env.engine.at(f.atUs, () => applyFault(world, f));
}

function applyFault(world: World, f: FaultSpec): void {
  const { tracer } = world.env;
  tracer.emit({
    type: "fault", node: "scenario", index: f.index, ...(f.name !== undefined ? { name: f.name } : {}), action: f.action,
    ...("nodes" in f ? { nodes: f.nodes } : {}),
  });
  switch (f.action) {
    case "partition":
      world.network.partition(f.groups, f.oneWay);
      tracer.emit({ type: "net.partition", node: "scenario", groups: f.groups, oneWay: f.oneWay });
      return;
    case "heal":
      world.network.heal();
      tracer.emit({ type: "net.heal", node: "scenario" });
      return;
    case "latency":
      world.network.setLatency(sampler(f.latency), f.from, f.to);
      tracer.emit({ type: "net.latency", node: "scenario", ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}), latency: f.latencyText });
      return;
  }
  for (const name of f.nodes) {
    const node = world.nodes.get(name)!.node;
    switch (f.action) {
      case "crash": kill(world, node, "crash"); break;
      case "power-off": kill(world, node, "power-off"); break;
      case "pause":
        if (node.running && !node.paused) { node.pause(); tracer.emit({ type: "node.pause", node: name }); }
        break;
      case "resume":
        if (node.paused) { tracer.emit({ type: "node.resume", node: name }); node.resume(); }
        break;
      case "shutdown": case "stop": stopNode(world, node); break;
      case "slow-disk": slowDisk(node, f.factor !== undefined ? { factor: f.factor } : { fsyncUs: f.latency! }); break;
      case "disk-fail": failDisk(node); break;
      case "disk-full": fillDisk(node); break;
      case "disk-heal": healDisk(node); break;
      case "start": start(world, node); break;
      case "promote": promote(world, node); break;
      case "restart":
        kill(world, node, "crash");
        start(world, node);
        break;
    }
  }
}

function kill(world: World, node: Node, how: "crash" | "power-off" | "shutdown"): void {
  if (!node.running && !(how === "power-off" && node.hostOn)) return;
  const wasRunning = node.running;
  const old = node.incarnation;
  node.kill(how);
  if (wasRunning) world.env.transport.processDied(node, old, how === "power-off");
  // The OS page cache survives a process crash; a power loss keeps only what was fsynced.
  if (how === "power-off" && world.nodes.get(node.name)!.kind === "broker") { onPowerLoss(node); dledgerBrokerPowerLoss(node); }
  world.env.tracer.emit({ type: "node.down", node: node.name, how });
}

function promote(world: World, node: Node): void {
  const p = node.process;
  if (!(p instanceof Broker)) return;
  const group = world.nodes.get(node.name)!.brokerName;
  let epoch = 0;
  for (const s of world.nodes.values()) {
    if (s.kind !== "broker" || s.brokerName !== group) continue;
    const conf = s.node.process instanceof Broker ? s.node.process.conf : savedConf(s.node);
    epoch = Math.max(epoch, conf?.epoch ?? 0);
  }
  const inc = node.incarnation;
  node.handOver(() => { if (node.incarnation === inc) p.promote(epoch + 1); });
}

function start(world: World, node: Node): void {
  if (node.running) return;
  node.start();
  world.env.tracer.emit({ type: "node.up", node: node.name, incarnation: node.incarnation });
}

interface Stoppable { shutdown(done: () => void): void }

/** A clean stop: the process's own shutdown (unregistering…), then it exits. */
export function stopNode(world: World, node: Node): void {
  const p = node.process as (Partial<Stoppable> & object) | null;
  if (!p) return;
  if (typeof p.shutdown !== "function") { kill(world, node, "shutdown"); return; }
  const inc = node.incarnation;
  // A paused JVM handles SIGTERM only once it runs again.
  node.handOver(() => p.shutdown!(() => { if (node.incarnation === inc) kill(world, node, "shutdown"); }));
}

// Builds the simulated world a scenario describes: one Node per NameServer,
// broker and client instance, wired to one network and transport. Node names
// and IPs are assigned in a fixed order (NameServers, brokers, producers,
// consumers; IPs 10.0.0.1 upwards), so the same scenario always builds the
// same world, and string-sorted client ids show RocketMQ's "10.0.0.10" <
// "10.0.0.2" ordering quirk.

import type { Engine } from "../core/engine.js";
import { sampler } from "../core/distribution.js";
import { Node, type Process } from "../core/node.js";
import type { RandomStreams } from "../core/random.js";
import { Broker } from "../broker/broker.js";
import { ROCKETMQ_DLEDGER_PORT } from "../dledger/types.js";
import { ControllerProcess } from "../controller/controller.js";
import { CONTROLLER_PORT, type ControllerEvent } from "../controller/protocol.js";
import { Consumer } from "../client/consumer.js";
import { Producer } from "../client/producer.js";
import type { StorePort } from "../broker/store-port.js";
import { NameServer } from "../namesrv/namesrv.js";
import { Transport } from "../remoting/channel.js";
import type { Env } from "../remoting/env.js";
import { Network } from "../remoting/network.js";
import type { Tracer } from "../trace/tracer.js";
import { resolveSettings } from "./defaults.js";
import type { Scenario } from "./types.js";

export type NodeKind = "namesrv" | "broker" | "producer" | "consumer" | "controller";

export interface SimNode {
  node: Node;
  kind: NodeKind;
  /** When the node's process first starts (clients may start late), µs. */
  startUs: number;
  /** When a client stops gracefully, µs. */
  stopUs?: number;
  group?: string;
  cluster?: string;
  brokerName?: string;
  brokerId?: number;
}

export interface World {
  env: Env;
  network: Network;
  nodes: Map<string, SimNode>;
}

export function ipOf(index: number): string {
  return `10.0.${Math.floor(index / 254)}.${(index % 254) + 1}`;
}

export type StoreFactory = (node: Node, group: Scenario["cluster"]["brokers"][number], env: Env) => StorePort;

export function buildWorld(scn: Scenario, engine: Engine, streams: RandomStreams, tracer: Tracer, makeStore: StoreFactory): World {
  const settings = resolveSettings(scn.profile, scn.config);
  const network = new Network(streams, sampler(scn.network.latency), scn.network.loss);
  const transport = new Transport(engine, network, tracer);
  const nodes = new Map<string, SimNode>();
  const byIp = new Map<string, string>();
  const env: Env = {
    engine, tracer, streams, transport, settings, profile: scn.profile,
    nodeNameOfIp: (ip) => byIp.get(ip) ?? ip,
  };
  const add = (name: string, meta: Omit<SimNode, "node" | "startUs"> & { startUs?: number }, make: (n: Node) => Process) => {
    const node = new Node(engine, name, ipOf(nodes.size), make);
    nodes.set(name, { node, startUs: 0, ...meta });
    byIp.set(node.ip, name);
    transport.addNode(node);
  };

  const nsNames = Array.from({ length: scn.cluster.nameservers }, (_, i) => `ns-${i}`);
  for (const name of nsNames) add(name, { kind: "namesrv" }, (n) => new NameServer(n, env));
  const namesrvIps = nsNames.map((_, i) => ipOf(i));
  // failover: controller (5.3): one controller process, controller-0, right after the NameServers
  // (only when a group uses it, so other scenarios keep their IPs). Its events go to the trace:
  // election.start (term = the broker-set's masterEpoch before it), election.won, controller.syncStateSet.
  let controllerAddr: string | null = null;
  if (scn.cluster.brokers.some((g) => g.failover === "controller")) {
    controllerAddr = `${ipOf(nodes.size)}:${CONTROLLER_PORT}`;
    let proc: ControllerProcess | null = null;
    const onEvent = (e: ControllerEvent): void => {
      if (e.type === "election.start") {
        tracer.emit({ type: "election.start", node: e.node, term: proc?.replicaInfo(e.brokerName)?.masterEpoch ?? 0,
          brokerName: e.brokerName, reason: e.reason });
      } else if (e.type === "election.won") {
        tracer.emit({ type: "election.won", node: e.node, term: e.epoch, brokerName: e.brokerName, brokerId: e.brokerId, addr: e.addr });
      } else if (e.type === "controller.syncStateSet") {
        tracer.emit({ type: "controller.syncStateSet", node: e.node, brokerName: e.brokerName, members: e.members, epoch: e.epoch,
          masterBrokerId: e.masterBrokerId });
      }
    };
    add("controller-0", { kind: "controller" }, (n) => (proc = new ControllerProcess(n, { transport, onEvent, config: controllerConfig(settings) })));
  }

  for (const g of scn.cluster.brokers) {
    const topics = scn.topics.filter((t) => t.brokers.includes(g.name));
    // failover: dledger: members n0.. on the group's nodes, peers on ROCKETMQ_DLEDGER_PORT (the
    // group's nodes are added next, so their IPs follow the current node count).
    const first = nodes.size;
    const peers = g.failover === "dledger"
      ? Object.fromEntries(Array.from({ length: g.slaves + 1 }, (_, k) => [`n${k}`, `${ipOf(first + k)}:${ROCKETMQ_DLEDGER_PORT}`]))
      : null;
    for (let id = 0; id <= g.slaves; id++) {
      const spec = { clusterName: g.cluster, brokerName: g.name, brokerId: id, topics, namesrvIps, config: g.config,
        makeStore: (n: Node) => makeStore(n, g, env), ...(peers ? { dledger: { selfId: `n${id}`, peers } } : {}),
        ...(g.failover === "controller" && controllerAddr ? { controllerAddr } : {}) };
      add(`${g.name}-${id}`, { kind: "broker", cluster: g.cluster, brokerName: g.name, brokerId: id }, (n) => new Broker(n, env, spec));
    }
  }
  for (const g of scn.producers) {
    for (let i = 0; i < g.instances; i++) {
      add(`${g.group}-${i}`, { kind: "producer", group: g.group, startUs: g.startUs, stopUs: g.stopUs }, (n) => new Producer(n, env, g, namesrvIps));
    }
  }
  for (const g of scn.consumers) {
    for (let i = 0; i < g.instances; i++) {
      add(`${g.group}-${i}`, { kind: "consumer", group: g.group, startUs: g.startUs, stopUs: g.stopUs }, (n) => new Consumer(n, env, g, namesrvIps));
    }
  }
  return { env, network, nodes };
}

/**
 * Topology events, then every node starts, in build order, at t = 0 — clients
 * with a later `start` at that time, and those with a `stop` shut down then.
 */
export function startWorld(world: World, stop: (name: string) => void): void {
  const tracer = world.env.tracer;
  for (const [name, s] of world.nodes) {
    tracer.emit({
      type: "node.add", node: name, kind: s.kind, ip: s.node.ip,
      ...(s.group !== undefined ? { group: s.group } : {}),
      ...(s.cluster !== undefined ? { cluster: s.cluster } : {}),
      ...(s.brokerName !== undefined ? { brokerName: s.brokerName, brokerId: s.brokerId } : {}),
    });
  }
  const engine = world.env.engine;
  for (const [name, s] of world.nodes) {
    const up = () => {
      s.node.start();
      tracer.emit({ type: "node.up", node: name, incarnation: s.node.incarnation });
    };
    if (s.startUs > 0) engine.at(s.startUs, up);
    else up();
    if (s.stopUs !== undefined) engine.at(s.stopUs, () => stop(name));
  }
}

/** ControllerConfig from the scenario's `config.controller` (µs for durations). */
function controllerConfig(s: ReturnType<typeof resolveSettings>) {
  const c = s.controller as Record<string, number | boolean>;
  return {
    enableElectUncleanMaster: c.enableElectUncleanMaster as boolean,
    scanNotActiveBrokerIntervalUs: c.scanNotActiveBrokerInterval as number,
    notifyBrokerRoleChanged: c.notifyBrokerRoleChanged as boolean,
    electMasterMaxRetryCount: c.electMasterMaxRetryCount as number,
  };
}

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
import { MQClient } from "../client/mq-client.js";
import { NameServer } from "../namesrv/namesrv.js";
import { Transport } from "../remoting/channel.js";
import type { Env } from "../remoting/env.js";
import { Network } from "../remoting/network.js";
import type { Tracer } from "../trace/tracer.js";
import { resolveSettings } from "./defaults.js";
import type { Scenario } from "./types.js";

export type NodeKind = "namesrv" | "broker" | "producer" | "consumer";

export interface SimNode {
  node: Node;
  kind: NodeKind;
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

export function buildWorld(scn: Scenario, engine: Engine, streams: RandomStreams, tracer: Tracer): World {
  const settings = resolveSettings(scn.profile, scn.config);
  const network = new Network(streams, sampler(scn.network.latency), scn.network.loss);
  const transport = new Transport(engine, network, tracer);
  const nodes = new Map<string, SimNode>();
  const byIp = new Map<string, string>();
  const env: Env = {
    engine, tracer, streams, transport, settings, profile: scn.profile,
    nodeNameOfIp: (ip) => byIp.get(ip) ?? ip,
  };
  const add = (name: string, meta: Omit<SimNode, "node">, make: (n: Node) => Process) => {
    const node = new Node(engine, name, ipOf(nodes.size), make);
    nodes.set(name, { node, ...meta });
    byIp.set(node.ip, name);
    transport.addNode(node);
  };

  const nsNames = Array.from({ length: scn.cluster.nameservers }, (_, i) => `ns-${i}`);
  for (const name of nsNames) add(name, { kind: "namesrv" }, (n) => new NameServer(n, env));
  const namesrvIps = nsNames.map((_, i) => ipOf(i));

  for (const g of scn.cluster.brokers) {
    const topics = scn.topics.filter((t) => t.brokers.includes(g.name));
    for (let id = 0; id <= g.slaves; id++) {
      const spec = { clusterName: g.cluster, brokerName: g.name, brokerId: id, topics, namesrvIps };
      add(`${g.name}-${id}`, { kind: "broker", cluster: g.cluster, brokerName: g.name, brokerId: id }, (n) => new Broker(n, env, spec));
    }
  }
  for (const [kind, groups] of [["producer", scn.producers], ["consumer", scn.consumers]] as const) {
    for (const g of groups) {
      for (let i = 0; i < g.instances; i++) {
        const spec = { kind, group: g.group, topics: [g.topic], namesrvIps };
        add(`${g.group}-${i}`, { kind, group: g.group }, (n) => new MQClient(n, env, spec));
      }
    }
  }
  return { env, network, nodes };
}

/** Topology events, then every node starts, in build order, at t = 0. */
export function startWorld(world: World): void {
  const tracer = world.env.tracer;
  for (const [name, s] of world.nodes) {
    tracer.emit({
      type: "node.add", node: name, kind: s.kind, ip: s.node.ip,
      ...(s.group !== undefined ? { group: s.group } : {}),
      ...(s.cluster !== undefined ? { cluster: s.cluster } : {}),
      ...(s.brokerName !== undefined ? { brokerName: s.brokerName, brokerId: s.brokerId } : {}),
    });
  }
  for (const [name, s] of world.nodes) {
    s.node.start();
    tracer.emit({ type: "node.up", node: name, incarnation: s.node.incarnation });
  }
}

// A broker process: registration with every NameServer (broker/BrokerController
// #start, #registerBrokerAll; broker/out/BrokerOuterAPI), clean unregistration on
// shutdown, and the remoting server clients connect to.
//
// Registration: once at start, then at a fixed rate after 10 s with period
// max(10 s, min(registerNameServerPeriod, 60 s)). Each round sends REGISTER_BROKER
// to every NameServer in parallel, each with registerBrokerTimeoutMills.

import type { Node, Process } from "../core/node.js";
import { num, type Settings } from "../scenario/defaults.js";
import { NAMESRV_PORT, RequestCode, ResponseCode } from "../remoting/codes.js";
import type { Env } from "../remoting/env.js";
import { RemotingClient, RemotingServer, type Request, type Response } from "../remoting/rpc.js";
import type { DataVersion, TopicConfig } from "../namesrv/routeinfo.js";
import { initialTopicConfigs } from "./topic-config.js";

export interface BrokerSpec {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  topics: { name: string; readQueueNums: number; writeQueueNums: number; perm: number }[];
  namesrvIps: string[];
}

const REGISTER_FIRST_DELAY_US = 10_000_000;
const UNREGISTER_TIMEOUT_US = 3_000_000; // BrokerOuterAPI#unregisterBroker invokeSync(…, 3000)

export class Broker implements Process {
  readonly addr: string;
  readonly haAddr: string;
  private topicConfigs: TopicConfig[];
  private client!: RemotingClient;
  private server!: RemotingServer;
  /** From the last registration answer (slaves): where the master is. */
  masterAddr: string | null = null;

  constructor(private readonly node: Node, private readonly env: Env, readonly spec: BrokerSpec) {
    const s = env.settings;
    this.addr = `${node.ip}:${num(s, "broker", "listenPort")}`;
    this.haAddr = `${node.ip}:${num(s, "broker", "haListenPort")}`;
    this.topicConfigs = initialTopicConfigs({
      clusterName: spec.clusterName, brokerName: spec.brokerName,
      autoCreateTopicEnable: s.broker.autoCreateTopicEnable as boolean, defaultTopicQueueNums: 8, topics: spec.topics,
    });
  }

  start(): void {
    const s = this.env.settings;
    this.client = new RemotingClient(this.node, this.env.transport, clientOptions(s));
    this.server = new RemotingServer(this.node, this.env.transport, num(s, "broker", "listenPort"),
      num(s, "broker", "serverChannelMaxIdleTimeSeconds"), { onRequest: (_ch, req, reply) => reply(this.handle(req)) });
    this.registerBrokerAll();
    const periodUs = Math.max(10_000_000, Math.min(num(s, "broker", "registerNameServerPeriod"), 60_000_000));
    this.node.every(periodUs, () => this.registerBrokerAll(), REGISTER_FIRST_DELAY_US, "rate");
  }

  /** The topic config's data version lives on disk (topics.json), so it survives restarts. */
  private get dataVersion(): DataVersion {
    let v = this.node.disk.get("dataVersion") as DataVersion | undefined;
    if (!v) {
      v = { timestamp: Math.floor(this.env.engine.nowUs / 1000), counter: 0 };
      this.node.disk.set("dataVersion", v);
    }
    return v;
  }

  private handle(req: Request): Response {
    switch (req.code) {
      case RequestCode.HEART_BEAT:
      case RequestCode.UNREGISTER_CLIENT:
        return { code: ResponseCode.SUCCESS };
      default:
        return { code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED };
    }
  }

  private registerBrokerAll(): void {
    const timeoutUs = num(this.env.settings, "broker", "registerBrokerTimeoutMills");
    const req: Request = {
      code: RequestCode.REGISTER_BROKER, clusterName: this.spec.clusterName, brokerAddr: this.addr,
      brokerName: this.spec.brokerName, brokerId: this.spec.brokerId, haServerAddr: this.haAddr,
      topicConfigs: this.topicConfigs.map((t) => ({ ...t })), dataVersion: { ...this.dataVersion },
    };
    for (const ip of this.spec.namesrvIps) {
      this.client.invoke(`${ip}:${NAMESRV_PORT}`, req, timeoutUs, (err, resp) => {
        if (!err && resp?.code === ResponseCode.SUCCESS && this.spec.brokerId !== 0) {
          this.masterAddr = (resp.masterAddr as string | null) ?? this.masterAddr;
        }
      });
    }
  }

  /** Clean shutdown: UNREGISTER_BROKER to each NameServer in turn, then `done`. */
  shutdown(done: () => void): void {
    const ips = [...this.spec.namesrvIps];
    const next = (): void => {
      const ip = ips.shift();
      if (ip === undefined) { done(); return; }
      this.client.invoke(`${ip}:${NAMESRV_PORT}`, {
        code: RequestCode.UNREGISTER_BROKER, clusterName: this.spec.clusterName, brokerAddr: this.addr,
        brokerName: this.spec.brokerName, brokerId: this.spec.brokerId,
      }, UNREGISTER_TIMEOUT_US, () => next());
    };
    next();
  }
}

export function clientOptions(s: Settings) {
  return {
    connectTimeoutUs: num(s, "client", "connectTimeoutMillis"),
    closeSocketIfTimeout: s.client.clientCloseSocketIfTimeout as boolean,
    idleUs: num(s, "client", "clientChannelMaxIdleTimeSeconds"),
  };
}

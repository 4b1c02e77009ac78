// The part of a producer or consumer instance that every client has:
// MQClientInstance (client/impl/factory/MQClientInstance.java) — one NameServer
// connection, route polling, heartbeats to brokers — and its trace of what the
// client believes the route is.
//
// Periodic tasks (MQClientInstance#startScheduledTask, fixed rate, one thread):
// route poll every pollNameServerInterval (first after 10 ms); cleanOfflineBroker
// + heartbeat to brokers every heartbeatBrokerInterval (first after 1 s).
// A TOPIC_NOT_EXIST answer throws inside RocketMQ and the cached route is kept:
// we record the answer in the trace and keep the cached route too.

import type { Node } from "../core/node.js";
import { num } from "../scenario/defaults.js";
import { RequestCode, ResponseCode } from "../remoting/codes.js";
import type { Env } from "../remoting/env.js";
import { RemotingClient } from "../remoting/rpc.js";
import { clientOptions } from "../remoting/client-options.js";
import type { TopicRouteData } from "../namesrv/routeinfo.js";
import { NAMESRV_PORT } from "../remoting/codes.js";
import { NameServerPicker } from "./namesrv-picker.js";
import { publishBrokers, routeKey, subscribeBrokers } from "./route.js";
import { SerialExecutor } from "./serial-executor.js";

export interface ClientSpec {
  kind: "producer" | "consumer";
  group: string;
  topics: string[];
  namesrvIps: string[];
  /** Per-group overrides of client settings (µs for durations). */
  config?: Record<string, number | boolean | string>;
}

/** What the producer or consumer built on this instance adds to it. */
export interface ClientHooks {
  /** A topic's route changed (after the trace event). */
  onRouteChanged?(topic: string, route: TopicRouteData): void;
  /** Extra heartbeat payload (consumer data). */
  heartbeatData?(): Record<string, unknown>;
  /** A request a broker sent us (NOTIFY_CONSUMER_IDS_CHANGED). */
  onBrokerRequest?(code: number, req: Record<string, unknown>): void;
}

const POLL_FIRST_DELAY_US = 10_000;
const HEARTBEAT_FIRST_DELAY_US = 1_000_000;

export class MQClient {
  readonly clientId: string;
  readonly routes = new Map<string, TopicRouteData>();
  hooks: ClientHooks = {};
  /** What the trace last said about each topic ("" = nothing yet, "!" = TOPIC_NOT_EXIST). */
  private reported = new Map<string, string>();
  remoting!: RemotingClient;
  private picker!: NameServerPicker;
  private readonly executor = new SerialExecutor();
  private readonly settingCache = new Map<string, number>();

  constructor(private readonly node: Node, private readonly env: Env, readonly spec: ClientSpec) {
    const rng = env.streams.get(`client-id/${node.name}`);
    // ClientConfig#buildMQClientId with instanceName "DEFAULT" -> pid#nanoTime.
    const pid = 1000 + rng.int(60000);
    const nanos = 1_000_000_000_000 + rng.int(9_000_000_000_000);
    this.clientId = `${node.ip}@${pid}#${nanos}`;
  }

  /** A client setting: the group's override, else the scenario's resolved value. */
  setting(key: string): number {
    // Memoised: settings are fixed once the scenario is loaded, and sends and pulls
    // ask several per message.
    let v = this.settingCache.get(key);
    if (v === undefined) {
      v = (this.spec.config?.[key] as number | undefined) ?? num(this.env.settings, "client", key);
      this.settingCache.set(key, v);
    }
    return v;
  }

  flag(key: string): boolean {
    return (this.spec.config?.[key] ?? (this.env.settings.client as Record<string, unknown>)[key]) as boolean;
  }

  start(): void {
    const s = this.env.settings;
    this.remoting = new RemotingClient(this.node, this.env.transport, clientOptions(s, this.env.profile));
    this.remoting.onServerRequest = (_ch, req) => { this.hooks.onBrokerRequest?.(req.code, req); return null; };
    this.picker = new NameServerPicker(this.remoting, this.spec.namesrvIps.map((ip) => `${ip}:${NAMESRV_PORT}`),
      this.env.streams.get(`namesrv-pick/${this.node.name}`), this.env.profile,
      (addr) => this.env.tracer.emit({ type: "client.namesrv", node: this.node.name, namesrv: this.env.nodeNameOfIp(addr.split(":")[0]) }));
    this.node.every(num(s, "client", "pollNameServerInterval"),
      () => this.executor.submit("route", (done) => this.updateRoutes(done)), POLL_FIRST_DELAY_US, "rate");
    this.node.every(num(s, "client", "heartbeatBrokerInterval"),
      () => this.executor.submit("heartbeat", (done) => this.heartbeatAll(done)), HEARTBEAT_FIRST_DELAY_US, "rate");
  }

  /** updateTopicRouteInfoFromNameServer(topic) for one topic, now (e.g. before a first send). */
  updateRoute(topic: string, done: () => void): void {
    this.queryRoutes([topic], done);
  }

  /** sendHeartbeatToAllBrokerWithLock, now (consumer start, subscription change). */
  heartbeatNow(done: () => void = () => {}): void {
    this.executor.submit("heartbeat-now", (d) => this.heartbeatAll(() => { d(); done(); }));
  }

  /** updateTopicRouteInfoFromNameServer() for every topic, one after another. */
  private updateRoutes(done: () => void): void {
    this.queryRoutes([...this.spec.topics], done);
  }

  /**
   * updateTopicRouteInfoFromNameServer(topic, isDefault=true): borrow TBW102's
   * route, with min(defaultTopicQueueNums, readQueueNums) queues per broker, so a
   * first send can reach a broker that auto-creates the topic.
   */
  updateRouteDefault(topic: string, defaultTopicQueueNums: number, done: () => void): void {
    const timeoutUs = this.setting("mqClientApiTimeout");
    this.picker.invoke({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, topic: "TBW102" }, timeoutUs, (err, resp) => {
      const route = resp?.route as TopicRouteData | undefined;
      if (!err && resp?.code === ResponseCode.SUCCESS && route) {
        const borrowed: TopicRouteData = {
          queueDatas: route.queueDatas.map((q) => {
            const n = Math.min(defaultTopicQueueNums, q.readQueueNums);
            return { ...q, readQueueNums: n, writeQueueNums: n };
          }),
          brokerDatas: route.brokerDatas,
        };
        this.onRouteAnswer(topic, ResponseCode.SUCCESS, borrowed);
      }
      done();
    }, () => this.env.engine.nowUs);
  }

  private queryRoutes(topics: string[], done: () => void): void {
    const timeoutUs = this.setting("mqClientApiTimeout");
    const next = (): void => {
      const topic = topics.shift();
      if (topic === undefined) { done(); return; }
      this.picker.invoke({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, topic }, timeoutUs, (err, resp) => {
        if (!err && resp) this.onRouteAnswer(topic, resp.code, resp.route as TopicRouteData | undefined);
        next();
      }, () => this.env.engine.nowUs);
    };
    next();
  }

  private onRouteAnswer(topic: string, code: number, route: TopicRouteData | undefined): void {
    if (code === ResponseCode.TOPIC_NOT_EXIST) {
      if (this.reported.get(topic) !== "!") {
        this.reported.set(topic, "!");
        this.env.tracer.emit({ type: "client.route", node: this.node.name, topic, error: "TOPIC_NOT_EXIST" });
      }
      return;
    }
    if (code !== ResponseCode.SUCCESS || !route) return;
    const key = routeKey(route);
    const old = this.routes.get(topic);
    this.routes.set(topic, route);
    if (old && routeKey(old) === key && this.reported.get(topic) === key) return;
    this.reported.set(topic, key);
    this.emitRoute(topic, route);
    this.hooks.onRouteChanged?.(topic, route);
  }

  private emitRoute(topic: string, route: TopicRouteData): void {
    this.env.tracer.emit({
      type: "client.route", node: this.node.name, topic,
      brokers: route.queueDatas.map((q) => ({
        brokerName: q.brokerName,
        brokerAddrs: route.brokerDatas.find((b) => b.brokerName === q.brokerName)?.brokerAddrs ?? {},
        readQueueNums: q.readQueueNums, writeQueueNums: q.writeQueueNums, perm: q.perm,
      })),
      publish: publishBrokers(route), subscribe: subscribeBrokers(route),
    });
  }

  /** findBrokerAddressInPublish: the master's address, or null. */
  masterAddr(brokerName: string): string | null {
    for (const route of this.routes.values()) {
      const bd = route.brokerDatas.find((b) => b.brokerName === brokerName);
      if (bd?.brokerAddrs["0"] !== undefined) return bd.brokerAddrs["0"];
    }
    return null;
  }

  /** findBrokerAddressInSubscribe(brokerName, 0, false): master, else any address of the group. */
  subscribeAddr(brokerName: string): string | null {
    for (const route of this.routes.values()) {
      const bd = route.brokerDatas.find((b) => b.brokerName === brokerName);
      if (!bd) continue;
      if (bd.brokerAddrs["0"] !== undefined) return bd.brokerAddrs["0"];
      const ids = Object.keys(bd.brokerAddrs);
      if (ids.length) return bd.brokerAddrs[ids[0]];
    }
    return null;
  }

  /** Broker addresses to heartbeat: producers only masters, consumers every address. */
  private heartbeatTargets(): string[] {
    const addrs = new Set<string>();
    for (const route of this.routes.values()) {
      for (const bd of route.brokerDatas) {
        for (const [id, addr] of Object.entries(bd.brokerAddrs)) {
          if (this.spec.kind === "consumer" || id === "0") addrs.add(addr);
        }
      }
    }
    return [...addrs];
  }

  /** cleanOfflineBroker + sendHeartbeatToAllBroker (sequential invokeSync). */
  private heartbeatAll(done: () => void): void {
    const targets = this.heartbeatTargets();
    const timeoutUs = num(this.env.settings, "client", "mqClientApiTimeout");
    const next = (): void => {
      const addr = targets.shift();
      if (addr === undefined) { done(); return; }
      this.remoting.invoke(addr, {
        code: RequestCode.HEART_BEAT, clientId: this.clientId, group: this.spec.group, kind: this.spec.kind,
        ...this.hooks.heartbeatData?.(),
      }, timeoutUs, () => next());
    };
    next();
  }
}

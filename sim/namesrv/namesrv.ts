// A NameServer process (namesrv/NamesrvController + DefaultRequestProcessor +
// BrokerHousekeepingService + RouteInfoManager's scan).
//
// Liveness has two independent paths, both modelled (reference §1.3, §6.1):
// - channel events: a broker channel that closes, resets or goes idle (Netty's
//   all-idle, 120 s) unregisters that broker at once;
// - the scan: every scanNotActiveBrokerInterval (first after 5 s; 4.9: every
//   10 s, 5.x: every 5 s) removes brokers whose last registration is older than
//   brokerChannelExpiredTime (120 s) and closes their channels.
// NameServers never talk to each other: each holds its own copy of the routes.

import type { Node, Process } from "../core/node.js";
import { num } from "../scenario/defaults.js";
import type { Channel } from "../remoting/channel.js";
import { NAMESRV_PORT, RequestCode, ResponseCode } from "../remoting/codes.js";
import type { Env } from "../remoting/env.js";
import { RemotingServer, type Request, type Response } from "../remoting/rpc.js";
import * as ri from "./routeinfo.js";

type UnregisterReason = "expired" | "channel-closed" | "idle" | "shutdown";

export class NameServer implements Process {
  readonly tables = ri.emptyTables();
  private server!: RemotingServer;
  private readonly expiryUs: number;

  constructor(private readonly node: Node, private readonly env: Env) {
    this.expiryUs = num(env.settings, "namesrv", "brokerChannelExpiredTime");
  }

  start(): void {
    const s = this.env.settings;
    this.server = new RemotingServer(this.node, this.env.transport, NAMESRV_PORT, num(s, "namesrv", "serverChannelMaxIdleTimeSeconds"), {
      onRequest: (ch, req, reply) => reply(this.handle(ch, req)),
      onChannelEvent: (ch, ev) => this.onChannelDestroy(ch, ev === "idle" ? "idle" : "channel-closed"),
    });
    this.node.every(num(s, "namesrv", "scanNotActiveBrokerInterval"), () => this.scanNotActiveBroker(),
      num(s, "namesrv", "scanNotActiveBrokerInitialDelay"), "rate");
  }

  private handle(ch: Channel, req: Request): Response {
    switch (req.code) {
      case RequestCode.REGISTER_BROKER: return this.registerBroker(ch, req);
      case RequestCode.UNREGISTER_BROKER: {
        const { clusterName, brokerAddr, brokerName, brokerId } = req as unknown as ri.RegisterRequest;
        const r = ri.unregisterBroker(this.tables, clusterName, brokerAddr, brokerName, brokerId);
        this.report(r, "shutdown");
        return { code: ResponseCode.SUCCESS };
      }
      case RequestCode.GET_ROUTEINFO_BY_TOPIC: {
        const route = ri.pickupTopicRouteData(this.tables, req.topic as string);
        if (!route) return { code: ResponseCode.TOPIC_NOT_EXIST, remark: `No topic route info in name server for the topic: ${req.topic}` };
        return { code: ResponseCode.SUCCESS, route };
      }
      default:
        return { code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED };
    }
  }

  private registerBroker(ch: Channel, req: Request): Response {
    const r = { ...(req as unknown as ri.RegisterRequest), channelId: ch.id };
    const res = ri.registerBroker(this.tables, r, this.env.engine.nowUs, this.expiryUs);
    if (res.refused) return { code: ResponseCode.SUCCESS, masterAddr: null, haServerAddr: null }; // 5.x: logged, answered empty
    const nodeOf = (addr: string) => this.env.nodeNameOfIp(addr.split(":")[0]);
    this.env.tracer.emit({
      type: "ns.register", node: this.node.name, broker: nodeOf(r.brokerAddr),
      brokerName: r.brokerName, brokerId: r.brokerId, cluster: r.clusterName, first: res.first,
      ...(res.replaced !== null ? { replaced: nodeOf(res.replaced) } : {}),
    });
    return { code: ResponseCode.SUCCESS, masterAddr: res.masterAddr, haServerAddr: res.haServerAddr };
  }

  /** BrokerHousekeepingService: CLOSE / EXCEPTION / IDLE all destroy the channel's broker. */
  private onChannelDestroy(ch: Channel, reason: UnregisterReason): void {
    const addr = ri.addrOfChannel(this.tables, ch.id);
    if (addr === null) return; // a client's channel, or a broker that re-registered on a new one
    this.report(ri.removeBrokerAddr(this.tables, addr), reason);
  }

  private scanNotActiveBroker(): void {
    for (const addr of ri.expiredBrokers(this.tables, this.env.engine.nowUs)) {
      const live = this.tables.brokerLiveTable.get(addr)!;
      for (const ch of this.server.channels) if (ch.id === live.channelId) { this.server.close(ch); break; }
      this.report(ri.removeBrokerAddr(this.tables, addr), "expired");
    }
  }

  private report(r: { removed: ri.Removed[]; deletedTopics: string[] }, reason: UnregisterReason): void {
    for (const x of r.removed) {
      this.env.tracer.emit({
        type: "ns.unregister", node: this.node.name, broker: this.env.nodeNameOfIp(x.brokerAddr.split(":")[0]),
        brokerName: x.brokerName, brokerId: x.brokerId, reason,
      });
    }
    for (const topic of r.deletedTopics) this.env.tracer.emit({ type: "ns.topic.delete", node: this.node.name, topic });
  }
}

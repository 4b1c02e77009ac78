// BrokerOuterAPI: the broker's calls to every NameServer. REGISTER_BROKER goes to all
// of them at once (registerBrokerAll, oneway-free invokeSync per NameServer with
// registerBrokerTimeoutMills); the first successful answer, once every NameServer has
// answered or timed out (registerBrokerResultList.get(0)), tells a slave its master.
// UNREGISTER_BROKER goes to one NameServer after the other at a clean shutdown.

import { NAMESRV_PORT, RequestCode, ResponseCode } from "../remoting/codes.js";
import type { RemotingClient, Request, Response } from "../remoting/rpc.js";
import type { DataVersion, TopicConfig } from "../namesrv/routeinfo.js";

const UNREGISTER_TIMEOUT_US = 3_000_000; // BrokerOuterAPI#unregisterBroker invokeSync(…, 3000)

export interface BrokerIdentity {
  clusterName: string;
  brokerName: string;
  brokerAddr: string;
  haServerAddr: string;
  namesrvIps: string[];
}

/** `onFirstAnswer` null: oneway (invokeOneway to each NameServer, no answer awaited). */
export function registerBrokerAll(client: RemotingClient, who: BrokerIdentity, brokerId: number, timeoutUs: number,
  topics: { configs: TopicConfig[]; dataVersion: DataVersion }, onFirstAnswer: ((r: Response) => void) | null): void {
  const req: Request = {
    code: RequestCode.REGISTER_BROKER, clusterName: who.clusterName, brokerAddr: who.brokerAddr,
    brokerName: who.brokerName, brokerId, haServerAddr: who.haServerAddr,
    topicConfigs: topics.configs, dataVersion: { ...topics.dataVersion },
  };
  if (onFirstAnswer === null) {
    for (const ip of who.namesrvIps) client.oneway(`${ip}:${NAMESRV_PORT}`, req);
    return;
  }
  let pending = who.namesrvIps.length;
  let first: Response | null = null;
  for (const ip of who.namesrvIps) {
    client.invoke(`${ip}:${NAMESRV_PORT}`, req, timeoutUs, (err, resp) => {
      if (!err && resp?.code === ResponseCode.SUCCESS && first === null) first = resp;
      if (--pending > 0 || first === null) return;
      onFirstAnswer!(first);
    });
  }
}

export function unregisterBrokerAll(client: RemotingClient, who: BrokerIdentity, brokerId: number, done: () => void): void {
  const ips = [...who.namesrvIps];
  const next = (): void => {
    const ip = ips.shift();
    if (ip === undefined) { done(); return; }
    client.invoke(`${ip}:${NAMESRV_PORT}`, {
      code: RequestCode.UNREGISTER_BROKER, clusterName: who.clusterName, brokerAddr: who.brokerAddr,
      brokerName: who.brokerName, brokerId,
    }, UNREGISTER_TIMEOUT_US, () => next());
  };
  next();
}

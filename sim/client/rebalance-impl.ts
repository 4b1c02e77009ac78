// One consumer's rebalance (client/impl/consumer/RebalanceImpl#rebalanceByTopic,
// #updateProcessQueueTableInRebalance, RebalancePushImpl#computePullFromWhere,
// RebalanceService).
//
// Uncoordinated, as in RocketMQ: each consumer fetches the group's consumer ids
// from ONE broker of the route (a random one), sorts queues and ids, and runs
// the strategy on its own view. Views differ while heartbeats spread, so
// transient double assignment and unowned queues happen — and show in the trace.
// Runs every rebalanceWaitInterval (20 s, a wait loop that a notification ends
// early) and on NOTIFY_CONSUMER_IDS_CHANGED.

import type { Rng } from "../core/random.js";
import { RequestCode, ResponseCode } from "../remoting/codes.js";
import type { ConsumerGroupSpec } from "../scenario/types.js";
import { compareMessageQueue, sortJavaStrings, type MessageQueue } from "./message-queue.js";
import type { MQClient } from "./mq-client.js";
import { strategies } from "./rebalance/index.js";
import { subscribeQueues } from "./route.js";

export interface RebalanceHost {
  client: MQClient;
  spec: ConsumerGroupSpec;
  rng: Rng;
  /** Drop the topic's queues no longer ours, start pulling new ones (after computing offsets). */
  apply(topic: string, mine: MessageQueue[], done: () => void): void;
}

/** RebalanceImpl#doRebalance: every subscribed topic in turn (the group's topic, then its %RETRY% topic). */
export function doRebalance(host: RebalanceHost, topics: string[], done: () => void): void {
  const next = (i: number): void => {
    if (i >= topics.length) { done(); return; }
    rebalanceByTopic(host, topics[i], () => next(i + 1));
  };
  next(0);
}

export function rebalanceByTopic(host: RebalanceHost, topic: string, done: () => void): void {
  const { client, spec } = host;
  const route = client.routes.get(topic);
  if (!route) { done(); return; }
  const mqAll: MessageQueue[] = subscribeQueues(topic, route).sort(compareMessageQueue);
  if (spec.messageModel === "BROADCASTING") { host.apply(topic, mqAll, done); return; }
  if (mqAll.length === 0) { host.apply(topic, [], done); return; }
  // findBrokerAddrByTopic: a random broker group of the route, its master else any address.
  const bd = route.brokerDatas[host.rng.int(route.brokerDatas.length)];
  const ids = Object.keys(bd.brokerAddrs);
  if (ids.length === 0) { done(); return; }
  const addr = bd.brokerAddrs["0"] ?? bd.brokerAddrs[ids[host.rng.int(ids.length)]];
  client.remoting.invoke(addr, { code: RequestCode.GET_CONSUMER_LIST_BY_GROUP, group: spec.group }, client.setting("mqClientApiTimeout"),
    (err, resp) => {
      const list = resp?.consumerIdList as string[] | undefined;
      if (err || resp?.code !== ResponseCode.SUCCESS || !list || list.length === 0) { done(); return; }
      const cidAll = sortJavaStrings([...list]);
      let mine: MessageQueue[];
      try {
        mine = strategyOf(spec).allocate(spec.group, client.clientId, mqAll, cidAll);
      } catch {
        mine = [];
      }
      host.apply(topic, mine, done);
    });
}

function strategyOf(spec: ConsumerGroupSpec) {
  const o = spec.allocateOptions;
  return strategies[spec.allocateStrategy]({
    virtualNodes: o.virtualNodes, rooms: o.rooms,
    config: o.queues?.map((q) => ({ topic: spec.topic, brokerName: q.brokerName, queueId: q.queueId })),
  });
}

// A client's derived views of a topic route (client/impl/factory/MQClientInstance
// #topicRouteData2TopicPublishInfo, #topicRouteData2TopicSubscribeInfo).

import { Perm } from "../remoting/codes.js";
import type { TopicRouteData } from "../namesrv/routeinfo.js";

/** brokerNames a producer can send to: writable queue data whose group has a master (id 0). */
export function publishBrokers(route: TopicRouteData): string[] {
  const out: string[] = [];
  for (const q of route.queueDatas) {
    if ((q.perm & Perm.WRITE) === 0) continue;
    const bd = route.brokerDatas.find((b) => b.brokerName === q.brokerName);
    if (bd && bd.brokerAddrs["0"] !== undefined && q.writeQueueNums > 0) out.push(q.brokerName);
  }
  return out;
}

/** brokerNames a consumer can read from: readable queue data (no master needed). */
export function subscribeBrokers(route: TopicRouteData): string[] {
  return route.queueDatas.filter((q) => (q.perm & Perm.READ) !== 0 && q.readQueueNums > 0).map((q) => q.brokerName);
}

/** TopicRouteData.topicRouteDataChanged: both sides are already sorted by brokerName. */
export function routeKey(route: TopicRouteData | null): string {
  return route === null ? "" : JSON.stringify(route);
}

/** topicRouteData2TopicPublishInfo: queues of writable groups with a master, brokerName then queueId order. */
export function publishQueues(route: TopicRouteData): { brokerName: string; queueId: number }[] {
  const out: { brokerName: string; queueId: number }[] = [];
  for (const name of publishBrokers(route)) {
    const q = route.queueDatas.find((x) => x.brokerName === name)!;
    for (let i = 0; i < q.writeQueueNums; i++) out.push({ brokerName: name, queueId: i });
  }
  return out;
}

/** topicRouteData2TopicSubscribeInfo: every readable queue. */
export function subscribeQueues(topic: string, route: TopicRouteData): { topic: string; brokerName: string; queueId: number }[] {
  const out: { topic: string; brokerName: string; queueId: number }[] = [];
  for (const name of subscribeBrokers(route)) {
    const q = route.queueDatas.find((x) => x.brokerName === name)!;
    for (let i = 0; i < q.readQueueNums; i++) out.push({ topic, brokerName: name, queueId: i });
  }
  return out;
}

/** MQClientInstance#findBrokerAddressInSubscribe(brokerName, brokerId, onlyThisBroker = false) over every cached route. */
export function findBrokerAddressInSubscribe(routes: Map<string, TopicRouteData>, brokerName: string, brokerId: number):
  { addr: string; brokerId: number } | null {
  // Plain loops, no closure or id list per call: every pull asks this.
  for (const route of routes.values()) {
    let addrs: (typeof route.brokerDatas)[number]["brokerAddrs"] | undefined;
    for (const b of route.brokerDatas) if (b.brokerName === brokerName) { addrs = b.brokerAddrs; break; }
    if (!addrs) continue;
    // The asked id; for a slave id also brokerId + 1 (MQClientInstance#findBrokerAddressInSubscribe).
    if (addrs[brokerId] !== undefined) return { addr: addrs[brokerId], brokerId };
    if (brokerId !== 0 && addrs[brokerId + 1] !== undefined) return { addr: addrs[brokerId + 1], brokerId: brokerId + 1 };
    const ids = Object.keys(addrs); // HashMap<Long, String> iterates small ids in ascending order
    if (ids.length) return { addr: addrs[ids[0]], brokerId: Number(ids[0]) };
  }
  return null;
}

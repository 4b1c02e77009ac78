// The NameServer's route tables and the operations on them, after RocketMQ's
// RouteInfoManager (namesrv/.../routeinfo/RouteInfoManager.java, 4.9.8 and 5.x).
// Plain data and functions: no timers, no network; namesrv.ts drives them.
//
// Differences kept from the source on purpose:
// - only the master (brokerId 0) shapes topic queue data (4.x; 5.x "prime slave"
//   acting-master registration is not modelled);
// - topics are never removed by a re-registration that omits them
//   (deleteTopicWithBrokerRegistration=false);
// - when a brokerName loses its last address, its QueueData leaves every topic,
//   and a topic left with none is deleted (clients then get TOPIC_NOT_EXIST).

export interface QueueData { brokerName: string; readQueueNums: number; writeQueueNums: number; perm: number; topicSysFlag: number }
export interface TopicConfig { topicName: string; readQueueNums: number; writeQueueNums: number; perm: number; topicSysFlag: number }
/** stateVersion: 5.x only, set by Controller-mode brokers to their masterEpoch (DataVersion#nextVersion(stateVersion)). */
export interface DataVersion { timestamp: number; counter: number; stateVersion?: number }
export interface BrokerData { cluster: string; brokerName: string; brokerAddrs: Map<number, string> }
export interface BrokerLiveInfo { lastUpdateUs: number; timeoutUs: number; dataVersion: DataVersion; channelId: number; haServerAddr: string }

export interface RouteTables {
  topicQueueTable: Map<string, Map<string, QueueData>>;
  brokerAddrTable: Map<string, BrokerData>;
  clusterAddrTable: Map<string, Set<string>>;
  brokerLiveTable: Map<string, BrokerLiveInfo>; // key: brokerAddr
}

export interface TopicRouteData {
  queueDatas: QueueData[]; // sorted by brokerName (the client sorts them too)
  brokerDatas: { cluster: string; brokerName: string; brokerAddrs: Record<string, string> }[];
}

export interface RegisterRequest {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  topicConfigs: TopicConfig[];
  dataVersion: DataVersion;
  channelId: number;
}

/** An address removed from a brokerName's address table (for the trace). */
export interface Removed { brokerAddr: string; brokerName: string; brokerId: number }

export function emptyTables(): RouteTables {
  return { topicQueueTable: new Map(), brokerAddrTable: new Map(), clusterAddrTable: new Map(), brokerLiveTable: new Map() };
}

/**
/**
 * RouteInfoManager.registerBroker (4.9.8). Returns whether this address is new for its id, and
 * the other address this id held until now, if any. brokerAddrs is keyed by brokerId and put()
 * unconditionally (4.9.8 only logs "master address change from {} to {}"), so two live brokers
 * registering the same brokerName and id — a split brain after a manual promotion — overwrite
 * each other at every registration; the loser's address leaves the route but keeps its
 * brokerLiveTable entry (and its channel), so nothing expires it.
 * 5.x adds one refusal (only Controller-mode brokers send a stateVersion, so nothing else is
 * affected): another address holding this brokerId with a higher stateVersion (masterEpoch)
 * keeps it, and the registering address leaves the live table — an old master that returns
 * from a partition cannot take brokerId 0 back from the one the controller elected.
 */
export function registerBroker(t: RouteTables, r: RegisterRequest, nowUs: number, expiryUs: number):
    { first: boolean; replaced: string | null; masterAddr: string | null; haServerAddr: string | null; refused?: boolean } {
  let names = t.clusterAddrTable.get(r.clusterName);
  if (!names) { names = new Set(); t.clusterAddrTable.set(r.clusterName, names); }
  names.add(r.brokerName);
  let registerFirst = false;
  let bd = t.brokerAddrTable.get(r.brokerName);
  if (!bd) {
    registerFirst = true;
    bd = { cluster: r.clusterName, brokerName: r.brokerName, brokerAddrs: new Map() };
    t.brokerAddrTable.set(r.brokerName, bd);
  }
  // A slave switched to master: the same ip:port keeps a single entry.
  for (const [id, addr] of [...bd.brokerAddrs]) if (addr === r.brokerAddr && id !== r.brokerId) bd.brokerAddrs.delete(id);
  const oldAddr = bd.brokerAddrs.get(r.brokerId);
  if (oldAddr !== undefined && oldAddr !== r.brokerAddr) {
    const old = t.brokerLiveTable.get(oldAddr);
    if (old && (old.dataVersion.stateVersion ?? 0) > (r.dataVersion.stateVersion ?? 0)) {
      t.brokerLiveTable.delete(r.brokerAddr);
      return { first: false, replaced: null, masterAddr: null, haServerAddr: null, refused: true };
    }
  }
  bd.brokerAddrs.set(r.brokerId, r.brokerAddr);
  registerFirst = registerFirst || oldAddr === undefined;
  if (r.brokerId === 0) {
    const prev = t.brokerLiveTable.get(r.brokerAddr);
    const changed = !prev || prev.dataVersion.timestamp !== r.dataVersion.timestamp || prev.dataVersion.counter !== r.dataVersion.counter;
    if (changed || registerFirst) for (const tc of r.topicConfigs) createAndUpdateQueueData(t, r.brokerName, tc);
  }
  t.brokerLiveTable.set(r.brokerAddr, {
    lastUpdateUs: nowUs, timeoutUs: expiryUs, dataVersion: { ...r.dataVersion }, channelId: r.channelId, haServerAddr: r.haServerAddr,
  });
  let masterAddr: string | null = null, haServerAddr: string | null = null;
  if (r.brokerId !== 0) {
    const m = bd.brokerAddrs.get(0);
    const live = m !== undefined ? t.brokerLiveTable.get(m) : undefined;
    if (m !== undefined && live) { masterAddr = m; haServerAddr = live.haServerAddr; }
  }
  const replaced = oldAddr !== undefined && oldAddr !== r.brokerAddr ? oldAddr : null;
  return { first: registerFirst, replaced, masterAddr, haServerAddr };
}

function createAndUpdateQueueData(t: RouteTables, brokerName: string, tc: TopicConfig): void {
  let m = t.topicQueueTable.get(tc.topicName);
  if (!m) { m = new Map(); t.topicQueueTable.set(tc.topicName, m); }
  m.set(brokerName, { brokerName, readQueueNums: tc.readQueueNums, writeQueueNums: tc.writeQueueNums, perm: tc.perm, topicSysFlag: tc.topicSysFlag });
}

/** UNREGISTER_BROKER (a broker shutting down cleanly). */
export function unregisterBroker(t: RouteTables, clusterName: string, brokerAddr: string, brokerName: string, brokerId: number):
    { removed: Removed[]; deletedTopics: string[] } {
  t.brokerLiveTable.delete(brokerAddr);
  const bd = t.brokerAddrTable.get(brokerName);
  const removed: Removed[] = [];
  let removeName = false;
  if (bd) {
    const addr = bd.brokerAddrs.get(brokerId);
    if (addr !== undefined) { bd.brokerAddrs.delete(brokerId); removed.push({ brokerAddr: addr, brokerName, brokerId }); }
    if (bd.brokerAddrs.size === 0) { t.brokerAddrTable.delete(brokerName); removeName = true; }
  }
  let deletedTopics: string[] = [];
  if (removeName) {
    const names = t.clusterAddrTable.get(clusterName);
    if (names) { names.delete(brokerName); if (names.size === 0) t.clusterAddrTable.delete(clusterName); }
    deletedTopics = removeTopicByBrokerName(t, brokerName);
  }
  return { removed, deletedTopics };
}

/**
 * onChannelDestroy / the scan's removal: drop the live entry and every address
 * entry equal to `brokerAddr`; a brokerName with no address left leaves all topics.
 */
export function removeBrokerAddr(t: RouteTables, brokerAddr: string): { removed: Removed[]; deletedTopics: string[] } {
  t.brokerLiveTable.delete(brokerAddr);
  const removed: Removed[] = [];
  let nameFound: string | null = null;
  let removeName = false;
  for (const [name, bd] of [...t.brokerAddrTable]) {
    if (nameFound !== null) break;
    for (const [id, addr] of [...bd.brokerAddrs]) {
      if (addr === brokerAddr) {
        nameFound = name;
        bd.brokerAddrs.delete(id);
        removed.push({ brokerAddr, brokerName: name, brokerId: id });
        break;
      }
    }
    if (bd.brokerAddrs.size === 0) { removeName = true; t.brokerAddrTable.delete(name); }
  }
  let deletedTopics: string[] = [];
  if (nameFound !== null && removeName) {
    for (const [cluster, names] of [...t.clusterAddrTable]) {
      if (names.delete(nameFound)) { if (names.size === 0) t.clusterAddrTable.delete(cluster); break; }
    }
    deletedTopics = removeTopicByBrokerName(t, nameFound);
  }
  return { removed, deletedTopics };
}

function removeTopicByBrokerName(t: RouteTables, brokerName: string): string[] {
  const gone: string[] = [];
  for (const [topic, m] of t.topicQueueTable) {
    if (m.delete(brokerName) && m.size === 0) gone.push(topic);
  }
  for (const topic of gone) t.topicQueueTable.delete(topic);
  return gone;
}

/** The live entries whose last registration is older than their timeout. */
export function expiredBrokers(t: RouteTables, nowUs: number): string[] {
  const out: string[] = [];
  for (const [addr, live] of t.brokerLiveTable) if (live.lastUpdateUs + live.timeoutUs < nowUs) out.push(addr);
  return out;
}

/** Which broker address registered on this channel, if any. */
export function addrOfChannel(t: RouteTables, channelId: number): string | null {
  for (const [addr, live] of t.brokerLiveTable) if (live.channelId === channelId) return addr;
  return null;
}

/** pickupTopicRouteData: null when the topic has no queue data or no broker data. */
export function pickupTopicRouteData(t: RouteTables, topic: string): TopicRouteData | null {
  const m = t.topicQueueTable.get(topic);
  if (!m) return null;
  const queueDatas = [...m.values()].map((q) => ({ ...q })).sort((a, b) => cmp(a.brokerName, b.brokerName));
  const brokerDatas: TopicRouteData["brokerDatas"] = [];
  for (const name of [...m.keys()].sort(cmp)) {
    const bd = t.brokerAddrTable.get(name);
    if (!bd) continue;
    const addrs: Record<string, string> = {};
    for (const id of [...bd.brokerAddrs.keys()].sort((a, b) => a - b)) addrs[String(id)] = bd.brokerAddrs.get(id)!;
    brokerDatas.push({ cluster: bd.cluster, brokerName: name, brokerAddrs: addrs });
  }
  if (brokerDatas.length === 0) return null;
  return { queueDatas, brokerDatas };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

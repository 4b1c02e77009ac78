// Route table cases after RocketMQ's RouteInfoManagerNewTest / RouteInfoManagerBrokerRegisterTest.
import { describe, expect, it } from "vitest";
import * as ri from "../sim/namesrv/routeinfo.js";
import { publishBrokers, subscribeBrokers } from "../sim/client/route.js";

const topic = (name: string, q = 4, perm = 6): ri.TopicConfig =>
  ({ topicName: name, readQueueNums: q, writeQueueNums: q, perm, topicSysFlag: 0 });
const reg = (brokerName: string, id: number, addr: string, topics: ri.TopicConfig[], channelId = id + 100): ri.RegisterRequest => ({
  clusterName: "DefaultCluster", brokerAddr: addr, brokerName, brokerId: id, haServerAddr: addr.replace("10911", "10912"),
  topicConfigs: topics, dataVersion: { timestamp: 1, counter: 0 }, channelId,
});

describe("RouteInfoManager", () => {
  it("registers master and slave; only the master shapes queue data", () => {
    const t = ri.emptyTables();
    expect(ri.registerBroker(t, reg("a", 0, "1.1.1.1:10911", [topic("T")]), 0, 120).first).toBe(true);
    const slave = ri.registerBroker(t, reg("a", 1, "1.1.1.2:10911", [topic("T", 8), topic("OnlySlave")]), 0, 120);
    expect(slave.masterAddr).toBe("1.1.1.1:10911");
    expect(slave.haServerAddr).toBe("1.1.1.1:10912");
    const route = ri.pickupTopicRouteData(t, "T")!;
    expect(route.queueDatas).toEqual([{ brokerName: "a", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]);
    expect(route.brokerDatas[0].brokerAddrs).toEqual({ 0: "1.1.1.1:10911", 1: "1.1.1.2:10911" });
    expect(ri.pickupTopicRouteData(t, "OnlySlave")).toBeNull();
  });

  it("5.x: an address with a lower stateVersion cannot take a brokerId another one holds (controller epochs)", () => {
    const t = ri.emptyTables();
    const at = (addr: string, stateVersion: number) => ({ ...reg("a", 0, addr, [topic("T")]), dataVersion: { timestamp: 1, counter: 1, stateVersion } });
    ri.registerBroker(t, at("1.1.1.1:10911", 1), 0, 120);
    expect(ri.registerBroker(t, at("1.1.1.3:10911", 2), 0, 120).refused).toBeUndefined(); // the new master (epoch 2)
    const stale = ri.registerBroker(t, at("1.1.1.1:10911", 1), 0, 120); // the old master, back from a partition
    expect(stale.refused).toBe(true);
    expect(t.brokerAddrTable.get("a")!.brokerAddrs.get(0)).toBe("1.1.1.3:10911");
    expect(t.brokerLiveTable.has("1.1.1.1:10911")).toBe(false);
  });

  it("master gone, slave alive: queue data stays, no publish queues, subscribe queues remain", () => {
    const t = ri.emptyTables();
    ri.registerBroker(t, reg("a", 0, "1.1.1.1:10911", [topic("T")]), 0, 120);
    ri.registerBroker(t, reg("a", 1, "1.1.1.2:10911", [topic("T")]), 0, 120);
    const r = ri.removeBrokerAddr(t, "1.1.1.1:10911");
    expect(r.removed).toEqual([{ brokerAddr: "1.1.1.1:10911", brokerName: "a", brokerId: 0 }]);
    expect(r.deletedTopics).toEqual([]);
    const route = ri.pickupTopicRouteData(t, "T")!;
    expect(publishBrokers(route)).toEqual([]);
    expect(subscribeBrokers(route)).toEqual(["a"]);
  });

  it("last address of the last brokerName gone: the topic is deleted (TOPIC_NOT_EXIST)", () => {
    const t = ri.emptyTables();
    ri.registerBroker(t, reg("a", 0, "1.1.1.1:10911", [topic("T")]), 0, 120);
    ri.registerBroker(t, reg("b", 0, "1.1.1.3:10911", [topic("T"), topic("OnlyB")]), 0, 120);
    expect(ri.removeBrokerAddr(t, "1.1.1.3:10911").deletedTopics).toEqual(["OnlyB"]);
    expect(ri.pickupTopicRouteData(t, "T")!.queueDatas.map((q) => q.brokerName)).toEqual(["a"]);
    expect(ri.unregisterBroker(t, "DefaultCluster", "1.1.1.1:10911", "a", 0).deletedTopics).toEqual(["T"]);
    expect(ri.pickupTopicRouteData(t, "T")).toBeNull();
    expect(t.clusterAddrTable.size).toBe(0);
  });

  it("switchBrokerRole: a slave re-registering as id 0 replaces its id-1 entry (same ip:port once)", () => {
    const t = ri.emptyTables();
    ri.registerBroker(t, reg("a", 0, "1.1.1.1:10911", [topic("T")]), 0, 120);
    ri.registerBroker(t, reg("a", 1, "1.1.1.2:10911", [topic("T")]), 0, 120);
    ri.removeBrokerAddr(t, "1.1.1.1:10911");
    ri.registerBroker(t, reg("a", 0, "1.1.1.2:10911", [topic("T")]), 0, 120);
    expect(ri.pickupTopicRouteData(t, "T")!.brokerDatas[0].brokerAddrs).toEqual({ 0: "1.1.1.2:10911" });
  });

  it("re-registration that omits a topic keeps it (deleteTopicWithBrokerRegistration=false)", () => {
    const t = ri.emptyTables();
    ri.registerBroker(t, reg("a", 0, "1.1.1.1:10911", [topic("T"), topic("U")]), 0, 120);
    ri.registerBroker(t, { ...reg("a", 0, "1.1.1.1:10911", [topic("T")]), dataVersion: { timestamp: 1, counter: 1 } }, 10, 120);
    expect(ri.pickupTopicRouteData(t, "U")).not.toBeNull();
  });

  it("expiry compares last registration + timeout strictly before now", () => {
    const t = ri.emptyTables();
    ri.registerBroker(t, reg("a", 0, "1.1.1.1:10911", [topic("T")]), 1000, 120);
    expect(ri.expiredBrokers(t, 1120)).toEqual([]);
    expect(ri.expiredBrokers(t, 1121)).toEqual(["1.1.1.1:10911"]);
  });

  it("finds the broker registered on a channel; other channels find nothing", () => {
    const t = ri.emptyTables();
    ri.registerBroker(t, reg("a", 0, "1.1.1.1:10911", [topic("T")], 7), 0, 120);
    expect(ri.addrOfChannel(t, 7)).toBe("1.1.1.1:10911");
    expect(ri.addrOfChannel(t, 8)).toBeNull();
  });

  it("publish view needs write perm and a master; subscribe view needs read perm", () => {
    const t = ri.emptyTables();
    ri.registerBroker(t, reg("a", 0, "1.1.1.1:10911", [topic("T", 4, 4)]), 0, 120); // read-only
    ri.registerBroker(t, reg("b", 0, "1.1.1.3:10911", [topic("T", 4, 2)]), 0, 120); // write-only
    const route = ri.pickupTopicRouteData(t, "T")!;
    expect(publishBrokers(route)).toEqual(["b"]);
    expect(subscribeBrokers(route)).toEqual(["a"]);
  });
  it("split brain: two live brokers registering id 0 overwrite each other at every registration (4.9.8 brokerAddrs.put)", () => {
    const t = ri.emptyTables();
    const A = "1.1.1.1:10911", B = "1.1.1.2:10911";
    ri.registerBroker(t, reg("a", 0, A, [topic("T")], 1), 0, 120);
    ri.registerBroker(t, reg("a", 1, B, [topic("T")], 2), 0, 120);
    // The operator promotes B while A lives: B's id-1 entry goes (same ip:port once), id 0 is B's.
    const promoted = ri.registerBroker(t, reg("a", 0, B, [topic("T")], 2), 10, 120);
    expect(promoted).toMatchObject({ first: false, replaced: A, masterAddr: null });
    expect(ri.pickupTopicRouteData(t, "T")!.brokerDatas[0].brokerAddrs).toEqual({ 0: B });
    // A's next round takes id 0 back; B is not in the route at all (not even as a slave) ...
    expect(ri.registerBroker(t, reg("a", 0, A, [topic("T")], 1), 30, 120).replaced).toBe(B);
    expect(ri.pickupTopicRouteData(t, "T")!.brokerDatas[0].brokerAddrs).toEqual({ 0: A });
    // ... but both stay live: neither expires while both keep registering.
    expect([...t.brokerLiveTable.keys()].sort()).toEqual([A, B]);
    expect(ri.expiredBrokers(t, 130)).toEqual([]);
    // A re-registration by the current holder replaces nobody.
    expect(ri.registerBroker(t, reg("a", 0, A, [topic("T")], 1), 40, 120).replaced).toBeNull();
    // The loser's channel closing removes only its live entry: the route keeps the winner.
    const gone = ri.removeBrokerAddr(t, B);
    expect(gone).toEqual({ removed: [], deletedTopics: [] });
    expect(ri.pickupTopicRouteData(t, "T")!.brokerDatas[0].brokerAddrs).toEqual({ 0: A });
    // UNREGISTER_BROKER removes by brokerId whatever the address (4.9.8 brokerAddrs.remove(brokerId)):
    // the loser shutting down cleanly takes the winner's entry, and the topic with it.
    ri.registerBroker(t, reg("a", 0, B, [topic("T")], 3), 50, 120);
    expect(ri.unregisterBroker(t, "DefaultCluster", A, "a", 0)).toEqual({
      removed: [{ brokerAddr: B, brokerName: "a", brokerId: 0 }], deletedTopics: ["T"] });
  });
});

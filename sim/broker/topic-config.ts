// A broker's topic config table at start (broker/topic/TopicConfigManager.java,
// constructor): the system topics RocketMQ creates, plus the scenario's topics
// served by this broker group. Registered to NameServers in full every time.

import { Perm } from "../remoting/codes.js";
import type { TopicConfig } from "../namesrv/routeinfo.js";

const RW = Perm.READ | Perm.WRITE;

function tc(topicName: string, queues: number, perm: number = RW): TopicConfig {
  return { topicName, readQueueNums: queues, writeQueueNums: queues, perm, topicSysFlag: 0 };
}

export interface TopicConfigInput {
  clusterName: string;
  brokerName: string;
  autoCreateTopicEnable: boolean;
  /** BrokerConfig.defaultTopicQueueNums (8): TBW102's queue count. */
  defaultTopicQueueNums: number;
  topics: { name: string; readQueueNums: number; writeQueueNums: number; perm: number }[];
}

export function initialTopicConfigs(c: TopicConfigInput): TopicConfig[] {
  const sys: TopicConfig[] = [tc("SELF_TEST_TOPIC", 1)];
  if (c.autoCreateTopicEnable) sys.push(tc("TBW102", c.defaultTopicQueueNums, Perm.INHERIT | RW));
  sys.push(
    tc("BenchmarkTest", 1024),
    tc(c.clusterName, 16, Perm.INHERIT | RW), // clusterTopicEnable = true
    tc(c.brokerName, 1, Perm.INHERIT | RW), // brokerTopicEnable = true
    tc("OFFSET_MOVED_EVENT", 1),
    tc("SCHEDULE_TOPIC_XXXX", 18),
    tc(`${c.clusterName}_REPLY_TOPIC`, 1),
  );
  const user = c.topics.map((t) => ({ topicName: t.name, readQueueNums: t.readQueueNums, writeQueueNums: t.writeQueueNums, perm: t.perm, topicSysFlag: 0 }));
  return [...sys, ...user];
}

// Syntax of broker, producer and consumer groups. Defaults and rules between keys
// (stop after start, strategy options that fit the strategy, subscription
// expressions, names that exist) are applied in resolve-groups.ts.

import { z } from "zod";
import { describeValue } from "./errors.js";
import { bandwidth, choice, distribution, duration, int, nameText, nonEmpty, size, strict } from "./schema-base.js";
import { brokerGroupConfig, clientGroupConfig } from "./schema-config.js";

const disk = strict({
  writeLatency: distribution.optional().describe("time to write into the page cache, per append (default fixed 20us)"),
  fsyncLatency: distribution.optional().describe("time of one fsync (default { distribution: lognormal, median: 2ms, sigma: 0.5 })"),
  bandwidth: bandwidth.optional().describe("sequential write bandwidth (default 200MB/s)"),
}, "in disk");

export const broker = strict({
  name: nameText("broker name").describe("brokerName; nodes are <name>-0 (master), <name>-1.. (slaves)"),
  slaves: int().nonnegative().optional(),
  cluster: nonEmpty().optional().describe("brokerClusterName (default: config.broker.brokerClusterName or DefaultCluster)"),
  brokerRole: choice(["ASYNC_MASTER", "SYNC_MASTER"], "brokerRole").optional()
    .describe("the master's role (slaves are SLAVE): SYNC_MASTER acknowledges a send once a slave has it (default ASYNC_MASTER)"),
  flushDiskType: choice(["ASYNC_FLUSH", "SYNC_FLUSH"], "flushDiskType").optional()
    .describe("SYNC_FLUSH acknowledges a send once it is on disk (default ASYNC_FLUSH)"),
  failover: choice(["manual", "dledger", "controller"], "failover").optional()
    .describe("manual (classic, default): a slave never promotes itself; the promote fault models the operator. dledger: the group's nodes (at least 3: slaves: 2) elect their master by Raft (enableDLegerCommitLog). controller (profile 5.3): a controller node (controller-0) elects the master from the SyncStateSet (enableControllerMode)"),
  config: brokerGroupConfig.optional(),
  disk: disk.optional().describe("the disk of every node in the group"),
});

// ---- clients --------------------------------------------------------------

const clientBase = {
  group: nameText("group name").describe("client group; nodes are <group>-0, <group>-1, .."),
  instances: int().min(1).optional(),
  topic: nonEmpty(),
  start: duration.optional().describe("when the instances start (default 0)"),
  stop: duration.optional().describe("when the instances shut down cleanly (default: they run to the end)"),
  config: clientGroupConfig.optional(),
};

// Tags end up in subscription expressions ("TagA || TagB"), where these characters have a meaning.
const tagText = z.string().min(1).regex(/^[^\s|*]+$/, {
  error: (iss) => (typeof iss.input === "string" ? `tag ${JSON.stringify(iss.input)} may not contain spaces, "|" or "*" (they have a meaning in subscriptions)` : undefined),
});
const weight = z.number().positive();
const tagItem = z.union([tagText, strict({ tag: tagText, weight: weight.optional() }, "in a tag")], {
  error: (iss) => (iss.input === undefined ? undefined : `expected a tag or { tag: TagA, weight: 3 }, got ${describeValue(iss.input)}`),
});
const tags = z.union([z.array(tagItem), z.record(tagText, weight)], {
  error: (iss) => (iss.input === undefined ? undefined : `expected a list of tags ([TagA, TagB] or [{ tag: TagA, weight: 3 }]) or a mapping of tag: weight, got ${describeValue(iss.input)}`),
});

export const producer = strict({
  ...clientBase,
  rate: z.number().nonnegative().optional().describe("messages per second per instance (default 0: send nothing)"),
  arrival: choice(["constant", "poisson"], "arrival").optional().describe("constant: evenly spaced sends; poisson: random gaps with the same mean (default constant)"),
  count: int().min(1).optional().describe("stop sending after this many messages per instance"),
  size: size.optional().describe('message body size (default 1024 bytes); KB = KiB = 1024 bytes'),
  tags: tags.optional().describe("tags put on messages: a list (picked round-robin, or by weight if any item has one) or a mapping tag: weight"),
  keys: z.boolean().optional().describe("give every message a unique business key (default false)"),
  sendMode: choice(["sync", "async", "oneway"], "sendMode").optional().describe("default sync"),
  batchSize: int().min(1).optional()
    .describe("DefaultMQProducer#send(Collection): send every this many arriving messages as one batch (SEND_BATCH_MESSAGE, one queue, one append); a partial batch goes before stop/count (default 1: one send per message). Not with delayLevel, sendMode oneway or a %RETRY% topic"),
  delayLevel: int().min(1).max(18).optional()
    .describe("Message#setDelayTimeLevel: deliver 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h (level 1-18) after the send"),
});

export const ALLOCATE_STRATEGIES = ["averagely", "circle", "consistent-hash", "config", "machine-room", "machine-room-nearby"] as const;

const queueRef = z.string().regex(/^[A-Za-z0-9_-]+:\d+$/, {
  error: (iss) => (typeof iss.input === "string" ? `expected "brokerName:queueId" such as "broker-a:0", got ${JSON.stringify(iss.input)}` : undefined),
});

export const consumer = strict({
  ...clientBase,
  messageModel: choice(["CLUSTERING", "BROADCASTING"], "messageModel").optional().describe("default CLUSTERING"),
  consumeType: choice(["push", "pull"], "consumeType").optional().describe("default push"),
  subscription: nonEmpty().optional().describe('"*" (default) or tags separated by "||", e.g. "TagA || TagB"'),
  allocateStrategy: choice(ALLOCATE_STRATEGIES, "allocateStrategy").optional().describe("how the group shares queues (default averagely, RocketMQ's AVG)"),
  virtualNodes: int().min(1).optional().describe("consistent-hash: virtual nodes per consumer (default 10)"),
  rooms: z.array(nonEmpty()).min(1).optional().describe("machine-room, machine-room-nearby: the machine rooms (consumeridcs) this group consumes"),
  queues: z.array(queueRef).min(1).optional().describe('config: the queues every consumer takes, as "brokerName:queueId"'),
  consumeTime: distribution.optional().describe("time the listener spends per message (default fixed 1ms); a listener call of n messages takes the sum of n draws"),
  consumeFromWhere: choice(["CONSUME_FROM_LAST_OFFSET", "CONSUME_FROM_FIRST_OFFSET", "CONSUME_FROM_TIMESTAMP"], "consumeFromWhere").optional()
    .describe("where a group without a stored offset starts (default CONSUME_FROM_LAST_OFFSET)"),
  pullBatchSize: int().min(1).max(1024).optional().describe("messages per pull (default 32)"),
  consumeMessageBatchMaxSize: int().min(1).max(1024).optional()
    .describe("push consumer: at most this many messages per listener call (default 1); the call succeeds or fails as a whole"),
  consumeMode: choice(["concurrently", "orderly"], "consumeMode").optional()
    .describe("MessageListenerConcurrently (default) or MessageListenerOrderly: one message of a queue at a time, under a broker lock"),
  consumeFailRate: z.number().min(0).max(1).optional()
    .describe("fraction of listener calls answered RECONSUME_LATER (default 0), every message of the call failing; retried via %RETRY%<group>, then %DLQ%<group>"),
  maxReconsumeTimes: int().min(-1).optional()
    .describe("DefaultMQPushConsumer.maxReconsumeTimes: retries before the dead-letter queue (default -1 = 16)"),
});

export type BrokerInput = z.infer<typeof broker>;
export type ProducerInput = z.infer<typeof producer>;
export type ConsumerInput = z.infer<typeof consumer>;
export type TagsInput = z.infer<typeof tags>;

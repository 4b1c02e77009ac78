// Consumer groups: subscription expressions, the allocation strategy and the
// options that belong to it, and what the group shares with producers (see
// resolve-groups.ts).

import type { ScenarioInput } from "./schema.js";
import type { ConsumerInput } from "./schema-groups.js";
import type { SourceMap } from "./source.js";
import { defineClients, type ClientContext } from "./resolve-groups.js";
import { Attempts, distribution, Names, type Path } from "./resolve-values.js";
import type { AllocateStrategyName, ConsumerGroupSpec, TopicSpec } from "./types.js";

export interface ConsumerContext extends ClientContext {
  groups: Names;
  topics: TopicSpec[];
}

/** AllocateMessageQueueConsistentHash's default virtualNodeCnt. */
const DEFAULT_VIRTUAL_NODES = 10;

export function resolveConsumers(ctx: ConsumerContext, input: ScenarioInput): ConsumerGroupSpec[] {
  const seen = new Names(ctx.src, "consumer group");
  return (input.consumers ?? []).map((c, i) => {
    const path: Path = ["consumers", i];
    const shared = defineClients(ctx, c, path, "consumer", seen);
    const tries = new Attempts();
    const base = shared(tries);
    const subscription = tries.run(() => resolveSubscription(ctx.src, c.subscription, [...path, "subscription"]));
    const allocate = tries.run(() => allocateOptions(ctx, c, path));
    if (c.consumeMode === "orderly" && c.consumeType === "pull") {
      tries.run(() => { throw ctx.src.error([...path, "consumeMode"], "orderly consumption is a push consumer's listener (consumeType: push)", "key"); });
    }
    if (c.consumeMode === "orderly" && (c.maxReconsumeTimes ?? -1) >= 0) {
      tries.run(() => { throw ctx.src.error([...path, "maxReconsumeTimes"],
        "an orderly listener retries in place forever (Integer.MAX_VALUE); sending it to the DLQ after maxReconsumeTimes is not modelled", "key"); });
    }
    if (c.consumeType === "pull" && (c.consumeFailRate ?? 0) > 0) {
      tries.run(() => { throw ctx.src.error([...path, "consumeFailRate"],
        "consume failures are retried by push consumers (consumeType: push); a lite pull consumer's application handles its own", "key"); });
    }
    if (c.consumeType === "pull" && c.consumeMessageBatchMaxSize !== undefined) {
      tries.run(() => { throw ctx.src.error([...path, "consumeMessageBatchMaxSize"],
        "consumeMessageBatchMaxSize sizes a push consumer's listener calls (consumeType: push); a lite pull consumer has no listener (use pullBatchSize)", "key"); });
    }
    const consumeTime = c.consumeTime === undefined ? undefined : tries.run(() => distribution(ctx.src, [...path, "consumeTime"], c.consumeTime!).dist);
    tries.check();
    return {
      ...base!,
      messageModel: c.messageModel ?? "CLUSTERING",
      consumeType: c.consumeType ?? "push",
      subscription: subscription!,
      ...allocate!,
      consumeTime: consumeTime ?? { distribution: "fixed", value: 1_000 },
      consumeFromWhere: c.consumeFromWhere ?? "CONSUME_FROM_LAST_OFFSET",
      pullBatchSize: c.pullBatchSize ?? 32,
      consumeMessageBatchMaxSize: c.consumeMessageBatchMaxSize ?? 1,
      consumeMode: c.consumeMode ?? "concurrently",
      consumeFailRate: c.consumeFailRate ?? 0,
      maxReconsumeTimes: c.maxReconsumeTimes ?? -1,
    };
  });
}

const SUBSCRIPTION_HELP = 'write "*" or tags separated by "||", e.g. "TagA || TagB"';

/**
 * "*" or "TagA || TagB", normalised to single spaces around "||". RocketMQ
 * (FilterAPI.buildSubscriptionData) silently drops empty tags; here they are
 * refused, since "TagA |" or "TagA ||" is almost always a typo.
 */
function resolveSubscription(src: SourceMap, v: string | undefined, path: Path): string {
  if (v === undefined || v.trim() === "*") return "*";
  const tags = v.split("||").map((t) => t.trim());
  const seen = new Set<string>();
  for (const t of tags) {
    if (t === "") throw src.error(path, `${JSON.stringify(v)} has an empty tag; ${SUBSCRIPTION_HELP}`);
    if (t === "*") throw src.error(path, `"*" cannot be combined with tags in ${JSON.stringify(v)} (it already means every tag)`);
    if (t.includes("|")) throw src.error(path, `${JSON.stringify(v)} separates tags with "|"; ${SUBSCRIPTION_HELP}`);
    if (/[\s*]/.test(t)) throw src.error(path, `${JSON.stringify(v)} has a bad tag ${JSON.stringify(t)} (tags may not contain spaces or "*"); ${SUBSCRIPTION_HELP}`);
    if (seen.has(t)) throw src.error(path, `tag ${JSON.stringify(t)} is listed twice in ${JSON.stringify(v)}`);
    seen.add(t);
  }
  return tags.join(" || ");
}

type Allocate = Pick<ConsumerGroupSpec, "allocateStrategy" | "allocateOptions">;
type OptionKey = "virtualNodes" | "rooms" | "queues";

/** Which strategies take each option; an option given to any other strategy would be silently ignored. */
const OPTION_STRATEGIES: Record<OptionKey, readonly AllocateStrategyName[]> = {
  virtualNodes: ["consistent-hash"],
  rooms: ["machine-room", "machine-room-nearby"],
  queues: ["config"],
};

function allocateOptions(ctx: ConsumerContext, c: ConsumerInput, path: Path): Allocate {
  const { src } = ctx;
  const strategy = c.allocateStrategy ?? "averagely";
  for (const key of Object.keys(OPTION_STRATEGIES) as OptionKey[]) {
    const fits = OPTION_STRATEGIES[key];
    if (c[key] !== undefined && !fits.includes(strategy)) {
      throw src.error([...path, key], `"${key}" only works with allocateStrategy ${fits.join(" or ")} (this group uses ${strategy})`, "key");
    }
  }
  // Without these lists RocketMQ's strategies allocate nothing (config) or throw (machine-room).
  if (strategy === "config" && c.queues === undefined) {
    throw src.error([...path, "allocateStrategy"], 'allocateStrategy "config" needs queues: a list of "brokerName:queueId"');
  }
  if (strategy === "machine-room" && c.rooms === undefined) {
    throw src.error([...path, "allocateStrategy"], 'allocateStrategy "machine-room" needs rooms: the machine rooms (consumeridcs) this group consumes');
  }
  const options: Allocate["allocateOptions"] = {};
  if (strategy === "consistent-hash") options.virtualNodes = c.virtualNodes ?? DEFAULT_VIRTUAL_NODES;
  if (c.rooms !== undefined) options.rooms = c.rooms;
  if (c.queues !== undefined) options.queues = c.queues.map((q, j) => queueRef(ctx, c.topic, q, [...path, "queues", j], c.queues!.indexOf(q) !== j));
  return { allocateStrategy: strategy, allocateOptions: options };
}

/** "broker-a:3" -> { brokerName, queueId }, checked against the broker groups and, if declared, the topic. */
function queueRef(ctx: ConsumerContext, topicName: string, q: string, path: Path, repeated: boolean): { brokerName: string; queueId: number } {
  const { src } = ctx;
  if (repeated) throw src.error(path, `queue ${JSON.stringify(q)} is listed twice`);
  const cut = q.lastIndexOf(":");
  const brokerName = q.slice(0, cut), queueId = Number(q.slice(cut + 1));
  ctx.groups.check(brokerName, path);
  const topic = ctx.topics.find((t) => t.name === topicName);
  if (topic && !topic.brokers.includes(brokerName)) {
    throw src.error(path, `broker group ${JSON.stringify(brokerName)} does not host topic ${topicName} (its brokers are ${topic.brokers.join(", ")})`);
  }
  if (topic && queueId >= topic.readQueueNums) {
    throw src.error(path, `topic ${topicName} has ${topic.readQueueNums} read queues per broker (queue ids 0..${topic.readQueueNums - 1})`);
  }
  return { brokerName, queueId };
}

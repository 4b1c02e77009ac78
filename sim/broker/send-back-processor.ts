// CONSUMER_SEND_MSG_BACK (36) on the broker: a consumer's listener answered
// RECONSUME_LATER (4.9.8 SendMessageProcessor#asyncConsumerSendMsgBack; 5.x
// AbstractSendMessageProcessor#consumerSendMsgBack, reference §2.9).
//
// The broker looks the message up by its CommitLog offset in its own store (a
// message it no longer holds is a SYSTEM_ERROR: the client then falls back), and
// stores a copy with reconsumeTimes + 1 and the original topic in RETRY_TOPIC:
//  - reconsumeTimes >= maxReconsumeTimes (client's, else the group's retryMaxTimes
//    16) or delayLevel < 0: into %DLQ%<group> (1 queue), at once;
//  - else with delay level (the client's, or 3 + reconsumeTimes): through
//    SCHEDULE_TOPIC_XXXX into %RETRY%<group> (1 queue, retryQueueNums).
// The copy keeps the client's uniq key (msgId) and is stored with WAIT=false.
// Both topics are created on first use (TopicConfigManager
// #createTopicInSendMessageBackMethod: PERM_READ|PERM_WRITE), which registers at once.

import { Perm, ResponseCode } from "../remoting/codes.js";
import type { Response } from "../remoting/rpc.js";
import type { TopicConfig } from "../namesrv/routeinfo.js";
import type { EventInput } from "../trace/schema.js";
import { dlqTopic, retryTopic } from "../remoting/topics.js";
import { toScheduled } from "./delay-level.js";
import type { PutRequest, StoredMessage, StorePort } from "./store-port.js";

/** SubscriptionGroupConfig defaults. */
const RETRY_QUEUE_NUMS = 1;
const RETRY_MAX_TIMES = 16;
/** MixAll.DLQ_NUMS_PER_GROUP. */
export const DLQ_NUMS_PER_GROUP = 1;


export interface SendBackRequest {
  group: string;
  /** The message's CommitLog offset on this broker. */
  offset: number;
  delayLevel: number;
  /** -1: the group's retryMaxTimes. */
  maxReconsumeTimes: number;
}

export interface SendBackContext {
  node: string;
  topics: Map<string, TopicConfig>;
  writable: () => boolean;
  /** The put path (store, or DLedger/Controller wrapper). */
  put: Pick<StorePort, "putMessage">;
  lookMessageByOffset: (phy: number) => StoredMessage | null;
  topicCreated: (tc: TopicConfig) => void;
  emit: (e: EventInput) => void;
}

/** TopicConfigManager#createTopicInSendMessageBackMethod: create if absent, register at once. */
export function ensureSysTopic(ctx: Pick<SendBackContext, "topics" | "topicCreated">, topic: string, queues: number): TopicConfig {
  let tc = ctx.topics.get(topic);
  if (!tc) {
    tc = { topicName: topic, readQueueNums: queues, writeQueueNums: queues, perm: Perm.READ | Perm.WRITE, topicSysFlag: 0 };
    ctx.topics.set(topic, tc);
    ctx.topicCreated(tc);
  }
  return tc;
}

export function ensureRetryTopic(ctx: Pick<SendBackContext, "topics" | "topicCreated">, group: string): void {
  ensureSysTopic(ctx, retryTopic(group), RETRY_QUEUE_NUMS);
}

export function processSendBack(ctx: SendBackContext, req: SendBackRequest, reply: (r: Response) => void): void {
  if (!ctx.writable()) { reply({ code: 16 /* NO_PERMISSION */, remark: "the broker sending message is forbidden" }); return; }
  ensureRetryTopic(ctx, req.group);
  const msg = ctx.lookMessageByOffset(req.offset);
  if (msg === null) { reply({ code: ResponseCode.SYSTEM_ERROR, remark: `look message by offset failed, ${req.offset}` }); return; }
  const origin = msg.props?.RETRY_TOPIC ?? msg.topic;
  const max = req.maxReconsumeTimes >= 0 ? req.maxReconsumeTimes : RETRY_MAX_TIMES;
  const toDlq = msg.reconsumeTimes >= max || req.delayLevel < 0;
  const base: PutRequest = {
    topic: toDlq ? dlqTopic(req.group) : retryTopic(req.group), queueId: 0, msgId: msg.msgId, tags: msg.tags, keys: msg.keys,
    bornUs: msg.bornUs, bodySize: msg.bodySize, producerGroup: msg.producerGroup, reconsumeTimes: msg.reconsumeTimes + 1,
    props: { ...msg.props, RETRY_TOPIC: origin }, waitStoreMsgOK: false,
  };
  if (toDlq) ensureSysTopic(ctx, base.topic, DLQ_NUMS_PER_GROUP);
  const put = toDlq ? base : toScheduled(base, req.delayLevel === 0 ? 3 + msg.reconsumeTimes : req.delayLevel);
  ctx.put.putMessage(put, (status) => {
    if (status !== "PUT_OK") { reply({ code: ResponseCode.SYSTEM_ERROR, remark: status }); return; }
    ctx.emit({ type: "sendback", node: ctx.node, group: req.group, msgId: msg.msgId, topic: origin,
      reconsumeTimes: msg.reconsumeTimes + 1, result: toDlq ? "dlq" : "retry" });
    reply({ code: ResponseCode.SUCCESS });
  });
}

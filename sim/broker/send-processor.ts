// SEND_MESSAGE(_V2) on the broker (broker/processor/SendMessageProcessor,
// AbstractSendMessageProcessor#msgCheck, topic/TopicConfigManager
// #createTopicInSendMessageMethod).
//
// Unknown topic: with autoCreateTopicEnable and TBW102 inheritable, the broker
// creates it with min(producer's defaultTopicQueueNums, TBW102's write queues)
// queues and registers with the NameServers at once — only the brokers that
// actually received a message get it. A queueId >= max(read, write) queues is a
// SYSTEM_ERROR. The store's status maps to the response code the producer turns
// into a SendStatus.

import { Perm, ResponseCode } from "../remoting/codes.js";
import type { Response } from "../remoting/rpc.js";
import type { TopicConfig } from "../namesrv/routeinfo.js";
import { dlqTopic, RETRY_PREFIX } from "../remoting/topics.js";
import { toScheduled } from "./delay-level.js";
import { DLQ_NUMS_PER_GROUP, ensureSysTopic } from "./send-back-processor.js";
import type { PutRequest, PutResult, StorePort } from "./store-port.js";

export interface SendRequest {
  producerGroup: string; topic: string; queueId: number; msgId: string; tags?: string; keys?: string;
  bodySize: number; bornUs: number; defaultTopicQueueNums: number; reconsumeTimes?: number;
  /** DELAY property: store through SCHEDULE_TOPIC_XXXX (a consumer's fallback send-back uses it). */
  delayLevel?: number;
  /** MAX_RECONSUME_TIMES property of a %RETRY% message (-1 or absent: the group's 16). */
  maxReconsumeTimes?: number;
  props?: Record<string, string>;
}

export interface SendContext {
  store: StorePort;
  topics: Map<string, TopicConfig>;
  writable: () => boolean;
  autoCreateTopicEnable: boolean;
  /** A topic was created: bump the data version and register at once. */
  topicCreated: (tc: TopicConfig) => void;
  /** A put succeeded: what was stored where (a delayed or dead-lettered message under its stored topic; `batch`: the size of the batch it came in). */
  stored: (put: PutRequest, r: PutResult, batch?: number) => void;
  offsetMsgId: (commitLogOffset: number) => string;
  /** 4.9.8 answers OS_PAGECACHE_BUSY with SYSTEM_ERROR, 5.x with SYSTEM_BUSY (SendMessageProcessor#handlePutMessageResult). */
  profile?: "4.9" | "5.3";
}

const PUT_TO_CODE: Record<string, number> = {
  PUT_OK: ResponseCode.SUCCESS,
  FLUSH_DISK_TIMEOUT: ResponseCode.FLUSH_DISK_TIMEOUT,
  FLUSH_SLAVE_TIMEOUT: ResponseCode.FLUSH_SLAVE_TIMEOUT,
  SLAVE_NOT_AVAILABLE: ResponseCode.SLAVE_NOT_AVAILABLE,
  SERVICE_NOT_AVAILABLE: ResponseCode.SERVICE_NOT_AVAILABLE,
  OS_PAGE_CACHE_BUSY: ResponseCode.SYSTEM_BUSY,
  MESSAGE_ILLEGAL: ResponseCode.MESSAGE_ILLEGAL,
};

export function processSend(ctx: SendContext, req: SendRequest, reply: (r: Response) => void): void {
  if (msgCheck(ctx, req, reply) === null) return;
  const inner: PutRequest = {
    topic: req.topic, queueId: req.queueId, tags: req.tags, keys: req.keys, msgId: req.msgId, bornUs: req.bornUs,
    bodySize: req.bodySize, producerGroup: req.producerGroup, reconsumeTimes: req.reconsumeTimes,
  };
  if (req.props) inner.props = req.props; // last key, as a spread would put it, without a spread per message
  const put = retryOrDlq(ctx, req, inner);
  ctx.store.putMessage(put, (status, r) => {
    const code = putCode(ctx, status);
    if (r) ctx.stored(put, r);
    reply(r
      ? { code, queueId: req.queueId, queueOffset: r.queueOffset, offsetMsgId: ctx.offsetMsgId(r.commitLogOffset) }
      : { code, remark: status });
  });
}

/** The response code of a put's status (SendMessageProcessor#handlePutMessageResult). */
export function putCode(ctx: SendContext, status: string): number {
  return status === "OS_PAGE_CACHE_BUSY" && ctx.profile === "4.9" ? ResponseCode.SYSTEM_ERROR : PUT_TO_CODE[status] ?? ResponseCode.SYSTEM_ERROR;
}

/**
 * AbstractSendMessageProcessor#msgCheck (single and batch sends): the broker is writable,
 * the topic exists (or is auto-created), the queueId is in range. Null: already answered.
 */
export function msgCheck(ctx: SendContext, req: Pick<SendRequest, "topic" | "queueId" | "defaultTopicQueueNums">,
  reply: (r: Response) => void): TopicConfig | null {
  if (!ctx.writable()) { reply({ code: 16 /* NO_PERMISSION */, remark: "the broker sending message is forbidden" }); return null; }
  let tc = ctx.topics.get(req.topic);
  if (!tc) {
    const tbw = ctx.topics.get("TBW102");
    if (!ctx.autoCreateTopicEnable || !tbw || (tbw.perm & Perm.INHERIT) === 0) {
      reply({ code: ResponseCode.TOPIC_NOT_EXIST, remark: `topic[${req.topic}] not exist, apply first please!` });
      return null;
    }
    const n = Math.min(req.defaultTopicQueueNums, tbw.writeQueueNums);
    tc = { topicName: req.topic, readQueueNums: n, writeQueueNums: n, perm: tbw.perm & ~Perm.INHERIT, topicSysFlag: 0 };
    ctx.topics.set(req.topic, tc);
    ctx.topicCreated(tc);
  }
  if (req.queueId >= Math.max(tc.readQueueNums, tc.writeQueueNums)) {
    reply({ code: ResponseCode.SYSTEM_ERROR, remark: `request queueId[${req.queueId}] is illegal` });
    return null;
  }
  return tc;
}

/**
 * SendMessageProcessor#handleRetryAndDLQ: a %RETRY% message that has been retried
 * maxReconsumeTimes times goes to %DLQ%<group> instead; otherwise a DELAY level
 * sends it through SCHEDULE_TOPIC_XXXX (CommitLog#asyncPutMessage in 4.9.8).
 */
function retryOrDlq(ctx: SendContext, req: SendRequest, put: PutRequest): PutRequest {
  if (req.topic.startsWith(RETRY_PREFIX)) {
    const max = req.maxReconsumeTimes !== undefined && req.maxReconsumeTimes >= 0 ? req.maxReconsumeTimes : 16;
    if ((req.reconsumeTimes ?? 0) >= max) {
      const dlq = dlqTopic(req.topic.slice(RETRY_PREFIX.length));
      ensureSysTopic(ctx, dlq, DLQ_NUMS_PER_GROUP);
      return { ...put, topic: dlq, queueId: 0 };
    }
  }
  return req.delayLevel !== undefined && req.delayLevel > 0 ? toScheduled(put, req.delayLevel) : put;
}

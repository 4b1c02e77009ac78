// ConsumeMessageConcurrentlyService#processConsumeResult for a failed delivery
// (RECONSUME_LATER), 4.9.8 and 5.x remoting client (reference §3.5):
//  - BROADCASTING: the message is dropped (logged only).
//  - CLUSTERING: DefaultMQPushConsumerImpl#sendMessageBack: CONSUMER_SEND_MSG_BACK
//    (timeout 5 s) to the master of the queue's broker group (findBrokerAddressInPublish)
//    with delayLevel 0 (the broker picks 3 + reconsumeTimes) and maxReconsumeTimes (-1
//    means 16). If that throws — no master in the route, timeout, any non-SUCCESS
//    answer — the consumer sends the copy itself as a normal message to %RETRY%<group>
//    with DELAY = 3 + reconsumeTimes through its internal producer
//    (sendMessageBackAsNormalMessage). Simplified here: one attempt per publish queue
//    of the retry route, in order from a random start, within the producer's 3 s budget
//    (DefaultMQProducer.send: 1 + retryTimesWhenSendFailed attempts).
//  - If both fail: reconsumeTimes + 1 locally and the message is consumed again in
//    5 s (submitConsumeRequestLater); it stays in the process queue, holding the offset.
// A listener call of several messages (consumeMessageBatchMaxSize > 1) fails as a whole:
// every message of it takes this path, one after another (handleFailures).
// The consume thread is busy until this finishes (a sync call in RocketMQ).

import type { Rng } from "../core/random.js";
import type { StoredMessage } from "../broker/store-port.js";
import { RequestCode, ResponseCode } from "../remoting/codes.js";
import { retryTopic } from "../remoting/topics.js";
import type { EventInput } from "../trace/schema.js";
import type { MQClient } from "./mq-client.js";
import type { ProcessQueue } from "./process-queue.js";
import { publishQueues } from "./route.js";

const SEND_BACK_TIMEOUT_US = 5_000_000;
const FALLBACK_BUDGET_US = 3_000_000; // DefaultMQProducer.sendMsgTimeout
const FALLBACK_ATTEMPTS = 3; // 1 + retryTimesWhenSendFailed (2)
const LOCAL_RETRY_US = 5_000_000;


export interface SendBackHost {
  client: MQClient;
  node: string;
  group: string;
  broadcasting: boolean;
  maxReconsumeTimes: number;
  rng: Rng;
  now: () => number;
  emit: (e: EventInput) => void;
  /** These messages are done with (sent back or dropped): removeMessage, then the offset update. */
  settle: (pq: ProcessQueue, msgs: readonly StoredMessage[], from: number, count: number) => void;
  /** Consume these again later (the copies carry the incremented reconsumeTimes). */
  again: (pq: ProcessQueue, msgs: readonly StoredMessage[], delayUs: number) => void;
}

/**
 * processConsumeResult for a listener call answered RECONSUME_LATER: ackIndex = -1, so every
 * message of the call msgs[from, from + count) is failed. CLUSTERING sends them back one after
 * another (sendMessageBack is synchronous on the consume thread); those whose send-back failed go
 * to msgBackFailed and are resubmitted together in 5 s (submitConsumeRequestLater, which chunks
 * them again); the rest are removed from the process queue in one removeMessage and the offset is
 * updated once. BROADCASTING drops them all (logged only). `release` frees the consume thread.
 */
export function handleFailures(h: SendBackHost, pq: ProcessQueue, msgs: readonly StoredMessage[], from: number, count: number,
                               release: () => void): void {
  const event = (msg: StoredMessage, result: "fallback" | "local" | "dropped") => h.emit({ type: "sendback", node: h.node, group: h.group,
    msgId: msg.msgId, topic: msg.props?.RETRY_TOPIC ?? pq.mq.topic, reconsumeTimes: msg.reconsumeTimes + 1, result });
  if (h.broadcasting) {
    for (let i = from; i < from + count; i++) event(msgs[i], "dropped");
    h.settle(pq, msgs, from, count); release(); return;
  }
  let sentBack: StoredMessage[] | null = null, failed: StoredMessage[] | null = null;
  const next = (i: number): void => {
    if (i < from + count) { sendBackOne(h, pq, msgs[i], event, (ok) => { if (ok) (sentBack ??= []).push(msgs[i]); else (failed ??= []).push({ ...msgs[i], reconsumeTimes: msgs[i].reconsumeTimes + 1 }); next(i + 1); }); return; }
    if (failed !== null) h.again(pq, failed, LOCAL_RETRY_US);
    if (sentBack !== null) h.settle(pq, sentBack, 0, sentBack.length);
    release();
  };
  next(from);
}

/** sendMessageBack for one message: CONSUMER_SEND_MSG_BACK, else the client's own send; `done(ok)`. */
function sendBackOne(h: SendBackHost, pq: ProcessQueue, msg: StoredMessage,
                     event: (msg: StoredMessage, result: "fallback" | "local") => void, done: (ok: boolean) => void): void {
  const finish = (ok: boolean, viaFallback: boolean) => {
    if (ok) { if (viaFallback) event(msg, "fallback"); } else event(msg, "local");
    done(ok);
  };
  const addr = h.client.masterAddr(pq.mq.brokerName);
  const fallback = () => sendAsNormalMessage(h, msg, pq.mq.topic, (ok) => finish(ok, true));
  if (addr === null) { fallback(); return; }
  h.client.remoting.invoke(addr, {
    code: RequestCode.CONSUMER_SEND_MSG_BACK, group: h.group, offset: msg.commitLogOffset, delayLevel: 0,
    maxReconsumeTimes: h.maxReconsumeTimes, originMsgId: msg.msgId,
  }, SEND_BACK_TIMEOUT_US, (err, resp) => {
    if (!err && resp?.code === ResponseCode.SUCCESS) finish(true, false);
    else fallback();
  });
}

function sendAsNormalMessage(h: SendBackHost, msg: StoredMessage, fromTopic: string, done: (ok: boolean) => void): void {
  const topic = retryTopic(h.group);
  const route = h.client.routes.get(topic);
  const queues = route ? publishQueues(route) : [];
  if (queues.length === 0) { done(false); return; }
  const start = h.now(), first = h.rng.int(queues.length);
  const attempt = (i: number): void => {
    const left = FALLBACK_BUDGET_US - (h.now() - start);
    const addr = i < FALLBACK_ATTEMPTS && left > 0 ? h.client.masterAddr(queues[(first + i) % queues.length].brokerName) : null;
    if (addr === null) { done(false); return; }
    const q = queues[(first + i) % queues.length];
    h.client.remoting.invoke(addr, {
      code: RequestCode.SEND_MESSAGE, producerGroup: `CLIENT_INNER_PRODUCER`, topic, queueId: q.queueId, msgId: msg.msgId,
      tags: msg.tags, keys: msg.keys, bodySize: msg.bodySize, bornUs: msg.bornUs, defaultTopicQueueNums: 4,
      reconsumeTimes: msg.reconsumeTimes + 1, delayLevel: 3 + msg.reconsumeTimes, maxReconsumeTimes: h.maxReconsumeTimes,
      props: { ...msg.props, RETRY_TOPIC: msg.props?.RETRY_TOPIC ?? fromTopic },
    }, left, (err, resp) => {
      if (!err && resp?.code === ResponseCode.SUCCESS) done(true);
      else attempt(i + 1);
    });
  };
  attempt(0);
}

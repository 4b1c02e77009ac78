// A producer's batch send: DefaultMQProducer#send(Collection<Message>) in 4.9.8
// (client/producer/DefaultMQProducer#batch, common/message/MessageBatch#generateFromList,
// impl/MQClientAPIImpl#sendMessage with RequestCode.SEND_BATCH_MESSAGE, #processSendResponse).
//
// Fault model: the batch is one request to one queue, so it is stored or lost as a whole;
// its one SendResult is told per inner message in the trace (`send.result` with `batch`),
// so the checkers count every message on its own: a retried batch is a lump of
// batchSize duplicates. sync and async exist for batches in 4.9.8 (send(Collection[,
// SendCallback])); there is no sendOneway(Collection): the loader refuses oneway batches,
// as it refuses delay levels and %RETRY% topics (generateFromList throws
// UnsupportedOperationException for both).

import { RequestCode } from "../remoting/codes.js";
import type { Request } from "../remoting/rpc.js";
import type { Tracer } from "../trace/tracer.js";
import type { Msg } from "./producer.js";
import type { SendOutcome } from "./send-status.js";
import { emitSend, emitSendResult } from "./send-events.js";

/** DefaultMQProducer.maxMessageSize (4 MiB): checked against the encoded batch body. */
const MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
/** MessageDecoder#encodeMessage: totalSize, magic, bodyCRC, flag, bodyLen (4 B each) + propertiesLength (2 B). */
const ENCODED_FIXED = 22;
/** Properties every inner message carries: "UNIQ_KEY\u0001" + 32 hex + "\u0002" and "WAIT\u0001true\u0002". */
const BASE_PROPS = 9 + 32 + 1 + 10;

/** MessageBatch#encode's size (MessageDecoder#encodeMessages) is over maxMessageSize. */
export function batchTooBig(msgs: Msg[]): boolean {
  let bytes = 0;
  for (const m of msgs) {
    bytes += ENCODED_FIXED + m.size + BASE_PROPS;
    if (m.tags !== undefined) bytes += 6 + m.tags.length; // "TAGS\u0001…\u0002"
    if (m.keys !== undefined) bytes += 6 + m.keys.length; // "KEYS\u0001…\u0002"
  }
  return bytes > MAX_MESSAGE_SIZE;
}

/** The SEND_BATCH_MESSAGE request (SendMessageRequestHeaderV2 + the encoded batch as body). */
export function batchRequest(group: string, msgs: Msg[], queueId: number, defaultTopicQueueNums: number): Request {
  const batch = new Array(msgs.length);
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    batch[i] = { msgId: m.msgId, tags: m.tags, keys: m.keys, bodySize: m.size };
  }
  return { code: RequestCode.SEND_BATCH_MESSAGE, producerGroup: group, topic: msgs[0].topic, queueId,
    bornUs: msgs[0].bornUs, defaultTopicQueueNums, batch };
}

/** The application handed these messages to send(Collection): one `send` each. */
export function emitBatchSends(tracer: Tracer, now: number, node: string, group: string, msgs: Msg[]): void {
  for (let i = 0; i < msgs.length; i++) emitSend(tracer, now, node, group, msgs[i], msgs.length, i);
}

/**
 * The batch's SendResult, one `send.result` per inner message: MQClientAPIImpl
 * #processSendResponse joins the inner uniq ids as msgId and takes the broker's joined
 * offsetMsgIds and the first queueOffset; each message gets its own share here (the
 * broker stored them at consecutive queue offsets, SEND_BATCH_MESSAGE's msgIdSupplier).
 */
export function emitBatchResults(tracer: Tracer, now: number, node: string, msgs: Msg[], latencyUs: number,
  attempts: number, out: SendOutcome): void {
  const offsetIds = out.stored && out.offsetMsgId !== undefined ? out.offsetMsgId.split(",") : null;
  const first = out.queueOffset ?? 0;
  for (let i = 0; i < msgs.length; i++) {
    emitSendResult(tracer, now, node, msgs[i], out, attempts, latencyUs, first + i, offsetIds?.[i], msgs.length, i);
  }
}

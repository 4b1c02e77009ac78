// SEND_BATCH_MESSAGE (320) on the broker: SendMessageProcessor#asyncSendBatchMessage
// (4.9.8; 5.3 the same checks) → DefaultMessageStore#putMessages → CommitLog#asyncPutMessages.
//
// Fault model: as a single send (send-processor.ts): the same msgCheck (writable, topic,
// queueId), then ONE put of all inner messages into the request's queue — one write, one
// flush / slave wait — so the batch succeeds or fails as a whole, and a producer retry
// stores the whole batch again. Refused with MESSAGE_ILLEGAL: a topic longer than 127
// characters, a %RETRY% topic ("batch request does not support retry group"), and a DELAY
// level (CommitLog#asyncPutMessages: "Message with delay level not supported").
//
// Answer (SendMessageResponseHeader): queueId, queueOffset of the FIRST inner message, and
// msgId = the inner messages' offsetMsgIds joined by "," (DefaultAppendMessageCallback
// #doAppend(MessageExtBatch)'s msgIdSupplier). Each inner message is stored with the
// batch's born timestamp (MessageExtBatchEncoder#encode writes messageExtBatch
// .getBornTimestamp() into every record), i.e. when the producer sent the batch.

import { ResponseCode } from "../remoting/codes.js";
import type { Response } from "../remoting/rpc.js";
import { RETRY_PREFIX } from "../remoting/topics.js";
import { msgCheck, putCode, type SendContext } from "./send-processor.js";
import type { PutRequest, PutResult } from "./store-port.js";

/** One message of a batch (MessageBatch's inner Message: body, UNIQ_KEY, TAGS, KEYS). */
export interface BatchItem { msgId: string; tags?: string; keys?: string; bodySize: number }

export interface SendBatchRequest {
  producerGroup: string; topic: string; queueId: number; bornUs: number; defaultTopicQueueNums: number;
  batch: BatchItem[];
  delayLevel?: number;
}

export function processSendBatch(ctx: SendContext, req: SendBatchRequest, reply: (r: Response) => void): void {
  if (req.topic.length > 127) { reply({ code: ResponseCode.MESSAGE_ILLEGAL, remark: "message topic length too long" }); return; }
  if (req.topic.startsWith(RETRY_PREFIX)) { reply({ code: ResponseCode.MESSAGE_ILLEGAL, remark: "batch request does not support retry group" }); return; }
  if (msgCheck(ctx, req, reply) === null) return;
  if (req.delayLevel !== undefined && req.delayLevel > 0) { reply({ code: ResponseCode.MESSAGE_ILLEGAL, remark: "MESSAGE_ILLEGAL" }); return; }
  const puts: PutRequest[] = new Array(req.batch.length);
  for (let i = 0; i < puts.length; i++) {
    const m = req.batch[i];
    puts[i] = { topic: req.topic, queueId: req.queueId, tags: m.tags, keys: m.keys, msgId: m.msgId, bornUs: req.bornUs,
      bodySize: m.bodySize, producerGroup: req.producerGroup, reconsumeTimes: 0 };
  }
  const done = (status: string, r?: PutResult, queueOffsets?: number[]): void => {
    const code = putCode(ctx, status);
    if (!r) { reply({ code, remark: status }); return; }
    const phys = r.batchPhys ?? [r.commitLogOffset];
    let ids = "";
    const each: PutResult = { commitLogOffset: 0, queueOffset: 0, storeUs: r.storeUs, storeSize: 0 };
    for (let i = 0; i < puts.length; i++) {
      each.commitLogOffset = phys[i];
      each.queueOffset = queueOffsets?.[i] ?? r.queueOffset + i;
      ctx.stored(puts[i], each, puts.length);
      ids += (i === 0 ? "" : ",") + ctx.offsetMsgId(phys[i]);
    }
    reply({ code, queueId: req.queueId, queueOffset: r.queueOffset, offsetMsgId: ids });
  };
  const store = ctx.store;
  if (store.putMessages) store.putMessages(puts, done);
  else putEach(store.putMessage.bind(store), puts, done);
}

/**
 * A store without batch puts (the DLedger CommitLog here): the inner messages are put all
 * at once, back to back (so they take consecutive entries and offsets), and the batch
 * answers once all are in (with the first not-OK status met), or at the first failure —
 * the others may still be stored. DLedgerCommitLog#asyncPutMessages appends them with one
 * BatchAppendEntryRequest instead; here each entry is replicated on its own (in parallel).
 */
function putEach(put: (req: PutRequest, done: (status: string, r?: PutResult) => void) => void, puts: PutRequest[],
  done: (status: string, r?: PutResult, queueOffsets?: number[]) => void): void {
  const phys: number[] = new Array(puts.length), offsets: number[] = new Array(puts.length);
  const statuses: string[] = new Array(puts.length);
  let left = puts.length, failed = false, first: PutResult | undefined;
  puts.forEach((req, i) => put(req, (st, r) => {
    if (failed) return;
    if (!r) { failed = true; done(st); return; }
    if (i === 0) first = r;
    phys[i] = r.commitLogOffset; offsets[i] = r.queueOffset; statuses[i] = st;
    if (--left > 0) return;
    done(statuses.find((x) => x !== "PUT_OK") ?? "PUT_OK", { ...first!, batchPhys: phys }, offsets);
  }));
}

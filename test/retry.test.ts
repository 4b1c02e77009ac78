// Consume retries on the broker: delay levels, CONSUMER_SEND_MSG_BACK and the
// %RETRY% / %DLQ% rules of both send-back paths. The timing (10 s, 30 s, the
// 100 ms ticks) is pinned by scenarios/consume-retry-*.yaml.
import { describe, expect, it } from "vitest";
import { DELAY_LEVELS_US, fromScheduled, SCHEDULE_TOPIC, toScheduled } from "../sim/broker/delay-level.js";
import { processSendBack, type SendBackContext } from "../sim/broker/send-back-processor.js";
import { processSend, type SendContext } from "../sim/broker/send-processor.js";
import type { PutRequest, StoredMessage } from "../sim/broker/store-port.js";
import type { TopicConfig } from "../sim/namesrv/routeinfo.js";

const S = 1_000_000;

function stored(over: Partial<StoredMessage> = {}): StoredMessage {
  return { topic: "T", queueId: 1, msgId: "ID1", queueOffset: 7, commitLogOffset: 4096, storeSize: 300, tagsCode: 0,
    bornUs: 5, storeUs: 6, bodySize: 100, reconsumeTimes: 0, tags: "TagA", ...over };
}

function recorder() {
  const puts: PutRequest[] = [];
  const events: Record<string, unknown>[] = [];
  const topics = new Map<string, TopicConfig>();
  const created: string[] = [];
  const put = { putMessage: (req: PutRequest, done: (s: string, r?: unknown) => void) => { puts.push(req); done("PUT_OK", { commitLogOffset: 0, queueOffset: 0, storeUs: 0, storeSize: 1 }); } };
  return { puts, events, topics, created, put };
}

describe("delay levels", () => {
  it("follow messageDelayLevel: level 3 is 10 s, 4 is 30 s, 18 is 2 h; higher levels are capped", () => {
    expect(DELAY_LEVELS_US.length).toBe(18);
    expect([DELAY_LEVELS_US[2], DELAY_LEVELS_US[3], DELAY_LEVELS_US[17]]).toEqual([10 * S, 30 * S, 7200 * S]);
    const req: PutRequest = { topic: "%RETRY%g", queueId: 0, msgId: "X", bornUs: 0, bodySize: 1 };
    const s = toScheduled(req, 3);
    expect(s).toMatchObject({ topic: SCHEDULE_TOPIC, queueId: 2, deliverAfterUs: 10 * S, props: { REAL_TOPIC: "%RETRY%g", REAL_QID: "0", DELAY: "3" } });
    expect(toScheduled(req, 40)).toMatchObject({ queueId: 17, deliverAfterUs: 7200 * S });
  });

  it("messageTimeup restores the real topic and queue and drops the delay properties", () => {
    const back = fromScheduled({ ...stored({ topic: SCHEDULE_TOPIC, queueId: 2, reconsumeTimes: 1 }),
      props: { REAL_TOPIC: "%RETRY%g", REAL_QID: "0", DELAY: "3", RETRY_TOPIC: "T" } });
    expect(back).toMatchObject({ topic: "%RETRY%g", queueId: 0, msgId: "ID1", reconsumeTimes: 1, props: { RETRY_TOPIC: "T" }, waitStoreMsgOK: false });
    expect(back!.props).not.toHaveProperty("DELAY");
  });
});

describe("CONSUMER_SEND_MSG_BACK", () => {
  function ctx(r: ReturnType<typeof recorder>, msg: StoredMessage | null): SendBackContext {
    return { node: "b", topics: r.topics, writable: () => true, put: r.put as never, lookMessageByOffset: () => msg,
      topicCreated: (tc) => r.created.push(tc.topicName), emit: (e) => r.events.push(e as never) };
  }
  const send = (c: SendBackContext, maxReconsumeTimes = 16, delayLevel = 0) => {
    let code = -1;
    processSendBack(c, { group: "g", offset: 4096, delayLevel, maxReconsumeTimes }, (resp) => { code = resp.code; });
    return code;
  };

  it("stores a copy at level 3 + reconsumeTimes for %RETRY%<group>, with reconsumeTimes + 1 and the origin topic", () => {
    const r = recorder();
    expect(send(ctx(r, stored({ reconsumeTimes: 2 })))).toBe(0);
    expect(r.created).toEqual(["%RETRY%g"]);
    expect(r.puts[0]).toMatchObject({ topic: SCHEDULE_TOPIC, queueId: 4, msgId: "ID1", reconsumeTimes: 3,
      props: { REAL_TOPIC: "%RETRY%g", RETRY_TOPIC: "T", DELAY: "5" }, waitStoreMsgOK: false });
    expect(r.events[0]).toMatchObject({ type: "sendback", result: "retry", reconsumeTimes: 3, topic: "T" });
  });

  it("dead-letters when the stored reconsumeTimes reached maxReconsumeTimes (or delayLevel < 0)", () => {
    const r = recorder();
    send(ctx(r, stored({ reconsumeTimes: 16 })));
    send(ctx(r, stored({ reconsumeTimes: 0 })), 16, -1);
    expect(r.puts.map((p) => [p.topic, p.queueId])).toEqual([["%DLQ%g", 0], ["%DLQ%g", 0]]);
    expect(r.created).toEqual(["%RETRY%g", "%DLQ%g"]);
    const r2 = recorder();
    send(ctx(r2, stored({ reconsumeTimes: 15 })));
    expect(r2.puts[0].topic).toBe(SCHEDULE_TOPIC); // 15 < 16: the 16th retry still happens
  });

  it("answers SYSTEM_ERROR when the broker does not hold the message (the client then falls back)", () => {
    const r = recorder();
    expect(send(ctx(r, null))).toBe(1);
    expect(r.puts).toEqual([]);
  });
});

describe("a %RETRY% message sent as a normal message (the consumer's fallback)", () => {
  function sendCtx(r: ReturnType<typeof recorder>): SendContext {
    r.topics.set("%RETRY%g", { topicName: "%RETRY%g", readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 });
    return { store: r.put as never, topics: r.topics, writable: () => true, autoCreateTopicEnable: true,
      topicCreated: (tc) => r.created.push(tc.topicName), stored: () => {}, offsetMsgId: () => "OID" };
  }
  const req = (reconsumeTimes: number) => ({ producerGroup: "CLIENT_INNER_PRODUCER", topic: "%RETRY%g", queueId: 0, msgId: "ID1",
    bodySize: 1, bornUs: 0, defaultTopicQueueNums: 4, reconsumeTimes, delayLevel: 3 + reconsumeTimes - 1, maxReconsumeTimes: 16 });

  it("goes to the DLQ when its (already incremented) reconsumeTimes reaches the maximum: one retry earlier than the send-back path", () => {
    const r = recorder();
    processSend(sendCtx(r), req(16), () => {});
    processSend(sendCtx(r), req(15), () => {});
    expect(r.puts[0]).toMatchObject({ topic: "%DLQ%g", queueId: 0 });
    expect(r.puts[0].deliverAfterUs).toBeUndefined();
    expect(r.puts[1]).toMatchObject({ topic: SCHEDULE_TOPIC, props: { REAL_TOPIC: "%RETRY%g" } });
  });
});

describe("the broker's answer to a busy page cache", () => {
  it("is SYSTEM_ERROR in 4.9.8 and SYSTEM_BUSY in 5.x (SendMessageProcessor#handlePutMessageResult)", () => {
    const codes = (["4.9", "5.3"] as const).map((profile) => {
      let code = -1;
      const busy = { putMessage: (_req: PutRequest, done: (s: string) => void) => done("OS_PAGE_CACHE_BUSY") };
      const topics = new Map<string, TopicConfig>([["T", { topicName: "T", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]]);
      processSend({ store: busy as never, topics, writable: () => true, autoCreateTopicEnable: true, topicCreated: () => {},
        stored: () => {}, offsetMsgId: () => "", profile }, { producerGroup: "pg", topic: "T", queueId: 0, msgId: "M", bodySize: 1,
        bornUs: 0, defaultTopicQueueNums: 4 }, (r) => { code = r.code; });
      return code;
    });
    expect(codes).toEqual([1, 2]);
  });
});

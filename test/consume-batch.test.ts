// consumeMessageBatchMaxSize: the pieces (ProcessQueue#removeMessage / takeMessages of a chunk,
// ConsumeService's chunking and timing, processConsumeResult's send-backs for a failed chunk)
// and whole runs (broadcasting drops, the trace's batch field, batch 1 = no field). The timing
// of a real cluster is pinned by scenarios/consume-batch.yaml.
import { describe, expect, it } from "vitest";
import type { StoredMessage } from "../sim/broker/store-port.js";
import type { Node } from "../sim/core/node.js";
import { ConsumeService } from "../sim/client/consume-service.js";
import { ProcessQueue } from "../sim/client/process-queue.js";
import { handleFailures, type SendBackHost } from "../sim/client/send-back.js";
import type { MQClient } from "../sim/client/mq-client.js";
import { RequestCode, ResponseCode } from "../sim/remoting/codes.js";
import { runYaml } from "./helpers/run-yaml.js";

const msg = (queueOffset: number): StoredMessage => ({ topic: "T", queueId: 0, msgId: `m${queueOffset}`, queueOffset,
  commitLogOffset: queueOffset * 100, storeSize: 1, tagsCode: 0, bornUs: 0, storeUs: 0, bodySize: 1, reconsumeTimes: 0 });
const msgs = (from: number, n: number) => Array.from({ length: n }, (_, i) => msg(from + i));
const mq = { topic: "T", brokerName: "broker-a", queueId: 0 };

/** A Node that only keeps timers, run in time order by `run()`. */
function fakeNode() {
  let now = 0, seq = 0;
  const timers: { at: number; seq: number; fn: () => void }[] = [];
  const node = { after: (us: number, fn: () => void) => { timers.push({ at: now + us, seq: seq++, fn }); return seq; } } as unknown as Node;
  const run = () => {
    while (timers.length) {
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const t = timers.shift()!;
      now = t.at;
      t.fn();
    }
  };
  return { node, run, now: () => now, timers };
}

describe("ProcessQueue with chunks", () => {
  it("removeMessage of a chunk commits the smallest offset still in flight, once", () => {
    const pq = new ProcessQueue(mq, 0);
    const all = msgs(0, 8);
    pq.put(all);
    expect(pq.removeAll(all, 4, 4)).toBe(0); // [0-3] still in flight
    expect(pq.removeAll(all, 0, 4)).toBe(8); // empty: highest cached + 1
    expect(pq.msgCount).toBe(0);
  });

  it("takeMessages(n) takes up to n in offset order; a suspended chunk comes back first, topped up", () => {
    const pq = new ProcessQueue(mq, 0);
    pq.put(msgs(0, 6));
    expect(pq.take(4)!.map((m) => m.queueOffset)).toEqual([0, 1, 2, 3]);
    expect(pq.msgCount).toBe(6);
    pq.again(); // SUSPEND_CURRENT_QUEUE_A_MOMENT: makeMessageToConsumeAgain for the whole chunk
    expect(pq.take(5)!.map((m) => [m.queueOffset, m.reconsumeTimes])).toEqual([[0, 1], [1, 1], [2, 1], [3, 1], [4, 0]]);
    expect(pq.commit()).toBe(5); // the offset after the chunk's last message
    expect(pq.take(4)!.map((m) => m.queueOffset)).toEqual([5]);
    expect(pq.commit()).toBe(6);
    expect(pq.take(4)).toBeNull();
  });
});

describe("ConsumeService: submitConsumeRequest in chunks", () => {
  function service(threads: number, batch: number, verdicts: boolean[] = []) {
    const f = fakeNode();
    const starts: [number, number, number][] = []; // [time, offset, chunk size]
    const done: [number, number[], boolean][] = [];
    let draws = 0;
    const s = new ConsumeService(f.node, threads, batch, () => { draws++; return 1_000 * draws; }, () => verdicts.shift() ?? true,
      (_pq, m, count) => starts.push([f.now(), m.queueOffset, count]),
      (_pq, list, from, count, ok, release) => { done.push([f.now(), list.slice(from, from + count).map((m) => m.queueOffset), ok]); release(); });
    return { s, f, starts, done };
  }

  it("splits a pulled list of 10 into 4 + 4 + 2, one listener call (one timer) each", () => {
    const { s, f, starts, done } = service(20, 4);
    const pq = new ProcessQueue(mq, 0);
    s.submit(pq, msgs(0, 10));
    expect(f.timers.length).toBe(3);
    expect(starts.map(([, o, c]) => [o, c])).toEqual([[0, 4], [1, 4], [2, 4], [3, 4], [4, 4], [5, 4], [6, 4], [7, 4], [8, 2], [9, 2]]);
    f.run();
    // One consumeTime draw per message, summed: draws 1..4 = 10 ms, 5..8 = 26 ms, 9..10 = 19 ms.
    expect(done).toEqual([[10_000, [0, 1, 2, 3], true], [19_000, [8, 9], true], [26_000, [4, 5, 6, 7], true]]);
  });

  it("with one thread the chunks run one after another; the verdict is one per call", () => {
    const { s, f, starts, done } = service(1, 3, [true, false, true]);
    s.submit(new ProcessQueue(mq, 0), msgs(0, 7));
    f.run();
    expect(starts.filter(([, o]) => o % 3 === 0).map(([t]) => t)).toEqual([0, 6_000, 21_000]);
    expect(done.map(([, o, ok]) => [o, ok])).toEqual([[[0, 1, 2], true], [[3, 4, 5], false], [[6], true]]);
  });

  it("batch size 1 is one call per message", () => {
    const { s, f, done } = service(20, 1);
    s.submit(new ProcessQueue(mq, 0), msgs(0, 3));
    f.run();
    expect(done.map(([, o]) => o)).toEqual([[0], [1], [2]]);
  });
});

describe("processConsumeResult for a failed chunk (RECONSUME_LATER, ackIndex = -1)", () => {
  function host(sendBackOk: (offset: number) => boolean, broadcasting = false) {
    const f = fakeNode();
    const calls: number[] = [], events: string[] = [], settled: number[][] = [], again: [number[], number[], number][] = [];
    const client = {
      routes: new Map(), // no %RETRY% route: the fallback send fails too
      masterAddr: () => "10.0.0.2:10911",
      remoting: {
        invoke: (_addr: string, req: { code: number; offset: number }, _t: number, cb: (err: unknown, resp?: { code: number }) => void) => {
          expect(req.code).toBe(RequestCode.CONSUMER_SEND_MSG_BACK);
          calls.push(req.offset / 100);
          f.node.after(1_000, () => cb(null, { code: sendBackOk(req.offset / 100) ? ResponseCode.SUCCESS : ResponseCode.SYSTEM_ERROR }));
        },
      },
    } as unknown as MQClient;
    const h: SendBackHost = {
      client, node: "c-0", group: "cg", broadcasting, maxReconsumeTimes: 16, rng: { int: () => 0 } as never, now: f.now,
      emit: (e) => events.push(`${(e as { msgId: string }).msgId}:${(e as { result: string }).result}`),
      settle: (_pq, list, from, count) => settled.push(list.slice(from, from + count).map((m) => m.queueOffset)),
      again: (_pq, list, delayUs) => again.push([list.map((m) => m.queueOffset), list.map((m) => m.reconsumeTimes), delayUs]),
    };
    return { f, h, calls, events, settled, again };
  }

  it("CLUSTERING: every message is sent back, one after another; failures are resubmitted together in 5 s, the rest settled at once", () => {
    const { f, h, calls, events, settled, again } = host((o) => o % 2 === 0);
    let released = -1;
    const list = msgs(0, 6);
    handleFailures(h, new ProcessQueue(mq, 0), list, 2, 4, () => { released = f.now(); });
    f.run();
    expect(calls).toEqual([2, 3, 4, 5]);
    expect(released).toBe(4_000); // four synchronous send-backs of 1 ms on the consume thread
    expect(events).toEqual(["m3:local", "m5:local"]); // retry events come from the broker
    expect(again).toEqual([[[3, 5], [1, 1], 5_000_000]]);
    expect(settled).toEqual([[2, 4]]);
  });

  it("BROADCASTING: the whole chunk is dropped and settled", () => {
    const { f, h, calls, events, settled } = host(() => true, true);
    handleFailures(h, new ProcessQueue(mq, 0), msgs(0, 3), 0, 3, () => {});
    f.run();
    expect([calls, events, settled]).toEqual([[], ["m0:dropped", "m1:dropped", "m2:dropped"], [[0, 1, 2]]]);
  });
});

describe("runs", () => {
  const yaml = (extra: string) => `name: t
seed: 3
duration: 20s
cluster:
  nameservers: 1
  brokers:
    - { name: broker-a }
topics:
  - { name: T, writeQueueNums: 1, readQueueNums: 1 }
producers:
  - { group: pg, topic: T, rate: 1000, count: 10, start: 1s }
consumers:
  - { group: cg, topic: T, start: 3s${extra} }
`;

  it("batch 1 writes no batch field; batch 4 tags each consume event with its call's size", () => {
    const one = runYaml(yaml("")).events.filter((e) => e.type === "consume");
    expect(one.length).toBe(10);
    expect(one.some((e) => "batch" in e)).toBe(false);
    const four = runYaml(yaml(", consumeMessageBatchMaxSize: 4")).events.filter((e) => e.type === "consume");
    expect(four.map((e) => (e as { batch?: number }).batch)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 2, 2]);
  });

  it("BROADCASTING with a failing listener drops whole chunks and loses nothing to the checker's eyes", () => {
    const { events, r } = runYaml(yaml(", consumeMessageBatchMaxSize: 4, messageModel: BROADCASTING, consumeFromWhere: CONSUME_FROM_FIRST_OFFSET, consumeFailRate: 1"));
    const dropped = events.filter((e) => e.type === "sendback" && (e as { result: string }).result === "dropped");
    expect(dropped.length).toBe(10);
    expect(events.filter((e) => e.type === "consume").length).toBe(10); // no redelivery
    expect(r.stopReason).toBe("until");
  });
});

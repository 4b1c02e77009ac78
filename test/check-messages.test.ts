import { describe, expect, it } from "vitest";
import { checkMetric, MessageChecker, type Subscription } from "../sim/check/messages.js";
import { LatencyHistogram } from "../sim/check/msg-histogram.js";
import { IntervalSet } from "../sim/check/msg-intervals.js";
import { LagSeries } from "../sim/check/msg-series.js";
import { loadScenarioText } from "../sim/scenario/load.js";
import { runScenario } from "../sim/scenario/run.js";
import type { TraceEvent } from "../sim/trace/schema.js";

const MS = 1000;
const TOPIC = "T";

interface Msg { msgId: string; brokerName: string; queueId: number; queueOffset: number; bornUs: number }
interface SendOpts { at: number; tags?: string; broker?: string; queue?: number; status?: string;
  stored?: boolean; attempts?: number; topic?: string;
  /** Store at this offset (a log cut back below it hands it out again); later sends follow it. */
  offset?: number }

/** Emits synthetic events with consistent msgIds and per-queue offsets. */
class Feed {
  private seq = 0;
  private offsets = new Map<string, number>();
  constructor(readonly c: MessageChecker) {}

  emit(e: Record<string, unknown>): void {
    this.c.observe(e as unknown as TraceEvent);
  }

  nodes(...specs: Record<string, unknown>[]): void {
    for (const s of specs) this.emit({ t: 0, type: "node.add", ip: "10.0.0.1", ...s });
  }

  /** A send and its result `latency` µs later (see `begin`). */
  send(o: SendOpts, latency = 1 * MS): Msg {
    const p = this.begin(o);
    p.land(o.at + latency);
    return p.msg;
  }

  /**
   * A send whose result `land(t)` emits: deliveries can come in between. Stores at the next
   * offset of the queue (or at `offset`) unless the send failed.
   */
  begin(o: SendOpts): { msg: Msg; land: (t: number) => void } {
    const msgId = `m${++this.seq}`;
    const topic = o.topic ?? TOPIC;
    const brokerName = o.broker ?? "broker-a";
    const queueId = o.queue ?? 0;
    this.emit({ t: o.at, node: "producer-0", type: "send", group: "pg", msgId, topic, tags: o.tags, size: 10 });
    const stored = o.stored ?? true;
    const key = `${topic}/${brokerName}/${queueId}`;
    const queueOffset = o.offset ?? this.offsets.get(key) ?? 0;
    if (stored) this.offsets.set(key, queueOffset + 1);
    const land = (t: number) => this.emit({ t, node: "producer-0", type: "send.result", msgId, topic,
      status: o.status ?? "SEND_OK", stored, attempts: o.attempts ?? 1, latencyUs: t - o.at,
      ...(stored ? { brokerName, queueId, queueOffset } : {}) });
    return { msg: { msgId, brokerName, queueId, queueOffset, bornUs: o.at }, land };
  }

  consume(m: Msg, at: number, group = "cg", node = "consumer-0", reconsumeTimes = 0): void {
    this.emit({ t: at, node, type: "consume", group, msgId: m.msgId, topic: TOPIC, brokerName: m.brokerName,
      queueId: m.queueId, queueOffset: m.queueOffset, bornUs: m.bornUs, reconsumeTimes });
  }

  rebalance(at: number, node: string, queues: [string, number][], group = "cg"): void {
    this.emit({ t: at, node, type: "rebalance", group, topic: TOPIC,
      queues: queues.map(([brokerName, queueId]) => ({ brokerName, queueId })) });
  }
}

function setup(subs: Subscription[] = [{ group: "cg", topic: TOPIC }]): Feed {
  return new Feed(new MessageChecker(subs));
}

describe("MessageChecker: loss, duplicates, order", () => {
  it("reports a clean run as clean", () => {
    const f = setup();
    for (let i = 0; i < 100; i++) {
      const m = f.send({ at: i * 10 * MS, queue: i % 2 });
      f.consume(m, i * 10 * MS + 5 * MS);
    }
    const s = f.c.finish(2_000 * MS);
    expect(s).toMatchObject({ sent: 100, acknowledged: 100, consumed: 100, lost: 0, duplicates: 0,
      orderViolations: 0, sendFailures: {}, storedNotOk: {} });
    expect(s.byGroup.cg).toMatchObject({ consumed: 100, distinct: 100, lost: 0, duplicates: 0, orderViolations: 0 });
    expect(s.e2eLatencyMs.max).toBe(5);
    expect(s.byGroup.cg.lagSeries.at(-1)).toEqual([2000, 0]);
  });

  it("counts acknowledged messages never consumed as lost, and shows them as lag", () => {
    const f = setup();
    const msgs = Array.from({ length: 10 }, (_, i) => f.send({ at: i * MS }));
    for (const m of msgs.slice(0, 7)) f.consume(m, 20 * MS);
    const s = f.c.finish(3_000 * MS);
    expect(s.lost).toBe(3);
    expect(s.byGroup.cg.lost).toBe(3);
    expect(checkMetric(s, "lost")).toBe(3);
    expect(s.byGroup.cg.lagSeries).toEqual([[0, 0], [1000, 3], [3000, 3]]);
  });

  it("does not count a failed send as lost; a non-OK stored status is acknowledged", () => {
    const f = setup();
    f.send({ at: 0, stored: false, status: "RemotingTimeoutException" });
    f.send({ at: 0, stored: false, status: "RemotingTimeoutException" });
    const flushed = f.send({ at: MS, status: "FLUSH_DISK_TIMEOUT" });
    f.consume(flushed, 10 * MS);
    const s = f.c.finish(100 * MS);
    expect(s).toMatchObject({ sent: 3, acknowledged: 1, lost: 0,
      sendFailures: { RemotingTimeoutException: 2 }, storedNotOk: { FLUSH_DISK_TIMEOUT: 1 } });
  });

  it("counts re-deliveries after a rebalance as duplicates, not order violations", () => {
    const f = setup();
    f.rebalance(0, "c1", [["broker-a", 0]]);
    const msgs = Array.from({ length: 15 }, (_, i) => f.send({ at: i * MS }));
    for (const m of msgs.slice(0, 10)) f.consume(m, 20 * MS, "cg", "c1");
    f.rebalance(30 * MS, "c1", []);
    f.rebalance(30 * MS, "c2", [["broker-a", 0]]);
    for (const m of msgs.slice(5)) f.consume(m, 40 * MS, "cg", "c2"); // c2 starts at the committed offset 5
    const s = f.c.finish(100 * MS);
    expect(s).toMatchObject({ lost: 0, duplicates: 5, orderViolations: 0 });
    expect(checkMetric(s, "byGroup.cg.duplicates")).toBe(5);
  });

  it("counts each backwards step within a queue as one order violation", () => {
    const f = setup();
    const msgs = Array.from({ length: 7 }, (_, i) => f.send({ at: i * MS }));
    for (const i of [0, 1, 2, 5, 3, 4, 6]) f.consume(msgs[i], 20 * MS);
    expect(f.c.finish(100 * MS)).toMatchObject({ orderViolations: 1, duplicates: 0, lost: 0 });
  });

  it("allows a rewind when the node regained the queue, but not without a rebalance", () => {
    const f = setup();
    const msgs = Array.from({ length: 6 }, (_, i) => f.send({ at: i * MS }));
    for (const m of msgs) f.consume(m, 10 * MS);
    f.rebalance(11 * MS, "consumer-0", []);
    f.rebalance(12 * MS, "consumer-0", [["broker-a", 0]]);
    for (const m of msgs.slice(3)) f.consume(m, 13 * MS); // allowed: regained
    f.consume(msgs[4], 14 * MS); // 5 -> 4, no rebalance: violation
    expect(f.c.finish(100 * MS)).toMatchObject({ orderViolations: 1, duplicates: 4 });
  });

  it("ignores re-consumption via the retry mechanism (reconsumeTimes > 0)", () => {
    const f = setup();
    const m = f.send({ at: 0 });
    f.consume(m, 5 * MS);
    f.consume(m, 15 * MS, "cg", "consumer-0", 1);
    const s = f.c.finish(100 * MS);
    expect(s).toMatchObject({ consumed: 2, redelivered: 1, duplicates: 0, orderViolations: 0, lost: 0 });
  });

  it("requires every BROADCASTING instance to consume each message", () => {
    const subs = [{ group: "bc", topic: TOPIC, broadcast: true }];
    const f = setup(subs);
    f.nodes({ node: "c1", kind: "consumer", group: "bc" }, { node: "c2", kind: "consumer", group: "bc" });
    const msgs = Array.from({ length: 10 }, (_, i) => f.send({ at: i * MS }));
    for (const m of msgs) f.consume(m, 20 * MS, "bc", "c1");
    for (const m of msgs.slice(0, 6)) f.consume(m, 20 * MS, "bc", "c2");
    const s = f.c.finish(100 * MS);
    expect(s.byGroup.bc).toMatchObject({ lost: 4, duplicates: 0, broadcast: true, instances: 2 });

    const g = setup([{ ...subs[0], instances: 3 }]); // a third instance never showed up at all
    for (let i = 0; i < 10; i++) g.consume(g.send({ at: i * MS }), 20 * MS, "bc", "c1");
    expect(g.c.finish(100 * MS).byGroup.bc).toMatchObject({ lost: 20, instances: 3 });
  });

  it("does not expect a tag-filtered group to receive other tags", () => {
    const f = setup([{ group: "cg", topic: TOPIC }, { group: "tg", topic: TOPIC, tags: ["A"] }]);
    const msgs = Array.from({ length: 20 }, (_, i) => f.send({ at: i * MS, tags: i % 2 ? "B" : "A" }));
    f.send({ at: 30 * MS }); // untagged: RocketMQ's client filter drops it for a tag subscription
    for (const m of msgs) {
      f.consume(m, 40 * MS);
      if (m.queueOffset % 2 === 0 && m.queueOffset !== 10) f.consume(m, 40 * MS, "tg");
    }
    const b = msgs[1]; // tag B, delivered to tg anyway: a filter bug, not a duplicate of its "rejected" offset
    f.emit({ t: 50 * MS, node: "c9", type: "consume", group: "tg", msgId: b.msgId, topic: TOPIC, tags: "B",
      brokerName: b.brokerName, queueId: b.queueId, queueOffset: b.queueOffset, bornUs: b.bornUs, reconsumeTimes: 0 });
    const s = f.c.finish(100 * MS);
    expect(s.byGroup.tg).toMatchObject({ filterViolations: 1, duplicates: 0 });
    expect(s.byGroup.cg.lost).toBe(1); // the untagged one
    expect(s.byGroup.tg).toMatchObject({ lost: 1, distinct: 9 }); // offset 10 (tag A) missed
    expect(f.c.stats().coveredIntervals).toBeLessThanOrEqual(4);
  });

  it("counts both stored copies of a resent message consumed as a duplicate", () => {
    const f = setup();
    // Attempt 1 stored on broker-a but timed out; attempt 2 stored on broker-b and was acknowledged.
    f.emit({ t: 0, node: "producer-0", type: "send", group: "pg", msgId: "X", topic: TOPIC, size: 1 });
    const copy = { msgId: "X", queueId: 0, queueOffset: 0, bornUs: 0 };
    f.consume({ ...copy, brokerName: "broker-a" }, 2 * MS); // before the send returned
    f.emit({ t: 3 * MS, node: "producer-0", type: "send.result", msgId: "X", topic: TOPIC, status: "SEND_OK",
      stored: true, brokerName: "broker-b", queueId: 0, queueOffset: 0, attempts: 2, latencyUs: 3 * MS });
    f.consume({ ...copy, brokerName: "broker-b" }, 4 * MS);
    const s = f.c.finish(10 * MS);
    expect(s).toMatchObject({ lost: 0, duplicates: 1, resendDuplicates: 1 });
    expect(f.c.stats()).toMatchObject({ inFlight: 0, remembered: 1, reusedPositions: 0 });
  });
});

describe("MessageChecker: reused queue offsets", () => {
  it("promotion of a shorter slave: the master's unreplicated tail is lost, new messages at its offsets are not duplicates", () => {
    const f = setup();
    // The master acknowledged 10 messages at offsets 0..9, the consumer got 0..7, the slave had copied 0..5.
    const old = Array.from({ length: 10 }, (_, i) => f.send({ at: i * MS }));
    for (const m of old.slice(0, 8)) f.consume(m, 20 * MS);
    // The master loses power; the slave is promoted and hands out offsets 6.. again. The first new
    // message is delivered before its send.result arrives: it is not taken for the old message at 6.
    const first = f.begin({ at: 100 * MS, offset: 6 });
    f.consume(first.msg, 101 * MS);
    first.land(102 * MS);
    const fresh = [first.msg, ...Array.from({ length: 5 }, (_, i) => f.send({ at: 110 * MS + i * MS }))];
    expect(fresh.map((m) => m.queueOffset)).toEqual([6, 7, 8, 9, 10, 11]);
    for (const m of fresh.slice(1)) f.consume(m, 200 * MS);
    const s = f.c.finish(1000 * MS);
    // Offset-only identity said lost 0 (8 and 9 "consumed") and 2 duplicates (6 and 7 "again").
    expect(s).toMatchObject({ acknowledged: 16, lost: 2, duplicates: 0 });
    expect(s.byGroup.cg).toMatchObject({ distinct: 14, lost: 2 });
    expect(s.byGroup.cg.lagSeries.at(-1)).toEqual([1000, 2]);
    expect(f.c.stats()).toMatchObject({ reusedPositions: 4, inFlight: 0, remembered: 0 });
  });

  it("power loss and restart: the unflushed tail is lost, even when a timed-out send reuses an offset", () => {
    const f = setup();
    const old = Array.from({ length: 10 }, (_, i) => f.send({ at: i * MS })); // ASYNC_FLUSH: all acknowledged
    for (const m of old.slice(0, 4)) f.consume(m, 20 * MS);
    // Power loss at 30 ms with 0..6 flushed; the restarted broker hands out 7.. again. The first send
    // after the restart is stored at 7 but its answer times out: a failed send, never acknowledged.
    const timedOut = f.send({ at: 200 * MS, offset: 7, stored: false, status: "RemotingTimeoutException" }, 3 * MS);
    const fresh = Array.from({ length: 5 }, (_, i) => f.send({ at: 210 * MS + i * MS, offset: 8 + i }));
    for (const m of [...old.slice(4, 7), timedOut, ...fresh]) f.consume(m, 300 * MS);
    const s = f.c.finish(1000 * MS);
    // Offset-only identity said lost 0: 7 by the timed-out message, 8 and 9 by new ones.
    expect(s).toMatchObject({ acknowledged: 15, lost: 3, duplicates: 0,
      sendFailures: { RemotingTimeoutException: 1 } });
    expect(s.byGroup.cg.distinct).toBe(13);
    expect(f.c.stats()).toMatchObject({ reusedPositions: 2, remembered: 1 });
  });

  it("a delivery made while the send is in flight credits nothing if the send then fails", () => {
    const f = setup();
    const old = Array.from({ length: 4 }, (_, i) => f.send({ at: i * MS })); // 0..3; 3 not consumed yet
    for (const m of old.slice(0, 3)) f.consume(m, 10 * MS);
    // The log is cut back to 3; the next message is stored there and delivered, then its send times out.
    const y = f.begin({ at: 100 * MS, offset: 3, stored: false, status: "RemotingTimeoutException" });
    f.consume(y.msg, 101 * MS);
    y.land(3100 * MS);
    f.consume(y.msg, 3200 * MS); // and again after the failure: a duplicate of it, still no credit
    const s = f.c.finish(4000 * MS);
    expect(s).toMatchObject({ acknowledged: 4, lost: 1, duplicates: 1 });
    expect(s.byGroup.cg.distinct).toBe(4);
  });

  it("a resent message acknowledged at a reused offset: its delivery there counts, its other copy is a duplicate", () => {
    const f = setup();
    const old = Array.from({ length: 3 }, (_, i) => f.send({ at: i * MS }));
    for (const m of old) f.consume(m, 10 * MS);
    // Attempt 1 stored on broker-b at 0 and timed out; attempt 2 acknowledged on broker-a at 2, which
    // broker-a hands out again after its log was cut back to 2.
    const r = f.send({ at: 100 * MS, offset: 2, attempts: 2 });
    f.consume(r, 200 * MS);
    f.consume({ ...r, brokerName: "broker-b", queueOffset: 0 }, 210 * MS);
    const s = f.c.finish(1000 * MS);
    expect(s).toMatchObject({ acknowledged: 4, lost: 0, duplicates: 1, resendDuplicates: 1 });
    expect(f.c.stats()).toMatchObject({ reusedPositions: 1, remembered: 1 });
  });

  it("still counts genuine duplicates at a reused offset, of the new message and of the old one", () => {
    const f = setup();
    const old = Array.from({ length: 6 }, (_, i) => f.send({ at: i * MS }));
    for (const m of old.slice(0, 4)) f.consume(m, 10 * MS);
    const fresh = [2, 3, 4, 5].map((offset, i) => f.send({ at: 100 * MS + i * MS, offset })); // log cut back to 2
    for (const m of fresh) f.consume(m, 200 * MS);
    f.consume(fresh[1], 210 * MS); // the new message at 3 again (a rebalance): duplicate
    f.consume(old[3], 220 * MS); // the old message at 3 again (read from the old master's log): duplicate
    f.consume(old[4], 230 * MS); // the old message at 4, first time: delivered after all, not a duplicate
    const s = f.c.finish(1000 * MS);
    expect(s).toMatchObject({ lost: 1, duplicates: 2, resendDuplicates: 0 });
    expect(s.byGroup.cg.distinct).toBe(9);
  });

  it("BROADCASTING: every instance owes the new message; one that missed the old one lost it", () => {
    const f = setup([{ group: "bc", topic: TOPIC, broadcast: true }]);
    f.nodes({ node: "c1", kind: "consumer", group: "bc" }, { node: "c2", kind: "consumer", group: "bc" });
    const old = Array.from({ length: 3 }, (_, i) => f.send({ at: i * MS }));
    for (const m of old) f.consume(m, 10 * MS, "bc", "c1");
    for (const m of old.slice(0, 2)) f.consume(m, 10 * MS, "bc", "c2");
    const fresh = f.send({ at: 100 * MS, offset: 2 });
    f.consume(fresh, 200 * MS, "bc", "c1");
    expect(f.c.finish(1000 * MS).byGroup.bc).toMatchObject({ lost: 2, duplicates: 0, distinct: 6 }); // c2: old and new at 2
  });

  it("a tag-filtered group owes a new message at a reused offset only if it accepts its tag", () => {
    const f = setup([{ group: "cg", topic: TOPIC }, { group: "tg", topic: TOPIC, tags: ["A"] }]);
    const old = [f.send({ at: 0, tags: "A" }), f.send({ at: MS, tags: "B" })];
    for (const m of old) f.consume(m, 10 * MS);
    f.consume(old[0], 10 * MS, "tg");
    const fresh = [f.send({ at: 100 * MS, tags: "B", offset: 0 }), f.send({ at: 101 * MS, tags: "A" })];
    for (const m of fresh) f.consume(m, 200 * MS);
    const s = f.c.finish(1000 * MS);
    expect(s.byGroup.cg).toMatchObject({ lost: 0, duplicates: 0, distinct: 4 });
    expect(s.byGroup.tg).toMatchObject({ lost: 1, duplicates: 0, distinct: 1 }); // the new A at 1
  });
});

describe("MessageChecker: latency and availability", () => {
  it("reports latency percentiles within 1 % on a known distribution", () => {
    const f = setup();
    for (let i = 1; i <= 1000; i++) f.consume(f.send({ at: 0, queue: i % 4 }), i * MS);
    const { p50, p99, max } = f.c.finish(2000 * MS).e2eLatencyMs;
    expect(Math.abs(p50! - 500) / 500).toBeLessThan(0.01);
    expect(Math.abs(p99! - 990) / 990).toBeLessThan(0.01);
    expect(max).toBe(1000);
  });

  it("finds the longest window without a successful send and each fault's recovery time", () => {
    const f = setup([]);
    f.nodes({ node: "broker-a-0", kind: "broker", brokerName: "broker-a", brokerId: 0 },
      { node: "broker-b-0", kind: "broker", brokerName: "broker-b", brokerId: 0 });
    for (let t = 0; t < 5000 * MS; t += 100 * MS) f.send({ at: t, broker: t % 200 ? "broker-b" : "broker-a" });
    f.emit({ t: 5000 * MS, node: "scenario", type: "fault", index: 0, name: "crash a", action: "crash",
      nodes: ["broker-a-0"] });
    for (let t = 5000 * MS; t < 7000 * MS; t += 100 * MS) f.send({ at: t, stored: false, status: "TIMEOUT" });
    for (let t = 7000 * MS; t < 25_000 * MS; t += 100 * MS) f.send({ at: t, broker: t < 20_000 * MS ? "broker-b" : "broker-a" });
    const s = f.c.finish(30_000 * MS); // the producer stopped at 25 s: not an outage
    // Last success before: send at 4.9 s + 1 ms; first after: 7.0 s + 1 ms.
    expect(s.longestSendOutageMs).toBe(2100);
    expect(s.sendOutageWindowMs).toEqual([4901, 7001]);
    expect(s.recovery).toEqual([{ fault: 0, name: "crash a", action: "crash", atMs: 5000, recoveryMs: 2001,
      affectedBrokers: ["broker-a"], affectedRecoveryMs: 15_001 }]);
    expect(checkMetric(s, "recovery.0.affectedRecoveryMs")).toBe(15_001);
    expect(s.sendFailures).toEqual({ TIMEOUT: 20 });
  });

  it("counts the tail after the last success only while sends are still tried", () => {
    const stopped = setup([]);
    stopped.send({ at: 0 });
    expect(stopped.c.finish(10_000 * MS)).toMatchObject({ longestSendOutageMs: 1, sendOutageWindowMs: [0, 1] });

    const failing = setup([]);
    failing.send({ at: 0 });
    for (let t = 1000 * MS; t <= 8000 * MS; t += 1000 * MS) failing.send({ at: t, stored: false, status: "TIMEOUT" });
    expect(failing.c.finish(10_000 * MS)).toMatchObject({ longestSendOutageMs: 8000, sendOutageWindowMs: [1, 8001] });

    const hung = setup([]);
    hung.send({ at: 0 });
    hung.emit({ t: 5000 * MS, node: "producer-0", type: "send", group: "pg", msgId: "H", topic: TOPIC, size: 1 });
    expect(hung.c.finish(10_000 * MS)).toMatchObject({ longestSendOutageMs: 9999, sendOutageWindowMs: [1, 10_000] });
  });
});

describe("MessageChecker: bounded memory", () => {
  it("keeps one run per queue through 1,000,000 in-order messages", () => {
    const subs = [{ group: "cg", topic: TOPIC }, { group: "tg", topic: TOPIC, tags: ["A"] }];
    const c = new MessageChecker(subs);
    const n = 1_000_000;
    const lagBehind = 50; // consumers trail the producer, so the filtered group's sets fragment and heal
    // Plain literals, no spreads: the loop should cost little next to observe().
    const brokerOf = (j: number) => (j % 4 < 2 ? "broker-a" : "broker-b");
    const isA = (j: number) => j % 8 < 4; // per queue, tags alternate A, B, A, B...
    const consume = (j: number, t: number, group: string, node: string) => c.observe({ t, node, type: "consume",
      group, msgId: `m${j}`, topic: TOPIC, brokerName: brokerOf(j), queueId: j % 2, queueOffset: Math.floor(j / 4),
      bornUs: j * 100, reconsumeTimes: 0 });
    const consumeBoth = (j: number, t: number) => {
      consume(j, t, "cg", "c1");
      if (isA(j)) consume(j, t, "tg", "c2");
    };
    for (let i = 0; i < n; i++) {
      const t = i * 100; // 10 k msg/s: 100 s of virtual time
      const msgId = `m${i}`;
      c.observe({ t, node: "p", type: "send", group: "pg", msgId, topic: TOPIC, tags: isA(i) ? "A" : "B", size: 1 });
      c.observe({ t, node: "p", type: "send.result", msgId, topic: TOPIC, status: "SEND_OK", stored: true,
        brokerName: brokerOf(i), queueId: i % 2, queueOffset: Math.floor(i / 4), attempts: 1, latencyUs: 50 });
      if (i >= lagBehind) consumeBoth(i - lagBehind, t);
    }
    for (let j = n - lagBehind; j < n; j++) consumeBoth(j, n * 100);
    const stats = c.stats();
    expect(stats).toMatchObject({ queues: 4, ackedIntervals: 4, coveredIntervals: 8, inFlight: 0, remembered: 0,
      reusedPositions: 0 });
    expect(stats.orderRefs).toBe(8);
    expect(stats.lagPoints).toBeLessThanOrEqual(2 * 2000);
    const s = c.finish(n * 100);
    expect(s).toMatchObject({ sent: 1_000_000, acknowledged: 1_000_000, lost: 0, duplicates: 0, orderViolations: 0 });
    expect(s.byGroup.tg.distinct).toBe(500_000);
  });
});

describe("MessageChecker on a simulated failover with producers still writing", () => {
  // An unbounded reference: per message (msgId), did the group get it at its acknowledged position?
  function msgIdOracle(): { listen: (e: TraceEvent) => void; lost: () => number; duplicates: () => number } {
    const acked = new Map<string, string>();
    const got = new Map<string, Set<string>>();
    let duplicates = 0;
    return {
      listen: (e) => {
        if (e.type === "send.result" && e.stored) acked.set(e.msgId, `${e.brokerName}/${e.queueId}/${e.queueOffset}`);
        if (e.type !== "consume" || e.reconsumeTimes > 0) return;
        const at = got.get(e.msgId) ?? new Set<string>();
        if (at.size > 0) duplicates++;
        got.set(e.msgId, at.add(`${e.brokerName}/${e.queueId}/${e.queueOffset}`));
      },
      lost: () => [...acked].filter(([id, pos]) => !got.get(id)?.has(pos)).length,
      duplicates: () => duplicates,
    };
  }

  it("counts the promoted slave's missing tail as lost while new messages reuse its offsets", () => {
    // As ha-power-off-promote.yaml's ASYNC_MASTER group, but the producer keeps writing through
    // the blackout: from 50 s the promoted slave hands out the lost tail's offsets again.
    const scn = loadScenarioText(`name: promote with producers still writing
seed: 31
duration: 90s
cluster:
  nameservers: 1
  brokers:
    - { name: async-async, slaves: 1, brokerRole: ASYNC_MASTER, flushDiskType: ASYNC_FLUSH }
topics:
  - { name: T1, writeQueueNums: 2, readQueueNums: 2 }
producers:
  - { group: p1, topic: T1, rate: 200, start: 20s, stop: 70s, size: 512 }
consumers:
  - { group: c1, topic: T1, start: 60s, consumeFromWhere: CONSUME_FROM_FIRST_OFFSET }
faults:
  - { name: blackout, at: 40s, action: power-off, nodes: [async-async-0] }
  - { name: promote, at: 50s, action: promote, nodes: [async-async-1] }
`, "<promote-still-writing>");
    const oracle = msgIdOracle();
    const r = runScenario(scn, { tracePath: null, listeners: [oracle.listen] });
    // The 19 the slave had not copied, as in ha-power-off-promote.yaml; offset-only identity said 0.
    expect(r.checks).toMatchObject({ acknowledged: 8199, lost: 19 });
    expect(r.checks.lost).toBe(oracle.lost());
    expect(r.checks.duplicates).toBe(oracle.duplicates());
  });
});

describe("MessageChecker: bounded memory across log cut-backs", () => {
  it("keeps msgIds only for reused positions: the cut-backs' size, not the message count", () => {
    const c = new MessageChecker([{ group: "cg", topic: TOPIC }]);
    const n = 100_000, cutEvery = 10_000, cutBack = 50, lagBehind = 20;
    const ev = (e: Record<string, unknown>) => c.observe(e as unknown as TraceEvent);
    const waiting: { msgId: string; offset: number; t: number }[] = []; // acknowledged, not consumed yet
    let next = 0; // the offset the broker hands out next
    let cuts = 0;
    for (let i = 0; i < n; i++) {
      const t = i * 100;
      if (i > 0 && i % cutEvery === 0) {
        next -= cutBack; // power loss: the last 50 offsets are handed out again
        waiting.splice(waiting.length - lagBehind, lagBehind); // the 20 not consumed yet are gone
        cuts++;
      }
      const msgId = `m${i}`;
      ev({ t, node: "p", type: "send", group: "pg", msgId, topic: TOPIC, size: 1 });
      ev({ t, node: "p", type: "send.result", msgId, topic: TOPIC, status: "SEND_OK", stored: true,
        brokerName: "broker-a", queueId: 0, queueOffset: next, attempts: 1, latencyUs: 50 });
      waiting.push({ msgId, offset: next++, t });
      while (waiting.length > lagBehind) {
        const m = waiting.shift()!;
        ev({ t, node: "c1", type: "consume", group: "cg", msgId: m.msgId, topic: TOPIC, brokerName: "broker-a",
          queueId: 0, queueOffset: m.offset, bornUs: m.t, reconsumeTimes: 0 });
      }
    }
    for (const m of waiting) ev({ t: n * 100, node: "c1", type: "consume", group: "cg", msgId: m.msgId,
      topic: TOPIC, brokerName: "broker-a", queueId: 0, queueOffset: m.offset, bornUs: m.t, reconsumeTimes: 0 });
    expect(cuts).toBe(9);
    // One run of acknowledged offsets; the covered set has one hole per cut-back (its lost messages).
    expect(c.stats()).toMatchObject({ queues: 1, ackedIntervals: 1, coveredIntervals: cuts + 1, inFlight: 0,
      remembered: 0, reusedPositions: cuts * cutBack });
    const s = c.finish(n * 100);
    expect(s).toMatchObject({ acknowledged: n, lost: cuts * lagBehind, duplicates: 0 });
    expect(s.byGroup.cg.distinct).toBe(n - cuts * lagBehind);
  });
});

describe("message checker helpers", () => {
  it("IntervalSet agrees with a plain Set under random insertion", () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const a = new IntervalSet();
    const b = new IntervalSet();
    const ref = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const x = rnd(3000);
      expect(a.add(x)).toBe(!ref.has(x));
      ref.add(x);
      if (x % 3 !== 0) b.add(x);
    }
    expect(a.size).toBe(ref.size);
    for (let x = 0; x < 3000; x++) expect(a.has(x)).toBe(ref.has(x));
    const onlyA = [...ref].filter((x) => x % 3 === 0).length;
    expect(a.countNotIn(b)).toBe(onlyA);
    const runs = a.runs();
    for (let i = 1; i < runs.length; i++) expect(runs[i][0]).toBeGreaterThan(runs[i - 1][1]);
  });

  it("IntervalSet fills a fragmented frontier without growing", () => {
    const s = new IntervalSet();
    for (let x = 1; x < 10_000; x += 2) s.add(x); // every other offset ahead of the consumer
    expect(s.intervals).toBe(5000);
    for (let x = 0; x < 10_000; x += 2) s.add(x);
    expect(s.runs()).toEqual([[0, 10_000]]);
  });

  it("LatencyHistogram stays within 1 % of the exact value", () => {
    for (const v of [0, 1, 63, 64, 65, 1000, 123_457, 3_600_000_000]) {
      const h = new LatencyHistogram();
      h.record(v);
      h.record(v + 1);
      h.record(v + 2);
      const p = h.percentileUs(0.5)!;
      expect(Math.abs(p - (v + 1))).toBeLessThanOrEqual(Math.max(1, (v + 1) * 0.01));
    }
    expect(new LatencyHistogram().summaryMs()).toEqual({ p50: null, p99: null, max: null });
  });

  it("LagSeries downsamples and keeps the peaks", () => {
    const s = new LagSeries(10);
    for (let i = 0; i < 100; i++) s.push(i * 1000, i === 37 ? 999 : i % 5);
    const pts = s.toArray();
    expect(pts.length).toBeLessThanOrEqual(11);
    expect(pts).toContainEqual([37_000, 999]);
  });

  it("checkMetric resolves paths and rejects non-numbers", () => {
    const f = setup([{ group: "cg.x", topic: TOPIC }]);
    f.consume(f.send({ at: 0 }), 2 * MS, "cg.x");
    const s = f.c.finish(10 * MS);
    expect(checkMetric(s, "byGroup.cg.x.consumed")).toBe(1);
    expect(checkMetric(s, "e2eLatencyMs.p99")).toBe(2);
    expect(checkMetric(s, "byGroup")).toBeUndefined();
    expect(checkMetric(s, "nope.x")).toBeUndefined();
    expect(checkMetric(s, "sendOutageWindowMs.1")).toBe(1);
  });
});

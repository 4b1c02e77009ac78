// MessageChecker: loss, duplicates, order, latency, availability, and its helpers.
import { describe, expect, it } from "vitest";
import { checkMetric, MessageChecker, type Subscription } from "../sim/check/messages.js";
import { LatencyHistogram } from "../sim/check/msg-histogram.js";
import { IntervalSet } from "../sim/check/msg-intervals.js";
import { LagSeries } from "../sim/check/msg-series.js";
import { loadScenarioText } from "../sim/scenario/load.js";
import { runScenario } from "../sim/scenario/run.js";
import type { TraceEvent } from "../sim/trace/schema.js";
import { Feed, MS, TOPIC, setup, type Msg } from "./helpers/checker-feed.js";

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

// MessageChecker when queue offsets are handed out again (promotion, power loss, truncation,
// split brain), and its memory bounds.
import { describe, expect, it } from "vitest";
import { checkMetric, MessageChecker, type Subscription } from "../sim/check/messages.js";
import { LatencyHistogram } from "../sim/check/msg-histogram.js";
import { IntervalSet } from "../sim/check/msg-intervals.js";
import { LagSeries } from "../sim/check/msg-series.js";
import { loadScenarioText } from "../sim/scenario/load.js";
import { runScenario } from "../sim/scenario/run.js";
import type { TraceEvent } from "../sim/trace/schema.js";
import { Feed, MS, TOPIC, setup, type Msg } from "./helpers/checker-feed.js";

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

// Batch sends (DefaultMQProducer#send(Collection), SEND_BATCH_MESSAGE): the store puts a
// batch as one block, the producer forms batches from its arrivals (a partial one at
// count/stop), the loader refuses what RocketMQ refuses, and the checker still counts
// every inner message (also with trace.messages = false).
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../sim/scenario/load.js";
import { ScenarioError } from "../sim/scenario/errors.js";
import { runScenario } from "../sim/scenario/run.js";
import type { TraceEvent } from "../sim/trace/schema.js";
import { runYaml } from "./helpers/run-yaml.js";
import { msg, put, setup, type Outcome } from "./helpers/store-setup.js";

type Ev<T extends TraceEvent["type"]> = Extract<TraceEvent, { type: T }>;

describe("MessageStore#putMessages", () => {
  it("appends a batch as one block: consecutive queue offsets, one record each, one result", () => {
    const env = setup();
    put(env, msg(0));
    const o: Outcome = {};
    env.store.putMessages([msg(1), msg(2, { tags: "TagB" }), msg(3)], (status, r) => { o.status = status; o.r = r; });
    expect(o.status).toBe("PUT_OK");
    expect(o.r!.queueOffset).toBe(1);
    const phys = o.r!.batchPhys!;
    expect(phys).toHaveLength(3);
    expect(phys[0]).toBe(o.r!.commitLogOffset);
    expect(phys[1]).toBeGreaterThan(phys[0]);
    expect(phys[2]).toBeGreaterThan(phys[1]);
    expect(o.r!.storeSize).toBe(env.store.maxPhyOffset - phys[0]);
    env.engine.run({ untilUs: 10_000 });
    const got = env.store.getMessage("T", 0, 0, 32);
    expect(got.messages.map((m) => [m.queueOffset, m.msgId, m.commitLogOffset])).toEqual(
      [[0, msg(0).msgId, 0], [1, msg(1).msgId, phys[0]], [2, msg(2).msgId, phys[1]], [3, msg(3).msgId, phys[2]]]);
    expect(got.messages[2].tags).toBe("TagB"); // each inner message keeps its own tag (its own tagsCode)
  });

  it("takes one write under the put lock however many messages it holds", () => {
    const env = setup({ disk: { writeUs: { distribution: "fixed", value: 100 }, fsyncUs: { distribution: "fixed", value: 1000 }, bandwidthBytesPerSec: 1e9 } });
    const done: number[] = [];
    env.store.putMessages(Array.from({ length: 32 }, (_, i) => msg(i)), () => done.push(env.engine.nowUs));
    env.store.putMessage(msg(99), () => done.push(env.engine.nowUs));
    const before = env.engine.events;
    env.engine.run({ untilUs: 1_000 });
    expect(done).toEqual([100, 200]); // the batch is one 100 µs write, the single put the next
    expect(env.engine.events - before).toBeLessThan(10);
  });

  it("fails the whole batch when one inner message is too big", () => {
    const env = setup({ maxMessageSize: 1000 });
    const o: Outcome = {};
    env.store.putMessages([msg(1), msg(2, { bodySize: 2000 })], (status, r) => { o.status = status; o.r = r; });
    expect(o).toEqual({ status: "MESSAGE_ILLEGAL", r: undefined });
    expect(env.store.maxPhyOffset).toBe(0);
  });
});

const SCN = (producer: string, extra = "") => `name: t
seed: 3
duration: 20s
${extra}cluster:
  nameservers: 1
  brokers:
    - { name: broker-a }
    - { name: broker-b }
topics:
  - { name: T, writeQueueNums: 2, readQueueNums: 2 }
producers:
  - { group: pg, topic: T, start: 5s, ${producer} }
consumers:
  - { group: cg, topic: T }
`;

describe("producer batchSize", () => {
  it("sends full batches, then the rest at count; each batch to one queue, consecutive offsets", () => {
    const { events, r } = runYaml(SCN("rate: 100, count: 20, batchSize: 8, tags: [A, B]"));
    const sends = events.filter((e): e is Ev<"send"> => e.type === "send");
    expect(sends.map((e) => e.batch)).toEqual([...Array(16).fill(8), ...Array(4).fill(4)]);
    // send(Collection) happens when the batch is full: all its messages share the time
    expect(new Set(sends.slice(0, 8).map((e) => e.t)).size).toBe(1);
    const results = events.filter((e): e is Ev<"send.result"> => e.type === "send.result");
    expect(results).toHaveLength(20);
    for (const [from, n] of [[0, 8], [8, 8], [16, 4]]) {
      const b = results.slice(from, from + n);
      expect(b.every((e) => e.stored && e.brokerName === b[0].brokerName && e.queueId === b[0].queueId)).toBe(true);
      expect(b.map((e) => e.queueOffset! - b[0].queueOffset!)).toEqual([...Array(n).keys()]);
      expect(new Set(b.map((e) => e.offsetMsgId)).size).toBe(n); // each its own physical offset
    }
    const stores = events.filter((e): e is Ev<"store"> => e.type === "store");
    expect(stores.map((e) => e.batch)).toEqual(sends.map((e) => e.batch));
    // the broker stamps the batch's born time on every inner message
    const consumed = events.filter((e): e is Ev<"consume"> => e.type === "consume");
    expect(consumed).toHaveLength(20);
    expect(consumed.every((e) => e.bornUs === sends.find((s) => s.msgId === e.msgId)!.t)).toBe(true);
    expect(r.checks).toMatchObject({ sent: 20, acknowledged: 20, lost: 0, duplicates: 0, batchesSent: 3, batchesStored: 3, batchesSplit: 0 });
  });

  it("sends the partial batch before stop", () => {
    const { events } = runYaml(SCN("rate: 10, stop: 6s, batchSize: 4"));
    const sends = events.filter((e): e is Ev<"send"> => e.type === "send");
    expect(sends.map((e) => e.batch)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 2, 2]);
  });

  // 3000 arrivals; the last 8 are still being collected when the run ends.
  it("works with async sends, and the checker works without per-message trace lines", () => {
    const scn = loadScenarioText(SCN("rate: 200, batchSize: 16, sendMode: async", "trace: { messages: false }\n"), "t.yaml");
    const r = runScenario(scn, { tracePath: null });
    expect(r.checks).toMatchObject({ sent: 2992, acknowledged: 2992, consumed: 2992, lost: 0, duplicates: 0, batchesSent: 187, batchesSplit: 0 });
  });

  it("refuses a batch over 4 MiB on the client, before any request (Validators#checkMessage)", () => {
    const { events } = runYaml(SCN("rate: 10, count: 8, batchSize: 4, size: 1MB"));
    const results = events.filter((e): e is Ev<"send.result"> => e.type === "send.result");
    expect(results.map((e) => [e.status, e.attempts, e.batch])).toEqual(Array(8).fill(["MESSAGE_ILLEGAL", 0, 4]));
    expect(events.some((e) => e.type === "store")).toBe(false);
    const ok = runYaml(SCN("rate: 10, count: 6, batchSize: 3, size: 1MB")).events;
    expect(ok.filter((e) => e.type === "send.result" && e.stored)).toHaveLength(6);
  });

  it("batchSize 1 is the plain send (no batch fields)", () => {
    const { events } = runYaml(SCN("rate: 10, count: 3, batchSize: 1"));
    expect(events.filter((e) => e.type === "send" || e.type === "send.result" || e.type === "store").every((e) => !("batch" in e))).toBe(true);
  });
});

describe("batches under DLedger and Controller failover", () => {
  for (const [failover, slaves, profile] of [["dledger", 2, "4.9"], ["controller", 1, "5.3"]] as const) {
    it(`${failover}: every batch stored in one block, nothing lost`, () => {
      const { r } = runYaml(`name: t
seed: 7
duration: 40s
profile: "${profile}"
cluster:
  nameservers: 1
  brokers:
    - { name: broker-a, slaves: ${slaves}, failover: ${failover} }
topics:
  - { name: T, brokers: [broker-a], writeQueueNums: 2, readQueueNums: 2 }
producers:
  - { group: pg, topic: T, rate: 160, start: 10s, count: 2000, batchSize: 8 }
consumers:
  - { group: cg, topic: T }
`);
      expect(r.checks).toMatchObject({ sent: 2000, acknowledged: 2000, consumed: 2000, lost: 0, duplicates: 0, batchesSent: 250, batchesStored: 250, batchesSplit: 0 });
    });
  }
});

describe("loader: what RocketMQ refuses for batches", () => {
  const bad = (producer: string) => {
    try { loadScenarioText(SCN(producer), "t.yaml"); } catch (e) { if (e instanceof ScenarioError) return e.message; throw e; }
    return "loaded";
  };
  it("refuses a delay level, oneway and a %RETRY% topic, naming batchSize", () => {
    expect(bad("rate: 10, batchSize: 8, delayLevel: 2")).toBe(
      "t.yaml:12:60 producers[0].batchSize: batches cannot carry a delay level (MessageBatch: TimeDelayLevel is not supported for batching); drop delayLevel or batchSize");
    expect(bad("rate: 10, batchSize: 8, sendMode: oneway")).toMatch(/^t\.yaml:12:60 producers\[0\]\.batchSize: RocketMQ has no oneway batch send/);
    expect(bad("rate: 10, batchSize: 0")).toMatch(/^t\.yaml:12:60 producers\[0\]\.batchSize: /);
    expect(bad("rate: 10, batchSize: 1, delayLevel: 2")).toBe("loaded");
  });
});

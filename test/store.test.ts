// The message store: ids and tag hashes, append/dispatch/read, getMessage statuses,
// retention, the replication seam.
import { describe, expect, it } from "vitest";
import { javaStringHashCode, tagsCodeOf, type MessageStoreOptions } from "../sim/store/index.js";
import { packMsgId, unpackMsgId, RECORD_FIXED_BYTES } from "../sim/store/msg-codec.js";
import { MS, S, setup, id, msg, put } from "./helpers/store-setup.js";

describe("javaStringHashCode / msgId packing", () => {
  it("matches Java's String.hashCode", () => {
    expect(javaStringHashCode("TagA")).toBe(2598919);
    expect(javaStringHashCode("")).toBe(0);
    expect(javaStringHashCode("hello")).toBe(99162322);
    expect(javaStringHashCode("Aa")).toBe(2112);
    expect(javaStringHashCode("BB")).toBe(2112);
    expect(javaStringHashCode("polygenelubricants")).toBe(-2147483648); // Integer.MIN_VALUE
    expect(javaStringHashCode("\u00e9")).toBe(233);
    expect(tagsCodeOf(undefined)).toBe(0);
    expect(tagsCodeOf("TagA")).toBe(2598919);
  });

  it("packs 32-hex-digit msgIds into four words and back", () => {
    const w = new Int32Array(4);
    for (const s of [id(1), "FFFFFFFF00000000800000007FFFFFFF", "645100FA00002A9F000000489A3AA09E"]) {
      expect(packMsgId(s, w, 0)).toBe(true);
      expect(unpackMsgId(w, 0)).toBe(s);
    }
    expect(packMsgId("m1", w, 0)).toBe(false);
    expect(packMsgId("645100fa00002a9f000000489a3aa09e", w, 0)).toBe(false); // lower case kept verbatim
    expect(packMsgId("645100FA00002A9F000000489A3AA09G", w, 0)).toBe(false);
  });
});

describe("append, dispatch and read back", () => {
  it("stores records with cumulative physical offsets and per-queue logical offsets", () => {
    const env = setup();
    const a = put(env, msg(1));
    const b = put(env, msg(2, { queueId: 1, tags: undefined, keys: "k1 k2" }));
    const c = put(env, msg(3, { props: { DELAY: "3" }, producerGroup: "PG", reconsumeTimes: 2 }));
    // ASYNC_FLUSH with instant writes: PUT_OK synchronously.
    expect([a.status, b.status, c.status]).toEqual(["PUT_OK", "PUT_OK", "PUT_OK"]);
    // 91 fixed + body 100 + topic 1 + props: UNIQ_KEY 42, WAIT 10, CLUSTER=DefaultCluster 23, TAGS 10.
    expect(RECORD_FIXED_BYTES).toBe(91);
    expect(a.r).toEqual({ commitLogOffset: 0, queueOffset: 0, storeUs: 0, storeSize: 91 + 100 + 1 + 42 + 10 + 23 + 10 });
    expect(b.r!.commitLogOffset).toBe(a.r!.storeSize);
    expect(b.r!.queueOffset).toBe(0);
    expect(c.r!.commitLogOffset).toBe(a.r!.storeSize + b.r!.storeSize);
    expect(c.r!.queueOffset).toBe(1);
    expect(env.store.maxPhyOffset).toBe(c.r!.commitLogOffset + c.r!.storeSize);

    env.engine.run({ untilUs: 2 * MS });
    const g = env.store.getMessage("T", 0, 0, 32, null);
    expect(g.status).toBe("FOUND");
    expect(g.nextBeginOffset).toBe(2);
    expect(g.minOffset).toBe(0);
    expect(g.maxOffset).toBe(2);
    expect(g.messages.map((m) => m.msgId)).toEqual([id(1), id(3)]);
    expect(g.messages[1]).toMatchObject({
      topic: "T", queueId: 0, queueOffset: 1, commitLogOffset: c.r!.commitLogOffset, tags: "TagA", tagsCode: 2598919,
      bornUs: 3, storeUs: 0, bodySize: 100, reconsumeTimes: 2, producerGroup: "PG", props: { DELAY: "3" },
    });
    const q1 = env.store.getMessage("T", 1, 0, 32, null);
    expect(q1.messages[0]).toMatchObject({ msgId: id(2), keys: "k1 k2", tagsCode: 0 });
    expect(q1.messages[0].tags).toBeUndefined();
    expect(env.store.queryByKey("T", "k2").map((m) => m.msgId)).toEqual([id(2)]);
    expect(env.store.queryByKey("T", "nope")).toEqual([]);
  });

  it("finds messages by key, with the bounded index or by scanning", () => {
    for (const messageIndexEnable of [true, false]) {
      const env = setup({ messageIndexEnable, maxIndexEntries: 4 });
      for (let i = 0; i < 6; i++) put(env, msg(i, { queueId: i % 2, keys: i % 2 ? "odd all" : "even all" }));
      expect(env.store.queryByKey("T", "all")).toEqual([]); // not dispatched yet
      env.engine.run({ untilUs: 2 * MS });
      const all = env.store.queryByKey("T", "all").map((m) => m.msgId);
      // The index holds the last 4 key entries (even+all, odd+all per message: 2 messages).
      expect(all).toEqual(messageIndexEnable ? [id(5), id(4)] : [5, 4, 3, 2, 1, 0].map(id));
      expect(env.store.queryByKey("T", "odd", 2).map((m) => m.msgId)).toEqual([id(5), messageIndexEnable ? undefined : id(3)].filter(Boolean));
    }
  });

  it("stores ids as words (or as strings), keeps ids that are not 32 upper-case hex digits as they are", () => {
    for (const packMsgIds of [true, false]) {
      const env = setup({ packMsgIds });
      put(env, msg(1));
      put(env, msg(2, { msgId: "m-1" }));
      put(env, msg(3));
      env.engine.run({ untilUs: 2 * MS });
      expect(env.store.getMessage("T", 0, 0, 32, null).messages.map((m) => m.msgId)).toEqual([id(1), "m-1", id(3)]);
    }
  });

  it("makes a message visible in its ConsumeQueue 1 ms after the append, then calls onArrive", () => {
    const env = setup();
    const arrived: [string, number, number, number, number][] = [];
    env.store.onArrive((t, q, max, code) => arrived.push([t, q, max, code, env.engine.nowUs]));
    env.engine.run({ untilUs: 10 * MS });
    put(env, msg(1));
    expect(env.store.getMaxOffsetInQueue("T", 0)).toBe(0);
    expect(env.store.getMessage("T", 0, 0, 32, null).status).toBe("NO_MESSAGE_IN_QUEUE");
    env.engine.run({ untilUs: 11 * MS - 1 });
    expect(env.store.getMaxOffsetInQueue("T", 0)).toBe(0);
    put(env, msg(2, { tags: "TagB" }));
    env.engine.run({ untilUs: 11 * MS + 1 });
    expect(env.store.getMaxOffsetInQueue("T", 0)).toBe(2);
    expect(arrived).toEqual([["T", 0, 1, 2598919, 11 * MS], ["T", 0, 2, javaStringHashCode("TagB"), 11 * MS]]);
  });

  it("uses the deliver time as tagsCode when asked (SCHEDULE_TOPIC_XXXX)", () => {
    const env = setup();
    env.engine.run({ untilUs: 5 * MS });
    put(env, msg(1, { topic: "SCHEDULE_TOPIC_XXXX", queueId: 2, deliverAfterUs: 10 * S }));
    env.engine.run({ untilUs: 7 * MS });
    expect(env.store.getMessage("SCHEDULE_TOPIC_XXXX", 2, 0, 32, null).messages[0].tagsCode).toBe(5 * MS + 10 * S);
  });
});

describe("getMessage", () => {
  function filled(n: number, opts: Partial<MessageStoreOptions> = {}, tag = (i: number): string | undefined => (i % 2 ? "TagB" : "TagA")) {
    const env = setup(opts);
    for (let i = 0; i < n; i++) put(env, msg(i, { tags: tag(i) }));
    env.engine.run({ untilUs: 2 * MS });
    return env;
  }

  it("answers each offset case like DefaultMessageStore#getMessage", () => {
    const env = filled(10);
    const s = env.store;
    expect(s.getMessage("nope", 0, 5, 32, null)).toMatchObject({ status: "NO_MESSAGE_IN_QUEUE", nextBeginOffset: 0, minOffset: 0, maxOffset: 0 });
    expect(s.getMessage("T", 0, 10, 32, null)).toMatchObject({ status: "OFFSET_OVERFLOW_ONE", nextBeginOffset: 10, maxOffset: 10 });
    expect(s.getMessage("T", 0, 15, 32, null)).toMatchObject({ status: "OFFSET_OVERFLOW_BADLY", nextBeginOffset: 10 });
    expect(s.getMessage("T", 0, 3, 32, null)).toMatchObject({ status: "FOUND", nextBeginOffset: 10 });
    expect(s.getMessage("T", 0, 3, 4, null)).toMatchObject({ status: "FOUND", nextBeginOffset: 7 });
    // A slave without offsetCheckInSlave leaves the offset alone.
    s.role = "SLAVE";
    expect(s.getMessage("T", 0, 15, 32, null)).toMatchObject({ status: "OFFSET_OVERFLOW_BADLY", nextBeginOffset: 15 });
    expect(s.getMessage("nope", 0, 5, 32, null)).toMatchObject({ status: "NO_MESSAGE_IN_QUEUE", nextBeginOffset: 5 });
  });

  it("filters by tagsCode on the ConsumeQueue", () => {
    const env = filled(10);
    const a = javaStringHashCode("TagA");
    const g = env.store.getMessage("T", 0, 0, 32, (c) => c === a);
    expect(g.status).toBe("FOUND");
    expect(g.messages.map((m) => m.queueOffset)).toEqual([0, 2, 4, 6, 8]);
    expect(g.nextBeginOffset).toBe(10);
    const none = env.store.getMessage("T", 0, 0, 32, (c) => c === 42);
    expect(none).toMatchObject({ status: "NO_MATCHED_MESSAGE", nextBeginOffset: 10, messages: [] });
    // Batch of 2 matches (2, 4): the scan stops at the next entry (isTheBatchFull), 3 was skipped.
    expect(env.store.getMessage("T", 0, 1, 2, (c) => c === a).nextBeginOffset).toBe(5);
  });

  it("scans at most 800 CQ entries per request (maxFilterMessageSize 16000 B)", () => {
    const env = filled(1000, {}, (i) => (i === 900 ? "TagA" : "TagB"));
    const a = javaStringHashCode("TagA");
    expect(env.store.getMessage("T", 0, 0, 32, (c) => c === a)).toMatchObject({ status: "NO_MATCHED_MESSAGE", nextBeginOffset: 800 });
    const g = env.store.getMessage("T", 0, 800, 32, (c) => c === a);
    expect(g.messages.map((m) => m.queueOffset)).toEqual([900]);
  });

  it("caps batches at maxMsgNums, 32 / 256 KiB hot and 8 / 64 KiB cold", () => {
    const env = filled(40);
    expect(env.store.getMessage("T", 0, 0, 64, null).messages.length).toBe(32);
    expect(env.store.getMessage("T", 0, 0, 5, null).messages.length).toBe(5);
    const big = setup();
    for (let i = 0; i < 5; i++) put(big, msg(i, { bodySize: 100 * 1024 }));
    big.engine.run({ untilUs: 2 * MS });
    expect(big.store.getMessage("T", 0, 0, 32, null)).toMatchObject({ nextBeginOffset: 2 }); // 3 × 100 KiB > 256 KiB
    const cold = filled(40, { hotBytes: 0 });
    const g = cold.store.getMessage("T", 0, 0, 32, null);
    expect(g.messages.length).toBe(8);
    expect(g.suggestPullingFromSlave).toBe(true);
  });
});

describe("retention", () => {
  it("drops whole chunks behind the slowest reader, frees memory, and answers OFFSET_TOO_SMALL below", () => {
    const env = setup({ retainPerQueue: 1000, commitLogRetain: 0, retainEveryAppends: 1e9 });
    for (let i = 0; i < 10_000; i++) put(env, msg(i));
    env.engine.run({ untilUs: 2 * MS });
    const s = env.store;
    env.engine.run({ untilUs: 600 * MS });
    const before = s.stats();
    s.setRetentionSource(() => 9000);
    expect(before.cqChunks).toBe(10);
    expect(s.retain()).toBe(7 * 1024); // below 9000 - 1000, whole 1024-entry chunks
    const after = s.stats();
    expect(after.cqChunks).toBe(3);
    expect(after.cqEntriesHeld).toBe(10_000 - 7168);
    expect(after.evictedEntries).toBe(7168);
    expect(after.logEntriesHeld).toBeLessThan(before.logEntriesHeld);
    expect(after.approxBytes).toBeLessThan(before.approxBytes);
    expect(s.getMinOffsetInQueue("T", 0)).toBe(7168);
    expect(s.getMessage("T", 0, 100, 32, null)).toMatchObject({ status: "OFFSET_TOO_SMALL", nextBeginOffset: 7168, minOffset: 7168 });
    expect(s.getMessage("T", 0, 7168, 32, null).messages[0].msgId).toBe(id(7168));
  });

  it("without a known reader keeps retainPerQueue behind the max offset, automatically every N appends", () => {
    const env = setup({ retainPerQueue: 1000, retainEveryAppends: 4096 });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 1000; i++) put(env, msg(round * 1000 + i));
      env.engine.run({ untilUs: env.engine.nowUs + 600 * MS });
    }
    const st = env.store.stats();
    expect(st.messages).toBe(20_000);
    expect(st.cqEntriesHeld).toBeLessThan(6000);
    expect(env.store.getMinOffsetInQueue("T", 0)).toBeGreaterThan(0);
  });
});

describe("replication seam", () => {
  it("reads CommitLog records from an offset and appends them on a slave at the same offsets", () => {
    const m = setup();
    const sl = setup({}, "broker-a-slave");
    sl.store.role = "SLAVE";
    for (let i = 0; i < 6; i++) put(m, msg(i, { queueId: i % 2, keys: `k${i}` }));
    const batch = m.store.readCommitLog(0, 32 * 1024)!;
    expect(batch.length).toBe(6);
    for (const r of batch) expect(sl.store.appendReplicated(r)).toBe(true);
    expect(sl.store.appendReplicated(batch[0])).toBe(false); // not at the slave's max offset
    expect(sl.store.maxPhyOffset).toBe(m.store.maxPhyOffset);
    sl.engine.run({ untilUs: 2 * MS });
    const g = sl.store.getMessage("T", 1, 0, 32, null);
    expect(g.messages.map((x) => [x.msgId, x.queueOffset, x.keys])).toEqual([[id(1), 0, "k1"], [id(3), 1, "k3"], [id(5), 2, "k5"]]);
    expect(m.store.readCommitLog(batch[2].commitLogOffset, 1)!.length).toBe(1);
    expect(m.store.readCommitLog(m.store.maxPhyOffset, 1024)).toEqual([]);
    expect(m.store.readCommitLog(3, 1024)).toBeNull();
  });
});

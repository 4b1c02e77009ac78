import { describe, expect, it } from "vitest";
import { Engine } from "../sim/core/engine.js";
import { Node } from "../sim/core/node.js";
import { RandomStreams } from "../sim/core/random.js";
import {
  MessageStore, failDisk, fillDisk, healDisk, javaStringHashCode, onPowerLoss, slowDisk, tagsCodeOf,
  type MessageStoreOptions, type PutRequest, type PutResult, type PutStatus,
} from "../sim/store/index.js";
import { packMsgId, unpackMsgId, RECORD_FIXED_BYTES } from "../sim/store/msg-codec.js";

const MS = 1000;
const S = 1_000_000;

function setup(opts: Partial<MessageStoreOptions> = {}, name = "broker-a") {
  const engine = new Engine();
  const streams = new RandomStreams(7);
  let store!: MessageStore;
  const node = new Node(engine, name, "10.0.0.1", (n) => {
    store = new MessageStore(n, { streams, disk: { fsyncUs: { distribution: "fixed", value: 1000 }, bandwidthBytesPerSec: 1e9 }, ...opts });
    return { start: () => store.start() };
  });
  node.start();
  return { engine, node, get store() { return store; } };
}

const id = (i: number) => "0A0000010F2C" + "1B2C3D4E" + i.toString(16).toUpperCase().padStart(12, "0");

function msg(i: number, over: Partial<PutRequest> = {}): PutRequest {
  return { topic: "T", queueId: 0, tags: "TagA", msgId: id(i), bornUs: i, bodySize: 100, ...over };
}

interface Outcome { status?: PutStatus; r?: PutResult; atUs?: number }

function put(env: { engine: Engine; store: MessageStore }, req: PutRequest): Outcome {
  const o: Outcome = {};
  env.store.putMessage(req, (status, r) => { o.status = status; o.r = r; o.atUs = env.engine.nowUs; });
  return o;
}

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

describe("flushing", () => {
  it("ASYNC_FLUSH: put completes at once; the flush thread fsyncs every 500 ms when >= 4 pages are dirty, fully every 10 s", () => {
    const env = setup();
    const a = put(env, msg(1));
    expect(a.atUs).toBe(0);
    expect(env.store.flushedPhyOffset).toBe(0);
    // The first pass is a thorough one (leastPages = 0): fsync at 500 ms, lasting 1 ms.
    env.engine.run({ untilUs: 500 * MS + 999 });
    expect(env.store.flushedPhyOffset).toBe(0);
    env.engine.run({ untilUs: 502 * MS });
    expect(env.store.flushedPhyOffset).toBe(env.store.maxPhyOffset);
    // A small write waits for the next thorough pass (loop start at >= 10 s, flush 500 ms later).
    put(env, msg(2));
    env.engine.run({ untilUs: 10 * S });
    expect(env.store.flushedPhyOffset).toBeLessThan(env.store.maxPhyOffset);
    env.engine.run({ untilUs: 11 * S });
    expect(env.store.flushedPhyOffset).toBe(env.store.maxPhyOffset);
    // 16 KiB or more dirty: flushed at the next 500 ms pass.
    for (let i = 0; i < 20; i++) put(env, msg(10 + i, { bodySize: 1000 }));
    const t = env.engine.nowUs;
    env.engine.run({ untilUs: t + 503 * MS });
    expect(env.store.flushedPhyOffset).toBe(env.store.maxPhyOffset);
  });

  it("SYNC_FLUSH: a put waits for the fsync covering it; requests arriving meanwhile share the next fsync", () => {
    const env = setup({ flushDiskType: "SYNC_FLUSH", disk: { fsyncUs: { distribution: "fixed", value: 2000 }, bandwidthBytesPerSec: 1e12 } });
    const a = put(env, msg(1));
    expect(a.status).toBeUndefined();
    env.engine.run({ untilUs: 500 });
    const b = put(env, msg(2));
    const c = put(env, msg(3));
    env.engine.run({ untilUs: 10 * MS });
    expect(a).toMatchObject({ status: "PUT_OK", atUs: 2000 });
    expect(b).toMatchObject({ status: "PUT_OK", atUs: 4000 });
    expect(c).toMatchObject({ status: "PUT_OK", atUs: 4000 });
    expect(env.store.disk.fsyncs).toBe(2);
    expect(env.store.flushedPhyOffset).toBe(env.store.maxPhyOffset);
  });

  it("SYNC_FLUSH on a slow disk: FLUSH_DISK_TIMEOUT after syncFlushTimeout (5 s), message stored", () => {
    const env = setup({ flushDiskType: "SYNC_FLUSH" });
    slowDisk(env.node, { fsyncUs: { distribution: "fixed", value: 8 * S } });
    const a = put(env, msg(1));
    env.engine.run({ untilUs: 5 * S - 1 });
    expect(a.status).toBeUndefined();
    env.engine.run({ untilUs: 5 * S + 1 });
    expect(a).toMatchObject({ status: "FLUSH_DISK_TIMEOUT", atUs: 5 * S });
    expect(a.r!.queueOffset).toBe(0);
    expect(env.store.getMessage("T", 0, 0, 32, null).status).toBe("FOUND");
    env.engine.run({ untilUs: 9 * S });
    expect(env.store.flushedPhyOffset).toBe(env.store.maxPhyOffset); // the slow fsync did land
  });

  it("slow-disk factor scales fsync time; heal restores it", () => {
    const env = setup({ flushDiskType: "SYNC_FLUSH" });
    slowDisk(env.node, { factor: 10 });
    const a = put(env, msg(1));
    env.engine.run({ untilUs: 20 * MS });
    expect(a.atUs).toBe(10 * MS + Math.round((a.r!.storeSize * 1e6 * 10) / 1e9));
    healDisk(env.node);
    const b = put(env, msg(2));
    env.engine.run({ untilUs: 40 * MS });
    expect(b.atUs! - 20 * MS).toBe(1 * MS);
  });
});

describe("disk faults", () => {
  it("disk-full: SERVICE_NOT_AVAILABLE until healed", () => {
    const env = setup();
    fillDisk(env.node);
    expect(put(env, msg(1)).status).toBe("SERVICE_NOT_AVAILABLE");
    healDisk(env.node);
    expect(put(env, msg(2)).status).toBe("PUT_OK");
  });

  it("disk-fail: appends fail, a SYNC_FLUSH batch whose fsync errors gets FLUSH_DISK_TIMEOUT", () => {
    const env = setup({ flushDiskType: "SYNC_FLUSH" });
    const a = put(env, msg(1));
    failDisk(env.node); // while a's fsync is in flight
    expect(put(env, msg(2)).status).toBe("CREATE_MAPPED_FILE_FAILED");
    env.engine.run({ untilUs: 2 * MS });
    expect(a).toMatchObject({ status: "FLUSH_DISK_TIMEOUT", atUs: 1000 });
    expect(env.store.flushedPhyOffset).toBe(0);
    expect(env.store.disk.fsyncErrors).toBeGreaterThan(0);
    healDisk(env.node);
    const c = put(env, msg(3));
    env.engine.run({ untilUs: 40 * MS });
    expect(c.status).toBe("PUT_OK");
    expect(env.store.flushedPhyOffset).toBe(env.store.maxPhyOffset);
  });

  it("slow writes hold the put lock: OS_PAGE_CACHE_BUSY after 1 s, queued puts complete in order", () => {
    const env = setup();
    slowDisk(env.node, { writeUs: { distribution: "fixed", value: 2 * S } });
    const a = put(env, msg(1));
    env.engine.run({ untilUs: 500 * MS });
    const b = put(env, msg(2));
    env.engine.run({ untilUs: 1500 * MS });
    const c = put(env, msg(3));
    expect(c.status).toBe("OS_PAGE_CACHE_BUSY");
    expect(env.store.isOSPageCacheBusy()).toBe(true);
    env.engine.run({ untilUs: 5 * S });
    expect(a).toMatchObject({ status: "PUT_OK", atUs: 2 * S });
    expect(b).toMatchObject({ status: "PUT_OK", atUs: 4 * S });
    expect([a.r!.queueOffset, b.r!.queueOffset]).toEqual([0, 1]);
  });

  it("rejects bodies over maxMessageSize and puts on a slave", () => {
    const env = setup({ maxMessageSize: 1000 });
    expect(put(env, msg(1, { bodySize: 1001 })).status).toBe("MESSAGE_ILLEGAL");
    env.store.role = "SLAVE";
    expect(put(env, msg(2)).status).toBe("SERVICE_NOT_AVAILABLE");
  });
});

describe("crash, power loss, restart", () => {
  it("a process crash keeps everything appended; the restarted store dispatches what was pending", () => {
    const env = setup();
    for (let i = 0; i < 5; i++) put(env, msg(i));
    env.engine.run({ untilUs: 2 * MS });
    put(env, msg(5));
    put(env, msg(6));
    env.node.kill("crash"); // before the dispatch of 5 and 6
    env.engine.run({ untilUs: 10 * MS });
    env.node.start();
    expect(env.store.getMaxOffsetInQueue("T", 0)).toBe(7);
    expect(env.store.getMessage("T", 0, 0, 32, null).messages.length).toBe(7);
    expect(put(env, msg(7)).r!.queueOffset).toBe(7);
  });

  it("pending SYNC_FLUSH puts die with the process", () => {
    const env = setup({ flushDiskType: "SYNC_FLUSH" });
    const a = put(env, msg(1));
    env.node.kill("crash");
    env.engine.run({ untilUs: 10 * S });
    expect(a.status).toBeUndefined();
    // The kernel finished the fsync anyway.
    expect(env.store.flushedPhyOffset).toBe(env.store.maxPhyOffset);
  });

  it("a paused process hears about its fsync only on resume", () => {
    const env = setup({ flushDiskType: "SYNC_FLUSH" });
    const a = put(env, msg(1));
    env.node.pause();
    env.engine.run({ untilUs: 50 * MS });
    expect(env.store.flushedPhyOffset).toBe(env.store.maxPhyOffset); // the kernel did its part
    expect(a.status).toBeUndefined();
    env.node.resume();
    env.engine.run({ untilUs: 51 * MS });
    expect(a).toMatchObject({ status: "PUT_OK", atUs: 50 * MS });
  });

  it("a power loss drops unflushed messages and their ConsumeQueue entries; offsets are reused", () => {
    const env = setup();
    for (let i = 0; i < 5; i++) put(env, msg(i));
    put(env, msg(100, { queueId: 1 }));
    env.engine.run({ untilUs: 600 * MS }); // the first (thorough) flush at 500 ms
    const durable = env.store.flushedPhyOffset;
    expect(durable).toBe(env.store.maxPhyOffset);
    for (let i = 5; i < 8; i++) put(env, msg(i));
    put(env, msg(101, { queueId: 1 }));
    env.engine.run({ untilUs: 700 * MS });
    expect(env.store.getMaxOffsetInQueue("T", 0)).toBe(8);
    env.node.kill("power-off");
    onPowerLoss(env.node);
    env.node.start();
    const s = env.store;
    expect(s.maxPhyOffset).toBe(durable);
    expect(s.getMaxOffsetInQueue("T", 0)).toBe(5);
    expect(s.getMaxOffsetInQueue("T", 1)).toBe(1);
    expect(s.getMessage("T", 0, 5, 32, null).status).toBe("OFFSET_OVERFLOW_ONE");
    expect(s.stats().lostMessages).toBe(4);
    const again = put(env, msg(200));
    expect(again.r).toMatchObject({ queueOffset: 5, commitLogOffset: durable });
  });

  it("a power loss after retention dropped unflushed entries leaves a consistent, empty queue", () => {
    const env = setup({ flushIntervalCommitLogUs: 3600 * S, retainPerQueue: 1000, retainEveryAppends: 1e9 });
    for (let i = 0; i < 5000; i++) put(env, msg(i));
    env.engine.run({ untilUs: 2 * MS });
    env.store.setRetentionSource(() => 4000);
    expect(env.store.retain()).toBe(2048);
    env.node.kill("power-off");
    onPowerLoss(env.node);
    env.node.start();
    const s = env.store;
    expect([s.getMinOffsetInQueue("T", 0), s.getMaxOffsetInQueue("T", 0), s.maxPhyOffset]).toEqual([0, 0, 0]);
    expect(put(env, msg(9)).r!.queueOffset).toBe(0);
    env.engine.run({ untilUs: env.engine.nowUs + 2 * MS });
    expect(s.getMessage("T", 0, 0, 32, null).messages.map((m) => m.msgId)).toEqual([id(9)]);
  });

  it("an fsync in flight at the power loss does not count", () => {
    const env = setup({ flushDiskType: "SYNC_FLUSH", disk: { fsyncUs: { distribution: "fixed", value: 5 * MS } } });
    put(env, msg(1));
    env.engine.run({ untilUs: 2 * MS });
    env.node.kill("power-off");
    onPowerLoss(env.node);
    env.engine.run({ untilUs: 20 * MS });
    env.node.start();
    expect(env.store.maxPhyOffset).toBe(0);
    expect(env.store.getMaxOffsetInQueue("T", 0)).toBe(0);
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

describe("what consumers may read under SYNC_FLUSH (ReputMessageService#getReputEndOffset)", () => {
  const readable = (profile: "4.9" | "5.3") => {
    const env = setup({ profile, flushDiskType: "SYNC_FLUSH", disk: { fsyncUs: { distribution: "fixed", value: 20 * MS }, bandwidthBytesPerSec: 1e12 } });
    const o = put(env, msg(1));
    const at = (us: number) => { env.engine.run({ untilUs: us }); return env.store.getMaxOffsetInQueue("T", 0); };
    return { before: at(10 * MS), after: at(40 * MS), ackedAt: o.atUs };
  };

  it("4.9.8 dispatches up to the CommitLog's max offset: readable ~1 ms after the append, before the fsync", () => {
    expect(readable("4.9")).toMatchObject({ before: 1, after: 1 });
  });

  it("5.x dispatches only what is flushed (CommitLog#getConfirmOffset = flushed position): readable after the fsync", () => {
    const r = readable("5.3");
    expect(r).toMatchObject({ before: 0, after: 1 });
    expect(r.ackedAt).toBeGreaterThanOrEqual(20 * MS);
  });
});

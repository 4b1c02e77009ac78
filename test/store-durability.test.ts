// The message store on its simulated disk: flushing (ASYNC/SYNC), disk faults, crash and
// power loss, and what consumers may read before an fsync.
import { describe, expect, it } from "vitest";
import { failDisk, fillDisk, healDisk, onPowerLoss, slowDisk } from "../sim/store/index.js";
import { MS, S, setup, id, msg, put } from "./helpers/store-setup.js";

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

// Orderly consumption's broker locks (RebalanceLockManager) and process-queue bookkeeping.
// Timing (the 60 s expiry seen from consumers, 4.9 vs 5.x retries): scenarios/orderly-consumer-crash*.yaml.
import { describe, expect, it } from "vitest";
import { RebalanceLockManager } from "../sim/broker/rebalance-lock.js";
import { ProcessQueue } from "../sim/client/process-queue.js";
import type { StoredMessage } from "../sim/broker/store-port.js";

const q = (queueId: number) => ({ topic: "T", brokerName: "broker-a", queueId });
const S = 1_000_000;

describe("RebalanceLockManager", () => {
  it("grants free queues, renews the holder's, refuses another client's until 60 s after the last renewal", () => {
    const m = new RebalanceLockManager();
    expect(m.tryLockBatch("g", [q(0), q(1)], "c1", 0)).toEqual([q(0), q(1)]);
    expect(m.tryLockBatch("g", [q(0), q(2)], "c2", 10 * S)).toEqual([q(2)]);
    expect(m.tryLockBatch("g", [q(0)], "c1", 30 * S)).toEqual([q(0)]); // renewed
    expect(m.tryLockBatch("g", [q(0)], "c2", 90 * S)).toEqual([]); // 60 s after 30 s, not yet expired
    expect(m.tryLockBatch("g", [q(0)], "c2", 90 * S + 1)).toEqual([q(0)]);
    expect(m.tryLockBatch("other", [q(0)], "c3", 90 * S)).toEqual([q(0)]); // per consumer group
  });

  it("unlocks only the requester's own locks", () => {
    const m = new RebalanceLockManager();
    m.tryLockBatch("g", [q(0)], "c1", 0);
    m.unlockBatch("g", [q(0)], "c2");
    expect(m.tryLockBatch("g", [q(0)], "c2", 1)).toEqual([]);
    m.unlockBatch("g", [q(0)], "c1");
    expect(m.tryLockBatch("g", [q(0)], "c2", 2)).toEqual([q(0)]);
  });
});

describe("ProcessQueue, orderly", () => {
  const msg = (queueOffset: number): StoredMessage => ({ topic: "T", queueId: 0, msgId: `m${queueOffset}`, queueOffset,
    commitLogOffset: 0, storeSize: 1, tagsCode: 0, bornUs: 0, storeUs: 0, bodySize: 1, reconsumeTimes: 0 });

  it("takes messages one at a time in offset order and commits the offset after each", () => {
    const pq = new ProcessQueue({ topic: "T", brokerName: "broker-a", queueId: 0 }, 5);
    pq.put([msg(5), msg(6)]);
    expect(pq.take(1)?.[0].queueOffset).toBe(5);
    expect(pq.take(1)?.[0].queueOffset).toBe(5); // still the same until committed
    expect(pq.msgCount).toBe(2);
    expect(pq.commit()).toBe(6);
    expect(pq.take(1)?.[0].queueOffset).toBe(6);
    expect(pq.commit()).toBe(7);
    expect([pq.take(1), pq.msgCount, pq.hasTemp]).toEqual([null, 0, false]);
  });

  it("a suspended message is consumed again with reconsumeTimes + 1", () => {
    const pq = new ProcessQueue({ topic: "T", brokerName: "broker-a", queueId: 0 }, 0);
    pq.put([msg(0)]);
    pq.take(1);
    pq.again();
    expect(pq.take(1)?.[0]).toMatchObject({ queueOffset: 0, reconsumeTimes: 1 });
  });
});

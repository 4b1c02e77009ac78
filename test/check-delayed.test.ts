// Delayed messages in the checker: acknowledged with SCHEDULE_TOPIC_XXXX's offset, placed
// where the delay ends (the `store` in their own topic). Timing: scenarios/delay-messages.yaml.
import { describe, expect, it } from "vitest";
import { MessageChecker } from "../sim/check/messages.js";
import type { TraceEvent } from "../sim/trace/schema.js";

function run(events: Record<string, unknown>[]) {
  const c = new MessageChecker([{ group: "cg", topic: "T" }]);
  for (const e of events) c.observe(e as unknown as TraceEvent);
  return c.finish(100_000_000);
}

const base = [
  { t: 0, type: "node.add", node: "broker-a-0", kind: "broker", ip: "10.0.0.2", brokerName: "broker-a", brokerId: 0 },
  { t: 1, type: "send", node: "p", group: "pg", msgId: "D1", topic: "T", size: 1, delayLevel: 3 },
  // SendResult: the selected queue, but SCHEDULE_TOPIC_XXXX queue 2's offset (0).
  { t: 2, type: "send.result", node: "p", msgId: "D1", topic: "T", status: "SEND_OK", stored: true, brokerName: "broker-a",
    queueId: 1, queueOffset: 0, attempts: 1, latencyUs: 1 },
];
const delivered = { t: 10_000_100, type: "store", node: "broker-a-0", msgId: "D1", topic: "T", queueId: 1, queueOffset: 7, commitLogOffset: 900 };
const consumed = { t: 10_000_200, type: "consume", node: "c", group: "cg", msgId: "D1", topic: "T", brokerName: "broker-a", queueId: 1,
  queueOffset: 7, bornUs: 1, reconsumeTimes: 0 };

describe("delayed messages", () => {
  it("are expected at the position where their delay ends, not at their SendResult's", () => {
    const s = run([...base, delivered, consumed]);
    expect([s.acknowledged, s.lost, s.duplicates, s.consumed]).toEqual([1, 0, 0, 1]);
  });

  it("an acknowledged delayed message never delivered to its topic is lost", () => {
    expect(run(base).lost).toBe(1);
    expect(run([...base, { ...delivered, topic: "SCHEDULE_TOPIC_XXXX", queueId: 2, queueOffset: 0 }]).lost).toBe(1);
  });

  it("a failed delayed send is neither acknowledged nor lost", () => {
    const failed = { ...base[2], status: "REMOTING_TIMEOUT", stored: false };
    delete (failed as Record<string, unknown>).brokerName;
    const s = run([base[0], base[1], failed]);
    expect([s.acknowledged, s.lost]).toEqual([0, 0]);
  });
});

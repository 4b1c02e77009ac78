// Producer details that scenarios do not pin directly: queue selection, fault
// isolation windows per profile, message id layouts.
import { describe, expect, it } from "vitest";
import { makeRng } from "../sim/core/random.js";
import { FaultStrategy } from "../sim/client/fault-strategy.js";
import { UniqIdFactory, offsetMsgIdFactory } from "../sim/client/msg-id.js";
import { javaStringHashCode, parseSubscription } from "../sim/client/subscription.js";

const queues = ["broker-a", "broker-b"].flatMap((b) => [0, 1, 2, 3].map((q) => ({ brokerName: b, queueId: q })));

describe("queue selection (MQFaultStrategy / TopicPublishInfo)", () => {
  it("round-robins from a random start", () => {
    const s = new FaultStrategy(makeRng(1, "x"), "4.9", false);
    const picks = Array.from({ length: 16 }, () => s.select(queues, null, 0));
    const first = queues.findIndex((q) => q === picks[0]);
    picks.forEach((p, i) => expect(p).toBe(queues[(first + i) % 8]));
  });

  it("a retry avoids the broker of the previous attempt", () => {
    const s = new FaultStrategy(makeRng(2, "x"), "4.9", false);
    for (let i = 0; i < 50; i++) expect(s.select(queues, "broker-a", 0).brokerName).toBe("broker-b");
  });

  it("with latency fault isolation, a failed broker is avoided for 600 s (4.9) or 10 s (5.3)", () => {
    for (const [profile, isolatedUs] of [["4.9", 600_000_000], ["5.3", 10_000_000]] as const) {
      const s = new FaultStrategy(makeRng(3, "x"), profile, true);
      s.update("broker-a", 1000, true, 0);
      for (let i = 0; i < 20; i++) expect(s.select(queues, null, isolatedUs - 1).brokerName).toBe("broker-b");
      const later = new Set(Array.from({ length: 20 }, () => s.select(queues, null, isolatedUs).brokerName));
      expect(later).toEqual(new Set(["broker-a", "broker-b"]));
    }
  });

  it("slow answers isolate by the profile's latency table", () => {
    const s = new FaultStrategy(makeRng(4, "x"), "5.3", true);
    s.update("broker-a", 600_000, false, 0); // 600 ms >= 550 ms -> 2 s in 5.x
    expect(s.select(queues.slice(0, 4), null, 1_999_999).brokerName).toBe("broker-a"); // only broker-a: pickOneAtLeast
    expect(new Set(Array.from({ length: 8 }, () => s.select(queues, null, 1_000_000).brokerName))).toEqual(new Set(["broker-b"]));
  });
});

describe("message ids", () => {
  it("msgId: ip | pid | classloader hash | ms in month | counter, 32 upper-case hex", () => {
    const f = new UniqIdFactory("10.0.0.12", 4711, 0x1234abcd, 0xfffe, 1000);
    const a = f.next(5_000_000), b = f.next(5_000_000), c = f.next(5_000_000);
    expect(a).toBe("0A00000C" + "1267" + "1234ABCD" + "00001770" + "FFFE");
    expect(b.endsWith("FFFF")).toBe(true);
    expect(c.endsWith("0000")).toBe(true); // the counter wraps at 16 bits
  });

  it("offsetMsgId matches RocketMQ's MessageDecoderTest example", () => {
    // 100.81.0.250:10911, offset 0x489A3AA09E (reference §2.13)
    expect(offsetMsgIdFactory("100.81.0.250", 10911)(0x489a3aa09e)).toBe("645100FA00002A9F000000489A3AA09E");
  });
});

describe("subscriptions", () => {
  it("parses RocketMQ expressions and hashes tags as Java does", () => {
    expect(parseSubscription("*")).toBeNull();
    expect(parseSubscription(" TagA || TagB ")).toEqual(["TagA", "TagB"]);
    expect(javaStringHashCode("TagA")).toBe(2598919);
    expect(javaStringHashCode("")).toBe(0);
    expect(javaStringHashCode("polygenelubricants")).toBe(-2147483648);
  });
});

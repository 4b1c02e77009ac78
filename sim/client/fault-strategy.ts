// Producer queue selection (client/latency/MQFaultStrategy, TopicPublishInfo,
// common/ThreadLocalIndex) and latency fault isolation.
//
// Without sendLatencyFaultEnable (the default): round-robin from a random start,
// skipping the broker of the previous attempt when retrying. With it, brokers
// that answered slowly or failed are avoided for a while; how long depends on
// the profile (4.9.8: up to 600 s after a failure; 5.x: 10 s).

import type { Rng } from "../core/random.js";
import type { Profile } from "../scenario/types.js";

export interface PublishQueue { brokerName: string; queueId: number }

const LATENCY_MAX = { "4.9": [50, 100, 550, 1000, 2000, 3000, 15000], "5.3": [50, 100, 550, 1800, 3000, 5000, 15000] };
const NOT_AVAILABLE_MS = { "4.9": [0, 0, 30000, 60000, 120000, 180000, 600000], "5.3": [0, 0, 2000, 5000, 6000, 10000, 30000] };
const ISOLATION_LATENCY_MS = { "4.9": 30000, "5.3": 10000 };

export class FaultStrategy {
  private index: number;
  /** brokerName -> available again at (µs), and the start of that fault (for pickOneAtLeast). */
  private faults = new Map<string, { untilUs: number; startUs: number; latencyMs: number }>();

  constructor(rng: Rng, private readonly profile: Profile, private readonly enabled: boolean) {
    this.index = rng.int32(); // ThreadLocalIndex starts at random.nextInt()
  }

  private inc(): number {
    this.index = (this.index + 1) | 0;
    return this.index & 0x7fffffff;
  }

  select(queues: PublishQueue[], lastBrokerName: string | null, nowUs: number): PublishQueue {
    const n = queues.length;
    if (this.enabled) {
      for (let i = 0; i < n; i++) {
        const q = queues[this.inc() % n];
        if (this.available(q.brokerName, nowUs) && (lastBrokerName === null || q.brokerName !== lastBrokerName || this.profile === "4.9")) return q;
      }
      const best = this.pickOneAtLeast();
      if (best !== null) {
        const own = queues.filter((q) => q.brokerName === best);
        if (own.length) return own[this.inc() % own.length];
        this.faults.delete(best);
      }
      return queues[this.inc() % n];
    }
    if (lastBrokerName !== null) {
      for (let i = 0; i < n; i++) {
        const q = queues[this.inc() % n];
        if (q.brokerName !== lastBrokerName) return q;
      }
    }
    return queues[this.inc() % n];
  }

  /** updateFaultItem: isolation counts as a very slow answer. */
  update(brokerName: string, latencyUs: number, isolation: boolean, nowUs: number): void {
    if (!this.enabled) return;
    const latencyMs = isolation ? ISOLATION_LATENCY_MS[this.profile] : latencyUs / 1000;
    const max = LATENCY_MAX[this.profile], dur = NOT_AVAILABLE_MS[this.profile];
    let durationMs = 0;
    for (let i = max.length - 1; i >= 0; i--) if (latencyMs >= max[i]) { durationMs = dur[i]; break; }
    this.faults.set(brokerName, { untilUs: nowUs + durationMs * 1000, startUs: nowUs, latencyMs });
  }

  private available(brokerName: string, nowUs: number): boolean {
    const f = this.faults.get(brokerName);
    return !f || nowUs >= f.untilUs;
  }

  /** LatencyFaultToleranceImpl#pickOneAtLeast: among faulty brokers, the best-looking one. */
  private pickOneAtLeast(): string | null {
    let best: string | null = null, bestKey = Infinity;
    for (const [name, f] of this.faults) {
      const key = f.untilUs; // sorted by availability first (then latency) in RocketMQ
      if (key < bestKey) { bestKey = key; best = name; }
    }
    return best;
  }
}

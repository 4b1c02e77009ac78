// A clustering orderly consumer's broker locks (4.9.8 RebalanceImpl#lock, #lockAll,
// #unlock, #unlockAll; ConsumeMessageOrderlyService#lockMQPeriodically). Locks live on
// the master of each queue's broker group (findBrokerAddressInSubscribe(name,
// MASTER_ID, onlyThisBroker = true): no master, no lock) and are asked for with
// LOCK_BATCH_MQ (1 s timeout): one queue before a rebalance adds it, every owned
// queue of a broker group every 20 s (first after 1 s). What the answer grants is
// locked (and its lock time renewed), what it leaves out is not. UNLOCK_BATCH_MQ
// releases a queue the consumer gives up, 20 s later if it still has cached messages
// (RebalancePushImpl#unlockDelay). Trace: `queue.lock` when a queue's state changes.

import { RequestCode, ResponseCode } from "../remoting/codes.js";
import type { EventInput } from "../trace/schema.js";
import type { MessageQueue } from "./message-queue.js";
import type { MQClient } from "./mq-client.js";
import { mqKey } from "./offset-store.js";
import type { ProcessQueue } from "./process-queue.js";

const LOCK_TIMEOUT_US = 1_000_000;
const UNLOCK_DELAY_US = 20_000_000; // RebalancePushImpl.UNLOCK_DELAY_TIME_MILLS

export interface LockHost {
  client: MQClient;
  node: string;
  group: string;
  now(): number;
  after(delayUs: number, fn: () => void): void;
  /** The process queue of a queue this consumer owns, if any. */
  pqOf(mq: MessageQueue): ProcessQueue | undefined;
  owned(): Iterable<ProcessQueue>;
  emit(e: EventInput): void;
}

export class OrderlyLocks {
  /** What the trace last said per queue. */
  private readonly said = new Map<string, boolean>();

  constructor(private readonly h: LockHost) {}

  /** RebalanceImpl#lock: one queue; `done(true)` if the master granted it. */
  lock(mq: MessageQueue, done: (ok: boolean) => void): void {
    this.request(mq.brokerName, [mq], (granted) => done(granted.some((q) => same(q, mq))));
  }

  /** RebalanceImpl#lockAll: every owned queue, one request per broker group. */
  lockAll(): void {
    for (const [brokerName, mqs] of byBroker([...this.h.owned()].map((pq) => pq.mq))) {
      this.request(brokerName, mqs, (granted) => {
        const ok = new Set(granted.map(mqKey));
        for (const mq of mqs) if (!ok.has(mqKey(mq))) this.set(mq, false);
      });
    }
  }

  /** The consumer gave a queue up: unlock now, or in 20 s if it still holds cached messages. */
  release(pq: ProcessQueue): void {
    if (pq.hasTemp) this.h.after(UNLOCK_DELAY_US, () => this.unlock([pq.mq]));
    else this.unlock([pq.mq]);
  }

  /** unlockAll at shutdown. */
  unlockAll(): void {
    const mqs = [...this.h.owned()].map((pq) => pq.mq);
    if (mqs.length) this.unlock(mqs);
  }

  private unlock(mqs: MessageQueue[]): void {
    for (const [brokerName, list] of byBroker(mqs)) {
      const addr = this.h.client.masterAddr(brokerName);
      if (addr === null) continue;
      this.h.client.remoting.oneway(addr, { code: RequestCode.UNLOCK_BATCH_MQ, consumerGroup: this.h.group,
        clientId: this.h.client.clientId, mqSet: list.map(plain) });
      for (const mq of list) this.report(mq, false);
    }
  }

  private request(brokerName: string, mqs: MessageQueue[], done: (granted: MessageQueue[]) => void): void {
    const addr = this.h.client.masterAddr(brokerName);
    if (addr === null) { done([]); return; }
    this.h.client.remoting.invoke(addr, { code: RequestCode.LOCK_BATCH_MQ, consumerGroup: this.h.group,
      clientId: this.h.client.clientId, mqSet: mqs.map(plain) }, LOCK_TIMEOUT_US, (err, resp) => {
      const granted = !err && resp?.code === ResponseCode.SUCCESS ? resp.lockOKMQSet as MessageQueue[] : [];
      for (const q of granted) this.set(q, true);
      for (const mq of mqs) if (!granted.some((q) => same(q, mq)) && !this.h.pqOf(mq)) this.report(mq, false);
      done(granted);
    });
  }

  private set(mq: MessageQueue, locked: boolean): void {
    const pq = this.h.pqOf(mq);
    if (pq) { pq.locked = locked; if (locked) pq.lastLockUs = this.h.now(); }
    this.report(mq, locked);
  }

  private report(mq: MessageQueue, locked: boolean): void {
    const k = mqKey(mq);
    if (this.said.get(k) === locked) return;
    this.said.set(k, locked);
    this.h.emit({ type: "queue.lock", node: this.h.node, group: this.h.group, topic: mq.topic, brokerName: mq.brokerName,
      queueId: mq.queueId, locked });
  }
}

/** RebalanceImpl#buildProcessQueueTableByBrokerName: one request per broker group. */
function byBroker(mqs: MessageQueue[]): Map<string, MessageQueue[]> {
  const m = new Map<string, MessageQueue[]>();
  for (const mq of mqs) {
    const list = m.get(mq.brokerName);
    if (list) list.push(mq); else m.set(mq.brokerName, [mq]);
  }
  return m;
}

const plain = (mq: MessageQueue) => ({ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId });
const same = (a: MessageQueue, b: MessageQueue) => a.topic === b.topic && a.brokerName === b.brokerName && a.queueId === b.queueId;

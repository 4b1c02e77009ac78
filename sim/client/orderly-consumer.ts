// Wiring of a push consumer with consumeMode: orderly (DefaultMQPushConsumerImpl with a
// MessageListenerOrderly): its ConsumeMessageOrderlyService (consume-orderly.ts), its
// broker locks when clustering (orderly-locks.ts, lockMQPeriodically every 20 s from 1 s),
// and the orderly branch of pullMessage: pull only while the queue is locked, and let
// the first pull after locking re-read the offset from the broker.

import type { Node } from "../core/node.js";
import type { StoredMessage } from "../broker/store-port.js";
import type { Env } from "../remoting/env.js";
import type { ConsumerGroupSpec } from "../scenario/types.js";
import { ConsumeOrderlyService } from "./consume-orderly.js";
import type { MQClient } from "./mq-client.js";
import { OrderlyLocks } from "./orderly-locks.js";
import { mqKey, type OffsetStore } from "./offset-store.js";
import type { ProcessQueue } from "./process-queue.js";
import { computePullFromWhere } from "./pull-from-where.js";

export interface OrderlyConsumerHost {
  node: Node;
  client: MQClient;
  spec: ConsumerGroupSpec;
  env: Env;
  pqs: Map<string, ProcessQueue>;
  offsets: OffsetStore;
  pullMessage(pq: ProcessQueue): void;
  onConsumeStart(pq: ProcessQueue, m: StoredMessage, count: number): void;
}

export function startOrderly(h: OrderlyConsumerHost, consumeTimeUs: () => number, listen: () => boolean):
  { service: ConsumeOrderlyService; locks: OrderlyLocks | null } {
  const clustering = h.spec.messageModel === "CLUSTERING";
  let locks: OrderlyLocks | null = null;
  const service = new ConsumeOrderlyService({
    node: h.node, threads: h.client.setting("consumeThreadMax"), clustering, consumeTimeUs, listen,
    batchSize: h.spec.consumeMessageBatchMaxSize, onStart: (pq, m, count) => h.onConsumeStart(pq, m, count),
    commit: (pq, offset) => { if (!pq.dropped && offset >= 0) h.offsets.update(pq.mq, offset, false); },
    lockOne: (pq, done) => (locks ? locks.lock(pq.mq, done) : done(true)),
  });
  if (clustering) {
    const l = new OrderlyLocks({
      client: h.client, node: h.node.name, group: h.spec.group, now: () => h.env.engine.nowUs,
      after: (us, fn) => { h.node.after(us, fn); }, pqOf: (mq) => h.pqs.get(mqKey(mq)), owned: () => h.pqs.values(),
      emit: (e) => h.env.tracer.emit(e),
    });
    locks = l;
    h.node.every(20_000_000, () => l.lockAll(), 1_000_000, "rate");
  }
  return { service, locks };
}

/** pullMessage's orderly branch: true to pull now; otherwise it has arranged the next attempt. */
export function orderlyPullReady(h: OrderlyConsumerHost, pq: ProcessQueue): boolean {
  const later = () => h.node.after(h.client.setting("pullTimeDelayMillsWhenException"), () => h.pullMessage(pq));
  if (!pq.locked) { later(); return false; }
  if (pq.previouslyLocked) return true;
  computePullFromWhere(h.node, h.client, h.spec, pq.mq, (offset) => {
    if (pq.dropped) return;
    if (offset < 0) { later(); return; }
    pq.previouslyLocked = true;
    pq.nextOffset = offset;
    h.pullMessage(pq);
  });
  return false;
}

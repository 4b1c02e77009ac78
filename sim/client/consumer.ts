// A push consumer instance (client/consumer/DefaultMQPushConsumer,
// impl/consumer/DefaultMQPushConsumerImpl) — and, with consumeType: pull, a
// subscribe-mode DefaultLitePullConsumer, which shares the rebalance machinery and
// differs here only in its long-poll hold (20 s): route + heartbeat via MQClient,
// rebalance (rebalance-impl.ts), one pull loop per owned queue with long polling
// and flow control, concurrent consumption, offsets committed as the smallest
// in-flight offset and persisted every 5 s. A clustering push consumer also
// subscribes %RETRY%<group> (copySubscription) and sends failed deliveries back
// (send-back.ts); the retry topic's queues are rebalanced like the group's own.
//
// Pull loop (DefaultMQPushConsumerImpl#pullMessage): more than
// pullThresholdForQueue cached messages or a cached span over
// consumeConcurrentlyMaxSpan → try again in 50 ms; pull with the suspend flag
// (15 s broker hold, 30 s RPC timeout); FOUND → cache, consume, pull again at
// once; nothing new → pull again at once; errors → again after
// pullTimeDelayMillsWhenException (1 s).
//
// Which broker (PullAPIWrapper#pullKernelImpl, #recalculatePullFromWhichNode, MQClientInstance
// #findBrokerAddressInSubscribe): the brokerId the last answer for the queue suggested (0 at first),
// else id+1 for a slave id, else any address (the smallest id: the slave once the master left the
// route). A pull to a slave carries no commit offset. Traced (pull.target): the first answer for a
// queue taken, then changes of broker or of the kind of answer.

import type { Node, Process } from "../core/node.js";
import { sampler } from "../core/distribution.js";
import type { StoredMessage } from "../broker/store-port.js";
import { RequestCode, ResponseCode } from "../remoting/codes.js";
import type { Env } from "../remoting/env.js";
import type { Request } from "../remoting/rpc.js";
import type { ConsumerGroupSpec } from "../scenario/types.js";
import type { TraceEvent } from "../trace/schema.js";
import { ConsumeService } from "./consume-service.js";
import type { ConsumeOrderlyService } from "./consume-orderly.js";
import type { OrderlyLocks } from "./orderly-locks.js";
import { orderlyPullReady, startOrderly, type OrderlyConsumerHost } from "./orderly-consumer.js";
import { compareMessageQueue, type MessageQueue } from "./message-queue.js";
import { MQClient } from "./mq-client.js";
import { OffsetStore, mqKey } from "./offset-store.js";
import { ProcessQueue } from "./process-queue.js";
import { doRebalance } from "./rebalance-impl.js";
import { findBrokerAddressInSubscribe } from "./route.js";
import { computePullFromWhere } from "./pull-from-where.js";
import { handleFailures, type SendBackHost } from "./send-back.js";
import { retryTopic } from "../remoting/topics.js";
import { javaStringHashCode, parseSubscription } from "./subscription.js";

// Push: BROKER_SUSPEND_MAX_TIME_MILLIS 15 s; lite pull (consumeType: pull,
// DefaultLitePullConsumer): brokerSuspendMaxTimeMillis 20 s. Both wait up to
// CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND / consumerTimeoutMillisWhenSuspend = 30 s.
const SUSPEND_US = { push: 15_000_000, pull: 20_000_000 };
const PULL_RPC_TIMEOUT_US = 30_000_000;
const FLOW_CONTROL_DELAY_US = 50_000; // PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL
/** Answers that are a pull result (MQClientAPIImpl#processPullResponse); others throw MQBrokerException. */
const PULL_CODES = new Set<number>([ResponseCode.SUCCESS, ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY, ResponseCode.PULL_OFFSET_MOVED]);

export class Consumer implements Process {
  readonly client: MQClient;
  private readonly pqs = new Map<string, ProcessQueue>();
  private readonly offsets: OffsetStore;
  private consume!: ConsumeService;
  private readonly tags: string[] | null;
  private readonly tagCodes: number[] | null;
  private rebalanceTimer = 0;
  private rebalancing = false;
  private rebalanceAgain = false;
  /** Whether the trace has this consumer's allocation yet (the first one is shown even if empty). */
  private reportedOnce = false;
  /** PullAPIWrapper.pullFromWhichNodeTable: mq -> suggested brokerId (non-zero ones only). */
  private readonly pullFrom = new Map<string, number>();
  /** What the trace last said about each queue's pull target. */
  private readonly pullTraced = new WeakMap<ProcessQueue, { addr: string; result: string }>();

  /** Subscribed topics: the group's, plus %RETRY%<group> for a clustering push consumer (copySubscription). */
  private readonly topics: string[];
  private sendBack!: SendBackHost;
  /** consumeMode orderly: the per-queue serial service, and (clustering) the broker locks. */
  private orderly: ConsumeOrderlyService | null = null;
  private locks: OrderlyLocks | null = null;
  private orderlyHost: OrderlyConsumerHost | null = null;
  /** An orderly queue's lock was refused this round (5.x retries the rebalance in 500 ms). */
  private lockRefused = false;

  constructor(private readonly node: Node, private readonly env: Env, readonly spec: ConsumerGroupSpec, namesrvIps: string[]) {
    this.topics = spec.messageModel === "CLUSTERING" && spec.consumeType === "push" ? [spec.topic, retryTopic(spec.group)] : [spec.topic];
    this.client = new MQClient(node, env, { kind: "consumer", group: spec.group, topics: this.topics, namesrvIps, config: spec.config });
    this.offsets = new OffsetStore({ broadcasting: spec.messageModel === "BROADCASTING", disk: node.disk, client: this.client, group: spec.group });
    this.tags = parseSubscription(spec.subscription);
    this.tagCodes = this.tags?.map(javaStringHashCode) ?? null;
  }

  get rng() { return this.env.streams.get(`consumer/${this.node.name}`); }

  start(): void {
    const c = this.client;
    c.hooks = {
      heartbeatData: () => ({ subscription: this.spec.subscription, messageModel: this.spec.messageModel }),
      onBrokerRequest: (code) => { if (code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED) this.rebalanceImmediately(); },
    };
    c.start();
    const consumeTime = sampler(this.spec.consumeTime);
    const rng = this.env.streams.get(`consume-time/${this.node.name}`);
    const failRate = this.spec.consumeFailRate;
    const verdicts = this.env.streams.get(`consume-result/${this.node.name}`);
    // One verdict per listener call (a chunk of consumeMessageBatchMaxSize messages): CONSUME_SUCCESS?
    const listen = () => failRate === 0 || verdicts.next() >= failRate;
    this.consume = new ConsumeService(this.node, c.setting("consumeThreadMax"), this.spec.consumeMessageBatchMaxSize, () => consumeTime(rng), listen,
      (pq, m, count) => this.onConsumeStart(pq, m, count), (pq, msgs, from, count, ok, release) => this.onConsumeDone(pq, msgs, from, count, ok, release));
    this.sendBack = {
      client: c, node: this.node.name, group: this.spec.group, broadcasting: this.spec.messageModel === "BROADCASTING",
      maxReconsumeTimes: this.spec.maxReconsumeTimes < 0 ? 16 : this.spec.maxReconsumeTimes, rng: this.rng,
      now: () => this.env.engine.nowUs, emit: (e) => this.env.tracer.emit(e),
      settle: (pq, msgs, from, count) => this.settle(pq, msgs, from, count), again: (pq, msgs, delayUs) => this.consume.submitLater(pq, msgs, delayUs),
    };
    if (this.spec.consumeMode === "orderly") {
      this.orderlyHost = {
        node: this.node, client: c, spec: this.spec, env: this.env, pqs: this.pqs, offsets: this.offsets,
        pullMessage: (pq) => this.pullMessage(pq), onConsumeStart: (pq, m, count) => this.onConsumeStart(pq, m, count),
      };
      ({ service: this.orderly, locks: this.locks } = startOrderly(this.orderlyHost, () => consumeTime(rng), listen));
    }
    this.node.every(c.setting("persistConsumerOffsetInterval"), () => this.offsets.persistAll((k) => this.pqs.has(k)), 10_000_000, "rate"); // wall-clock ok: a RocketMQ key name, not a host timer
    // start(): fetch the subscribed topics' routes (the retry topic's is absent until the first
    // heartbeat creates it: the next poll finds it), heartbeat, then rebalance at once.
    const routes = (i: number): void => {
      if (i < this.topics.length) c.updateRoute(this.topics[i], () => routes(i + 1));
      else c.heartbeatNow(() => this.rebalanceImmediately());
    };
    routes(0);
  }

  /** Graceful shutdown: persist offsets, unregister from brokers, then `done`. */
  shutdown(done: () => void): void {
    this.offsets.persistAll((k) => this.pqs.has(k));
    this.locks?.unlockAll(); // ConsumeMessageOrderlyService#shutdown -> unlockAllMQ
    const addrs = [...this.client.routes.values()].flatMap((r) => r.brokerDatas.flatMap((b) => Object.values(b.brokerAddrs)));
    const next = (): void => {
      const addr = addrs.shift();
      if (addr === undefined) { done(); return; }
      this.client.remoting.invoke(addr, { code: RequestCode.UNREGISTER_CLIENT, kind: "consumer", group: this.spec.group, clientId: this.client.clientId },
        this.client.setting("mqClientApiTimeout"), () => next());
    };
    next();
  }

  // ---- rebalance service --------------------------------------------------------

  private rebalanceImmediately(): void {
    if (this.rebalancing) { this.rebalanceAgain = true; return; }
    this.scheduleRebalance(0);
  }

  private scheduleRebalance(delayUs: number): void {
    if (this.rebalanceTimer) this.node.cancel(this.rebalanceTimer);
    this.rebalanceTimer = this.node.after(delayUs, () => {
      this.rebalanceTimer = 0;
      this.rebalancing = true;
      this.lockRefused = false;
      doRebalance({ client: this.client, spec: this.spec, rng: this.rng, apply: (t, mine, done) => this.apply(t, mine, done) }, this.topics, () => {
        this.rebalancing = false;
        const again = this.rebalanceAgain;
        this.rebalanceAgain = false;
        // 5.x RebalanceImpl: a refused orderly lock -> mQClientFactory.rebalanceLater(500); 4.9.8 waits for the next round.
        const retry = this.lockRefused && this.env.profile === "5.3" ? 500_000 : this.client.setting("rebalanceWaitInterval");
        this.scheduleRebalance(again ? 0 : retry);
      });
    });
  }

  /** updateProcessQueueTableInRebalance. */
  private apply(topic: string, mine: MessageQueue[], done: () => void): void {
    const want = new Map(mine.map((mq) => [mqKey(mq), mq]));
    let changed = false;
    for (const [k, pq] of [...this.pqs]) {
      if (pq.mq.topic !== topic || want.has(k)) continue;
      pq.dropped = true;
      this.pqs.delete(k);
      this.offsets.persist(pq.mq);
      this.offsets.remove(pq.mq);
      this.locks?.release(pq); // RebalancePushImpl#removeUnnecessaryMessageQueue -> unlockDelay
      changed = true;
    }
    const added = mine.filter((mq) => !this.pqs.has(mqKey(mq)));
    const next = (addedOne = false): void => {
      if (addedOne) changed = true;
      const mq = added.shift();
      if (mq === undefined) {
        if (changed || (!this.reportedOnce && topic === this.spec.topic)) this.rebalanced(topic);
        done();
        return;
      }
      // An orderly clustering consumer adds a queue only once its master grants the lock.
      if (this.locks) this.locks.lock(mq, (ok) => { if (ok) this.add(mq, next); else { this.lockRefused = true; next(); } });
      else this.add(mq, next);
    };
    next();
  }

  /** Adds the queue if its start offset is known; `next(true)` when it did. */
  private add(mq: MessageQueue, next: (added: boolean) => void): void {
    computePullFromWhere(this.node, this.client, this.spec, mq, (offset) => {
      if (offset >= 0 && !this.pqs.has(mqKey(mq))) {
        const pq = new ProcessQueue(mq, offset);
        if (this.locks) { pq.locked = true; pq.lastLockUs = this.env.engine.nowUs; }
        this.pqs.set(mqKey(mq), pq);
        this.offsets.update(mq, offset, false);
        this.node.after(this.env.profile === "5.3" ? 500_000 : 0, () => this.pullMessage(pq));
        next(true);
        return;
      }
      next(false);
    });
  }

  private rebalanced(topic: string): void {
    const queues = [...this.pqs.values()].map((p) => p.mq).filter((q) => q.topic === topic).sort(compareMessageQueue)
      .map((q) => ({ brokerName: q.brokerName, queueId: q.queueId }));
    if (topic === this.spec.topic) this.reportedOnce = true;
    this.env.tracer.emit({ type: "rebalance", node: this.node.name, group: this.spec.group, topic, queues });
    this.client.heartbeatNow(); // messageQueueChanged -> sendHeartbeatToAllBrokerWithLock
  }

  // ---- pulling -----------------------------------------------------------------------

  private pullMessage(pq: ProcessQueue): void {
    if (pq.dropped) return;
    const c = this.client;
    if (pq.msgCount > c.setting("pullThresholdForQueue") || (this.orderly === null && pq.maxSpan > c.setting("consumeConcurrentlyMaxSpan"))) {
      this.node.after(FLOW_CONTROL_DELAY_US, () => this.pullMessage(pq));
      return;
    }
    if (this.locks && !orderlyPullReady(this.orderlyHost!, pq)) return;
    const key = this.pullFrom.size > 0 ? mqKey(pq.mq) : ""; // pullFrom holds non-zero suggestions only
    const target = findBrokerAddressInSubscribe(this.client.routes, pq.mq.brokerName, key === "" ? 0 : this.pullFrom.get(key) ?? 0);
    if (target === null) { this.pullLater(pq); return; }
    const commit = this.spec.messageModel === "CLUSTERING" && target.brokerId === 0 ? this.offsets.read(pq.mq) : -1;
    pq.lastPullUs = this.env.engine.nowUs;
    const req: Request = {
      code: RequestCode.PULL_MESSAGE, group: this.spec.group, topic: pq.mq.topic, queueId: pq.mq.queueId, queueOffset: pq.nextOffset,
      maxMsgNums: this.spec.pullBatchSize, suspend: true, suspendTimeoutUs: SUSPEND_US[this.spec.consumeType],
      tagCodes: pq.mq.topic === this.spec.topic ? this.tagCodes : null,
    };
    if (commit > 0) req.commitOffset = commit; // last key, as the spread it replaces put it, without two objects per pull
    c.remoting.invoke(target.addr, req, PULL_RPC_TIMEOUT_US, (err, resp) => {
      if (pq.dropped) return;
      const served = !!resp && PULL_CODES.has(resp.code);
      this.tracePullTarget(pq, target, err || !resp ? "failed" : served ? "served" : "rejected");
      if (err || !resp) { this.pullLater(pq); return; }
      const suggest = served ? (resp.suggestWhichBrokerId as number | undefined) ?? 0 : 0;
      if (suggest !== 0) this.pullFrom.set(mqKey(pq.mq), suggest); else if (served && key !== "") this.pullFrom.delete(key);
      const next = resp.nextBeginOffset as number;
      switch (resp.code) {
        case ResponseCode.SUCCESS: {
          pq.nextOffset = next;
          const all = resp.messages as StoredMessage[];
          // Client-side re-check of tag strings (the broker filtered by hash only).
          const msgs = this.tags === null || pq.mq.topic !== this.spec.topic ? all
            : all.filter((m) => m.tags !== undefined && this.tags!.includes(m.tags));
          if (msgs.length) { pq.put(msgs); if (this.orderly) this.orderly.submit(pq); else this.consume.submit(pq, msgs); }
          else if (pq.msgCount === 0) this.offsets.update(pq.mq, next, true);
          return this.pullAgain(pq);
        }
        case ResponseCode.PULL_NOT_FOUND:
        case ResponseCode.PULL_RETRY_IMMEDIATELY:
          pq.nextOffset = next;
          if (pq.msgCount === 0) this.offsets.update(pq.mq, next, true); // correctTagsOffset
          return this.pullAgain(pq);
        case ResponseCode.PULL_OFFSET_MOVED: {
          // OFFSET_ILLEGAL: take the broker's offset, persist it, drop the queue for a rebalance to re-add:
          // 4.9.8 10 s later (executeTaskLater) and the periodic rebalance; 5.x at once, rebalanceImmediately.
          pq.dropped = true;
          const k = mqKey(pq.mq);
          const fix = () => { this.offsets.update(pq.mq, next, false); this.offsets.persist(pq.mq); if (this.pqs.get(k) === pq) this.pqs.delete(k); };
          if (this.env.profile === "5.3") { fix(); this.rebalanceImmediately(); } else this.node.after(10_000_000, fix);
          return;
        }
        default:
          this.pullLater(pq);
      }
    });
  }

  private tracePullTarget(pq: ProcessQueue, t: { addr: string; brokerId: number }, result: "served" | "rejected" | "failed"): void {
    const last = this.pullTraced.get(pq);
    if (last !== undefined && last.addr === t.addr && last.result === result) return;
    this.pullTraced.set(pq, { addr: t.addr, result });
    this.env.tracer.emit({ type: "pull.target", node: this.node.name, brokerName: pq.mq.brokerName, queueId: pq.mq.queueId,
      broker: this.env.nodeNameOfIp(t.addr.split(":")[0]), brokerId: t.brokerId, result });
  }

  /** executePullRequestLater after an exception (a method: no closure per pull for the rare case). */
  private pullLater(pq: ProcessQueue): void {
    this.node.after(this.client.setting("pullTimeDelayMillsWhenException"), () => this.pullMessage(pq));
  }

  private pullAgain(pq: ProcessQueue): void {
    const interval = this.client.setting("pullInterval");
    if (interval > 0) this.node.after(interval, () => this.pullMessage(pq));
    else this.pullMessage(pq);
  }

  // ---- consuming ---------------------------------------------------------------------

  /** One `consume` event per message; `batch` = the listener call's size when the group batches. */
  private onConsumeStart(pq: ProcessQueue, m: StoredMessage, count: number): void {
    const ev: Record<string, unknown> = { t: this.env.engine.nowUs, type: "consume", node: this.node.name, group: this.spec.group,
      msgId: m.msgId, topic: pq.mq.topic, brokerName: pq.mq.brokerName, queueId: pq.mq.queueId, queueOffset: m.queueOffset,
      bornUs: m.bornUs, reconsumeTimes: m.reconsumeTimes ?? 0 };
    if (m.tags !== undefined) ev.tags = m.tags;
    if (this.spec.consumeMessageBatchMaxSize > 1) ev.batch = count;
    this.env.tracer.emitEvent(ev as TraceEvent); // no copy: a hot path
  }

  /**
   * ConsumeRequest#run after the listener: a dropped queue's result is ignored, as in RocketMQ.
   * CONSUME_SUCCESS acks the whole call (ackIndex = size - 1); RECONSUME_LATER fails all of it.
   */
  private onConsumeDone(pq: ProcessQueue, msgs: readonly StoredMessage[], from: number, count: number, ok: boolean, release: () => void): void {
    if (pq.dropped) { release(); return; }
    if (ok) { this.settle(pq, msgs, from, count); release(); return; }
    handleFailures(this.sendBack, pq, msgs, from, count, release);
  }

  /** processConsumeResult's tail: removeMessage of the call's messages, then one updateOffset(increaseOnly). */
  private settle(pq: ProcessQueue, msgs: readonly StoredMessage[], from: number, count: number): void {
    const offset = pq.removeAll(msgs, from, count);
    if (!pq.dropped && offset >= 0) this.offsets.update(pq.mq, offset, true);
  }
}

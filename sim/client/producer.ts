// A producer instance (client/producer/DefaultMQProducer, impl/producer/
// DefaultMQProducerImpl#sendDefaultImpl, impl/MQClientAPIImpl#sendMessageAsync).
//
// Workload: messages arrive at `rate` per second (constant spacing or Poisson),
// each sent independently (as from many application threads), from `start` until
// `stop` or `count`. Send path as RocketMQ's:
// - sync: up to 1 + retryTimesWhenSendFailed attempts within ONE sendMsgTimeout
//   budget, each on a queue of another broker when possible; broker errors retry
//   only for RocketMQ's retryResponseCodes; a stored-but-not-OK status returns at
//   once unless retryAnotherBrokerWhenNotStoreOK (then it resends: a duplicate).
// - async: one attempt; network failures retried up to retryTimesWhenSendAsyncFailed
//   times on another broker; broker error answers are not retried.
// - oneway: one attempt, no answer.
// Batches (batchSize N > 1, producer-batch.ts): the application collects N arriving
// messages and calls send(Collection) — one SEND_BATCH_MESSAGE to one queue, with the
// same retry rules (a retry resends the whole batch).

import type { Node, Process } from "../core/node.js";
import { sampler, type Sampler } from "../core/distribution.js";
import type { Rng } from "../core/random.js";
import { RequestCode } from "../remoting/codes.js";
import type { Env } from "../remoting/env.js";
import type { Response, RpcError } from "../remoting/rpc.js";
import type { ProducerGroupSpec } from "../scenario/types.js";
import { FaultStrategy, type PublishQueue } from "./fault-strategy.js";
import { MQClient } from "./mq-client.js";
import { UniqIdFactory } from "./msg-id.js";
import { publishQueues } from "./route.js";
import { batchRequest, batchTooBig, emitBatchResults, emitBatchSends } from "./producer-batch.js";
import { sendOutcome, type SendOutcome } from "./send-status.js";
import { emitSend, emitSendResult } from "./send-events.js";

export interface Msg { msgId: string; topic: string; tags?: string; keys?: string; size: number; bornUs: number; delayLevel?: number }

export class Producer implements Process {
  readonly client: MQClient;
  private queues: PublishQueue[] = [];
  private routeWaiters: (() => void)[] | null = null;
  private ids!: UniqIdFactory;
  private faults!: FaultStrategy;
  private sizeOf: Sampler;
  private rng: Rng;
  private sent = 0;
  private tagIndex = 0;
  /** batchSize > 1: messages arrived and not yet sent (msgId and bornUs set at the send). */
  private pending: Msg[] = [];

  constructor(private readonly node: Node, private readonly env: Env, private readonly spec: ProducerGroupSpec, namesrvIps: string[]) {
    this.client = new MQClient(node, env, { kind: "producer", group: spec.group, topics: [spec.topic], namesrvIps, config: spec.config });
    this.sizeOf = sampler(spec.size);
    this.rng = env.streams.get(`producer/${node.name}`);
  }

  start(): void {
    this.client.hooks = { onRouteChanged: (topic, route) => { if (topic === this.spec.topic) this.queues = publishQueues(route); } };
    this.client.start();
    const r = this.env.streams.get(`producer-id/${this.node.name}`);
    this.ids = new UniqIdFactory(this.node.ip, 1000 + r.int(60000), r.int32(), r.int(65536), r.int(86_400_000));
    this.faults = new FaultStrategy(this.rng, this.env.profile, this.client.flag("sendLatencyFaultEnable"));
    if (this.spec.rate > 0) this.scheduleNext(Math.max(0, this.spec.startUs - this.env.engine.nowUs));
  }

  // ---- workload --------------------------------------------------------------

  private scheduleNext(delayUs: number): void {
    this.node.after(delayUs, this.tick);
  }

  /** One workload step; a single function for every step rather than a closure per message. */
  private readonly tick = (): void => {
    if (this.spec.stopUs !== undefined && this.env.engine.nowUs >= this.spec.stopUs) return;
    if (this.spec.count !== undefined && this.sent >= this.spec.count) return;
    this.sent++;
    if (this.spec.batchSize === 1) { this.sendOne(); this.scheduleNext(this.gapUs()); return; }
    this.pending.push(this.newMsg(this.env.engine.nowUs));
    const gapUs = this.gapUs();
    // The application sends what it holds when the batch is full, or when no more will come
    // (count reached, or the next arrival would fall at/after stop, when the instance shuts down).
    const last = (this.spec.count !== undefined && this.sent >= this.spec.count)
      || (this.spec.stopUs !== undefined && this.env.engine.nowUs + gapUs >= this.spec.stopUs);
    if (this.pending.length >= this.spec.batchSize || last) this.sendBatch();
    this.scheduleNext(gapUs);
  };

  private gapUs(): number {
    const mean = 1_000_000 / this.spec.rate;
    return this.spec.arrival === "poisson" ? Math.max(1, Math.round(-mean * Math.log(1 - this.rng.next()))) : Math.max(1, Math.round(mean));
  }

  private pickTag(): string | undefined {
    const tags = this.spec.tags;
    if (tags.length === 0) return undefined;
    if (this.spec.tagPick === "round-robin") return tags[this.tagIndex++ % tags.length].tag;
    const total = tags.reduce((a, t) => a + t.weight, 0);
    let x = this.rng.next() * total;
    for (const t of tags) { if ((x -= t.weight) < 0) return t.tag; }
    return tags[tags.length - 1].tag;
  }

  private newMsg(now: number): Msg {
    const msg: Msg = { msgId: "", topic: this.spec.topic, tags: this.pickTag(), size: this.sizeOf(this.rng), bornUs: now };
    if (this.spec.keys) msg.keys = `${this.node.name}-${this.sent}`;
    if (this.spec.delayLevel !== undefined) msg.delayLevel = this.spec.delayLevel;
    return msg;
  }

  /**
   * send(Collection<Message>): DefaultMQProducer#batch gives every message its uniq id
   * (MessageClientIDSetter#setUniqID) when the batch is made; the broker stores the
   * batch's born timestamp in every inner record, so bornUs is this call's time.
   */
  private sendBatch(): void {
    const now = this.env.engine.nowUs, msgs = this.pending;
    this.pending = [];
    for (const m of msgs) { m.msgId = this.ids.next(now); m.bornUs = now; }
    emitBatchSends(this.env.tracer, now, this.node.name, this.spec.group, msgs);
    // Validators#checkMessage(msgBatch) in sendDefaultImpl: the encoded batch over maxMessageSize
    // is an MQClientException before any request (status MESSAGE_ILLEGAL, no attempt).
    if (batchTooBig(msgs)) { this.finish(msgs, now, 0, { status: "MESSAGE_ILLEGAL", stored: false }); return; }
    if (this.queues.length > 0) this.sendDefaultImpl(msgs);
    else this.withRoute(() => this.sendDefaultImpl(msgs));
  }

  private sendOne(): void {
    const now = this.env.engine.nowUs;
    const msg = this.newMsg(now);
    msg.msgId = this.ids.next(now);
    emitSend(this.env.tracer, now, this.node.name, this.spec.group, msg);
    if (this.queues.length > 0) this.sendDefaultImpl(msg); // what withRoute does at once, without a closure
    else this.withRoute(() => this.sendDefaultImpl(msg));
  }

  /** tryToFindTopicPublishInfo: the route now, else ask the NameServer, else borrow TBW102's. */
  private withRoute(go: () => void): void {
    if (this.queues.length > 0) { go(); return; }
    if (this.routeWaiters) { this.routeWaiters.push(go); return; }
    this.routeWaiters = [go];
    const release = () => { const w = this.routeWaiters ?? []; this.routeWaiters = null; for (const f of w) f(); };
    this.client.updateRoute(this.spec.topic, () => {
      // isHaveTopicRouterInfo(): a route the NameServer gave (even one with no master left) is
      // used as it is; only a topic it never knew borrows TBW102's route.
      if (this.queues.length > 0 || this.client.routes.has(this.spec.topic)) { release(); return; }
      this.client.updateRouteDefault(this.spec.topic, this.client.setting("defaultTopicQueueNums"), release);
    });
  }

  // ---- send path ---------------------------------------------------------------

  private sendDefaultImpl(msg: Msg | Msg[]): void {
    const start = this.env.engine.nowUs;
    // The publish info taken at the start serves every attempt, as in sendDefaultImpl
    // (a route update during the send does not change the queues it picks from).
    const queues = this.queues;
    if (queues.length === 0) { this.finish(msg, start, 1, { status: "NO_ROUTE", stored: false }); return; }
    const mode = this.spec.sendMode;
    const budgetUs = this.client.setting("sendMsgTimeout");
    const timesTotal = mode === "sync" ? 1 + this.client.setting("retryTimesWhenSendFailed") : 1;
    const asyncRetries = mode === "async" ? this.client.setting("retryTimesWhenSendAsyncFailed") : 0;
    let times = 0, asyncTimes = 0;
    let last: string | null = null;
    let lastOutcome: SendOutcome = { status: "NO_ROUTE", stored: false };
    const attempt = (): void => {
      if (times >= timesTotal) { this.finish(msg, start, times, lastOutcome); return; }
      const q = this.faults.select(queues, last, this.env.engine.nowUs);
      last = q.brokerName;
      times++;
      const elapsed = this.env.engine.nowUs - start;
      // RocketMQ checks `timeout < costTime` in wall-clock ms, which always includes some
      // overhead after a full-budget wait; with exact virtual time, equal means spent.
      if (elapsed >= budgetUs) { this.finish(msg, start, times, { status: "CALL_TIMEOUT", stored: false }); return; }
      const addr = this.client.masterAddr(q.brokerName);
      if (addr === null) { lastOutcome = { status: "BROKER_NOT_EXIST", stored: false }; attempt(); return; }
      const req = Array.isArray(msg)
        ? batchRequest(this.spec.group, msg, q.queueId, this.client.setting("defaultTopicQueueNums"))
        : {
          code: RequestCode.SEND_MESSAGE_V2, producerGroup: this.spec.group, topic: msg.topic, queueId: q.queueId,
          msgId: msg.msgId, tags: msg.tags, keys: msg.keys, bodySize: msg.size, bornUs: msg.bornUs,
          defaultTopicQueueNums: this.client.setting("defaultTopicQueueNums"),
          ...(msg.delayLevel !== undefined ? { delayLevel: msg.delayLevel } : {}),
        };
      if (mode === "oneway") {
        // The call returns once the request is written; only a missing channel is reported.
        this.client.remoting.oneway(addr, req, (err) =>
          this.finish(msg, start, times, err === null ? { status: "ONEWAY", stored: false } : sendOutcome(err, undefined, q)));
        return;
      }
      const sentAt = this.env.engine.nowUs;
      const onAnswer = (err: RpcError | null, resp?: Response): void => {
        const rt = this.env.engine.nowUs - sentAt;
        const out = sendOutcome(err, resp, q);
        this.faults.update(q.brokerName, rt, out.isolate ?? false, this.env.engine.nowUs);
        lastOutcome = out;
        if (out.stored) {
          if (out.status !== "SEND_OK" && mode === "sync" && this.client.flag("retryAnotherBrokerWhenNotStoreOK")) { attempt(); return; }
          this.finish(msg, start, times + asyncTimes, out);
        } else if (mode === "async") {
          if (err !== null && asyncTimes < asyncRetries) { asyncTimes++; times--; attempt(); return; }
          this.finish(msg, start, times + asyncTimes, out);
        } else if (out.retry) {
          attempt();
        } else {
          this.finish(msg, start, times, out);
        }
      };
      const timeoutUs = mode === "async" ? budgetUs : budgetUs - elapsed;
      this.client.remoting.invoke(addr, req, timeoutUs, onAnswer);
    };
    attempt();
  }

  private finish(msg: Msg | Msg[], startUs: number, attempts: number, out: SendOutcome): void {
    const now = this.env.engine.nowUs;
    if (Array.isArray(msg)) { emitBatchResults(this.env.tracer, now, this.node.name, msg, now - startUs, attempts, out); return; }
    emitSendResult(this.env.tracer, now, this.node.name, msg, out, attempts, now - startUs, out.queueOffset, out.offsetMsgId);
  }
}


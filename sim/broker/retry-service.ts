// The broker's part of consume retries, wired as one piece: retry topics created on
// consumer heartbeats (ClientManageProcessor#heartBeat), CONSUMER_SEND_MSG_BACK
// (send-back-processor.ts) and the ScheduleMessageService that turns delayed
// copies into %RETRY% messages (schedule-service.ts), which runs on the master only.

import type { Node } from "../core/node.js";
import type { Response } from "../remoting/rpc.js";
import type { TopicConfig } from "../namesrv/routeinfo.js";
import type { EventInput } from "../trace/schema.js";
import { SCHEDULE_TOPIC } from "./delay-level.js";
import { ScheduleService } from "./schedule-service.js";
import { ensureRetryTopic, processSendBack, type SendBackContext, type SendBackRequest } from "./send-back-processor.js";
import type { PutRequest, PutResult, StorePort } from "./store-port.js";

export interface RetryHost {
  node: Node;
  store: StorePort;
  put: Pick<StorePort, "putMessage">;
  topics: Map<string, TopicConfig>;
  topicCreated: (tc: TopicConfig) => void;
  emit: (e: EventInput) => void;
  /** Trace a successful put (the `store` event). */
  stored: (put: PutRequest, r: PutResult) => void;
}

export class RetryService {
  private readonly ctx: SendBackContext;
  readonly schedule: ScheduleService;

  constructor(host: RetryHost) {
    const store = host.store;
    this.ctx = {
      node: host.node.name, topics: host.topics, writable: () => true, put: tracedPut(host), emit: host.emit,
      topicCreated: host.topicCreated,
      lookMessageByOffset: (phy) => {
        const r = store.readCommitLog(phy, 1);
        return r && r.length > 0 && r[0].commitLogOffset === phy ? r[0] : null;
      },
    };
    this.schedule = new ScheduleService(host.node, store, tracedPut(host));
  }

  /** ClientManageProcessor#heartBeat: every consumer group gets its %RETRY% topic (retryQueueNums 1). */
  onConsumerHeartbeat(group: string): void {
    ensureRetryTopic(this.ctx, group);
  }

  sendBack(req: SendBackRequest, reply: (r: Response) => void): void {
    processSendBack(this.ctx, req, reply);
  }

  /** handleScheduleMessageService: start on a master, stop on a slave. */
  roleChanged(master: boolean): void {
    if (master) this.schedule.start(); else this.schedule.shutdown();
  }

  /** Retention floor for SCHEDULE_TOPIC_XXXX queues: what is not delivered yet. */
  minOffset(topic: string, queueId: number): number | undefined {
    return topic === SCHEDULE_TOPIC ? this.schedule.offsetOf(queueId) ?? 0 : undefined;
  }
}

/** The put path, with a `store` trace event for every message it stores. */
function tracedPut(host: RetryHost): Pick<StorePort, "putMessage"> {
  return { putMessage: (req, done) => host.put.putMessage(req, (status, r) => { if (r) host.stored(req, r); done(status, r); }) };
}

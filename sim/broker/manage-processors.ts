// The broker's client- and admin-facing requests, as RocketMQ splits them:
// ClientManageProcessor (HEART_BEAT, UNREGISTER_CLIENT), ConsumerManageProcessor
// (GET_CONSUMER_LIST_BY_GROUP, QUERY/UPDATE_CONSUMER_OFFSET) and the parts of
// AdminBrokerProcessor the model uses (orderly locks, a slave's metadata sync).
// Messages themselves (SEND, PULL, CONSUMER_SEND_MSG_BACK) stay with broker.ts.

import type { Channel } from "../remoting/channel.js";
import { RequestCode, ResponseCode } from "../remoting/codes.js";
import type { Request, Response } from "../remoting/rpc.js";
import type { DataVersion, TopicConfig } from "../namesrv/routeinfo.js";
import type { ConsumerManager } from "./consumer-manager.js";
import type { OffsetManager } from "./offset-manager.js";
import type { RebalanceLockManager, LockedQueue } from "./rebalance-lock.js";
import type { RetryService } from "./retry-service.js";
import { DELAY_OFFSET_KEY } from "./schedule-service.js";
import { GET_ALL_CONSUMER_OFFSET, GET_ALL_DELAY_OFFSET, GET_ALL_TOPIC_CONFIG } from "./slave-sync.js";
import type { StorePort } from "./store-port.js";

export interface ManageContext {
  now(): number;
  disk: Map<string, unknown>;
  store: StorePort;
  consumers: ConsumerManager;
  offsets: OffsetManager;
  locks: RebalanceLockManager;
  retry: RetryService;
  topics(): TopicConfig[];
  dataVersion(): DataVersion;
  commitOffset(group: string, topic: string, queueId: number, offset: number): void;
}

/** Handles `req` if it is one of these; false otherwise. */
export function processManage(c: ManageContext, ch: Channel, req: Request, reply: (r: Response) => void): boolean {
  switch (req.code) {
    case RequestCode.HEART_BEAT: // ClientManageProcessor#heartBeat: also creates the group's %RETRY% topic
      if (req.kind === "consumer") {
        c.retry.onConsumerHeartbeat(req.group as string);
        c.consumers.register(req.group as string, req.clientId as string, ch, String(req.subscription ?? "*"),
          req.messageModel === "BROADCASTING", c.now());
      }
      reply({ code: ResponseCode.SUCCESS });
      return true;
    case RequestCode.UNREGISTER_CLIENT:
      if (req.kind === "consumer") c.consumers.unregister(req.group as string, req.clientId as string);
      reply({ code: ResponseCode.SUCCESS });
      return true;
    case RequestCode.GET_CONSUMER_LIST_BY_GROUP:
      reply({ code: ResponseCode.SUCCESS, consumerIdList: c.consumers.clientIds(req.group as string) });
      return true;
    case RequestCode.QUERY_CONSUMER_OFFSET:
      reply(queryConsumerOffset(c, req));
      return true;
    case RequestCode.UPDATE_CONSUMER_OFFSET:
      c.commitOffset(req.group as string, req.topic as string, req.queueId as number, req.commitOffset as number);
      reply({ code: ResponseCode.SUCCESS });
      return true;
    case RequestCode.LOCK_BATCH_MQ: // AdminBrokerProcessor#lockBatchMQ
      reply({ code: ResponseCode.SUCCESS,
        lockOKMQSet: c.locks.tryLockBatch(req.consumerGroup as string, req.mqSet as LockedQueue[], req.clientId as string, c.now()) });
      return true;
    case RequestCode.UNLOCK_BATCH_MQ: // AdminBrokerProcessor#unlockBatchMQ
      c.locks.unlockBatch(req.consumerGroup as string, req.mqSet as LockedQueue[], req.clientId as string);
      reply({ code: ResponseCode.SUCCESS });
      return true;
    case GET_ALL_TOPIC_CONFIG: // AdminBrokerProcessor#getAllTopicConfig (for a slave's sync)
      reply({ code: ResponseCode.SUCCESS, topicConfigs: c.topics().map((t) => ({ ...t })), dataVersion: { ...c.dataVersion() } });
      return true;
    case GET_ALL_DELAY_OFFSET: { // AdminBrokerProcessor#getAllDelayOffset: the persisted file
      const saved = c.disk.get(DELAY_OFFSET_KEY) as number[] | undefined;
      reply(saved ? { code: ResponseCode.SUCCESS, delayOffset: [...saved] } : { code: ResponseCode.SYSTEM_ERROR, remark: "No delay offset in this broker" });
      return true;
    }
    case GET_ALL_CONSUMER_OFFSET: // AdminBrokerProcessor#getAllConsumerOffset
      reply({ code: ResponseCode.SUCCESS, offsets: c.offsets.snapshot() });
      return true;
    default:
      return false;
  }
}

/**
 * ConsumerManageProcessor#queryConsumerOffset: the stored offset; with none, 0
 * when the queue still starts at 0 (a young topic), else QUERY_NOT_FOUND.
 * The answer also carries the queue's max offset (GET_MAX_OFFSET in RocketMQ,
 * a second round trip we fold into this one).
 */
function queryConsumerOffset(c: ManageContext, req: Request): Response {
  const topic = req.topic as string, queueId = req.queueId as number;
  const maxOffset = c.store.getMaxOffsetInQueue(topic, queueId);
  const stored = c.offsets.query(req.group as string, topic, queueId);
  if (stored !== undefined) return { code: ResponseCode.SUCCESS, offset: stored, maxOffset };
  if (c.store.getMinOffsetInQueue(topic, queueId) <= 0) return { code: ResponseCode.SUCCESS, offset: 0, maxOffset };
  return { code: ResponseCode.QUERY_NOT_FOUND, maxOffset };
}

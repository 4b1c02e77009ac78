// Delay levels (store/config/MessageStoreConfig.messageDelayLevel, 4.9.8 and 5.x):
// "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"; level n is the
// n-th entry (1-based). A message with a delay level is stored in SCHEDULE_TOPIC_XXXX,
// queue level−1, with its real topic and queue kept as properties (4.9.8
// CommitLog#asyncPutMessage, 5.x HookUtils#transformDelayLevelMessage), and the
// ConsumeQueue's tagsCode is its deliver time.

import type { PutRequest } from "./store-port.js";

export const SCHEDULE_TOPIC = "SCHEDULE_TOPIC_XXXX";

const S = 1_000_000;
export const DELAY_LEVELS_US: readonly number[] = [1, 5, 10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200]
  .map((s) => s * S);

export const MAX_DELAY_LEVEL = DELAY_LEVELS_US.length;

/** The put that stores `req` for delivery at `level` (capped at the highest level). */
export function toScheduled(req: PutRequest, level: number): PutRequest {
  const lv = Math.min(level, MAX_DELAY_LEVEL);
  return {
    ...req, topic: SCHEDULE_TOPIC, queueId: lv - 1, deliverAfterUs: DELAY_LEVELS_US[lv - 1],
    props: { ...req.props, REAL_TOPIC: req.topic, REAL_QID: String(req.queueId), DELAY: String(lv) },
  };
}

/** ScheduleMessageService#messageTimeup: the real message again, without the delay properties. */
export function fromScheduled(m: { topic: string; msgId: string; tags?: string; keys?: string; bornUs: number; bodySize: number;
  producerGroup?: string; reconsumeTimes: number; props?: Record<string, string> }): PutRequest | null {
  const p = m.props ?? {};
  if (p.REAL_TOPIC === undefined) return null;
  const { REAL_TOPIC, REAL_QID, DELAY, ...rest } = p;
  return {
    topic: REAL_TOPIC, queueId: Number(REAL_QID ?? 0), msgId: m.msgId, tags: m.tags, keys: m.keys, bornUs: m.bornUs,
    bodySize: m.bodySize, producerGroup: m.producerGroup, reconsumeTimes: m.reconsumeTimes, props: rest, waitStoreMsgOK: false,
  };
}

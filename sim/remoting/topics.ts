// RocketMQ's per-group system topic names (common/MixAll: RETRY_GROUP_TOPIC_PREFIX,
// DLQ_GROUP_TOPIC_PREFIX), shared by clients, brokers and the checks as the Java
// code shares MixAll.

export const RETRY_PREFIX = "%RETRY%";
export const DLQ_PREFIX = "%DLQ%";

/** MixAll#getRetryTopic. */
export const retryTopic = (group: string): string => `${RETRY_PREFIX}${group}`;
/** MixAll#getDLQTopic. */
export const dlqTopic = (group: string): string => `${DLQ_PREFIX}${group}`;

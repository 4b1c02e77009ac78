// RebalancePushImpl#computePullFromWhere: where a consumer starts reading a queue it
// has just been given — the broker's stored offset (QUERY_CONSUMER_OFFSET), else
// consumeFromWhere (reference §2.7, §3.5); a broadcasting consumer's own local offset.

import type { Node } from "../core/node.js";
import { RequestCode, ResponseCode } from "../remoting/codes.js";
import type { ConsumerGroupSpec } from "../scenario/types.js";
import type { MessageQueue } from "./message-queue.js";
import type { MQClient } from "./mq-client.js";
import { LOCAL_OFFSETS_KEY, mqKey } from "./offset-store.js";

/** `done(-1)` when there is no broker to ask or it did not answer. */
export function computePullFromWhere(node: Node, client: MQClient, spec: ConsumerGroupSpec, mq: MessageQueue,
  done: (offset: number) => void): void {
  const local = spec.messageModel === "BROADCASTING"
    ? (node.disk.get(LOCAL_OFFSETS_KEY) as Map<string, number> | undefined)?.get(mqKey(mq)) : undefined;
  const addr = client.subscribeAddr(mq.brokerName);
  if (addr === null) { done(-1); return; }
  client.remoting.invoke(addr, { code: RequestCode.QUERY_CONSUMER_OFFSET, group: spec.group, topic: mq.topic, queueId: mq.queueId },
    client.setting("mqClientApiTimeout"), (err, resp) => {
      if (err || !resp) { done(-1); return; }
      if (local !== undefined) { done(local); return; }
      if (spec.messageModel === "CLUSTERING" && resp.code === ResponseCode.SUCCESS) { done(resp.offset as number); return; }
      if (mq.topic !== spec.topic) done(0); // a %RETRY% topic starts at 0 (LAST) — or at max (TIMESTAMP): young, so 0
      else if (spec.consumeFromWhere === "CONSUME_FROM_LAST_OFFSET") done(resp.maxOffset as number);
      else done(0); // FIRST; TIMESTAMP (30 min back) ≈ the start of a young queue
    });
}

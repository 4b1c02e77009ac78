// Consumer-side offsets (client/consumer/store/RemoteBrokerOffsetStore,
// LocalFileOffsetStore). CLUSTERING keeps offsets in memory and sends them to the
// broker every persistConsumerOffsetInterval (oneway UPDATE_CONSUMER_OFFSET, to the
// master or else any address of the group); they also ride on pulls. BROADCASTING
// keeps them on the client's own disk.

import type { MessageQueue } from "./message-queue.js";

type MqLike = { topic: string; brokerName: string; queueId: number };
const keys = new WeakMap<MqLike, string>();

/** "topic@brokerName#queueId", memoised per queue object (pulls ask for it all the time). */
export const mqKey = (mq: MqLike): string => {
  let k = keys.get(mq);
  if (k === undefined) keys.set(mq, (k = `${mq.topic}@${mq.brokerName}#${mq.queueId}`));
  return k;
};

export class OffsetStore {
  readonly table = new Map<string, { mq: MessageQueue; offset: number }>();

  /** updateOffset(mq, offset, increaseOnly). */
  update(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const k = mqKey(mq);
    const cur = this.table.get(k);
    if (cur) {
      if (!increaseOnly || offset > cur.offset) { cur.mq = mq; cur.offset = offset; }
      return;
    }
    this.table.set(k, { mq, offset });
  }

  read(mq: MessageQueue): number {
    return this.table.get(mqKey(mq))?.offset ?? -1;
  }

  remove(mq: MessageQueue): void {
    this.table.delete(mqKey(mq));
  }
}

// Consumer-side offsets (client/consumer/store/RemoteBrokerOffsetStore,
// LocalFileOffsetStore). CLUSTERING keeps offsets in memory and sends them to the
// broker every persistConsumerOffsetInterval (oneway UPDATE_CONSUMER_OFFSET, to the (wall-clock ok: a key name, not a host timer)
// master or else any address of the group); they also ride on pulls. BROADCASTING
// keeps them on the client's own disk.

import { RequestCode } from "../remoting/codes.js";
import type { MessageQueue } from "./message-queue.js";
import type { MQClient } from "./mq-client.js";

/** LocalFileOffsetStore: a broadcasting consumer's offsets on its own disk. */
export const LOCAL_OFFSETS_KEY = "localOffsets";

/** Where persist() sends offsets: the broker (CLUSTERING) or the local disk (BROADCASTING). */
export interface OffsetPersistence {
  broadcasting: boolean;
  disk: Map<string, unknown>;
  client: MQClient;
  group: string;
}

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

  constructor(private readonly to: OffsetPersistence) {}

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

  /** persistAll: every owned queue's offset out; forget the queues no longer owned. */
  persistAll(owned: (key: string) => boolean): void {
    for (const { mq } of [...this.table.values()]) {
      if (owned(mqKey(mq))) this.persist(mq);
      else this.remove(mq);
    }
  }

  /** persist(mq): RemoteBrokerOffsetStore#updateConsumeOffsetToBroker (oneway), or the local file. */
  persist(mq: MessageQueue): void {
    const offset = this.read(mq);
    if (offset < 0) return;
    const { client } = this.to;
    if (this.to.broadcasting) {
      let m = this.to.disk.get(LOCAL_OFFSETS_KEY) as Map<string, number> | undefined;
      if (!m) { m = new Map(); this.to.disk.set(LOCAL_OFFSETS_KEY, m); }
      m.set(mqKey(mq), offset);
      return;
    }
    const addr = client.masterAddr(mq.brokerName) ?? client.subscribeAddr(mq.brokerName);
    if (addr !== null) {
      client.remoting.oneway(addr, { code: RequestCode.UPDATE_CONSUMER_OFFSET, group: this.to.group, topic: mq.topic,
        queueId: mq.queueId, commitOffset: offset });
    }
  }
}

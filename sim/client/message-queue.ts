// MessageQueue, the (topic, brokerName, queueId) triple every allocation
// strategy works on. Port of org.apache.rocketmq.common.message.MessageQueue
// (equals / compareTo / toString only; the class itself is a plain record).
//
// Ordering matters for fidelity: RebalanceImpl sorts mqAll with
// MessageQueue.compareTo and cidAll with String.compareTo before calling the
// strategy, and strategies index into those sorted lists. So the two orders
// below must be Java's, not a locale order.

export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

export function messageQueue(topic: string, brokerName: string, queueId: number): MessageQueue {
  return { topic, brokerName, queueId };
}

/**
 * Java's String.compareTo, returning the same value Java returns: the
 * difference of the first differing UTF-16 code units, else the difference of
 * the lengths.
 *
 * JS `<` / `>` on strings (and the default Array#sort comparator) also compare
 * UTF-16 code unit sequences (ECMAScript IsLessThan), so they agree with Java
 * in sign; unlike localeCompare, which must never be used for these orders.
 * Note this is NOT numeric: "10.0.0.10@1" < "10.0.0.2@1" because '1' < '2'.
 * The test suite checks the agreement with `<` on surrogate pairs too.
 */
export function compareJavaString(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * MessageQueue.compareTo: topic, then brokerName (String.compareTo), then
 * `this.queueId - o.queueId`. That subtraction is Java int arithmetic, so it
 * wraps on overflow; `| 0` reproduces the wrap (only reachable with absurd
 * queue ids, but it keeps the comparator value identical).
 */
export function compareMessageQueue(a: MessageQueue, b: MessageQueue): number {
  const t = compareJavaString(a.topic, b.topic);
  if (t !== 0) return t;
  const bn = compareJavaString(a.brokerName, b.brokerName);
  if (bn !== 0) return bn;
  return (a.queueId - b.queueId) | 0;
}

/** MessageQueue.equals: all three fields equal. */
export function sameMessageQueue(a: MessageQueue, b: MessageQueue): boolean {
  return a.topic === b.topic && a.brokerName === b.brokerName && a.queueId === b.queueId;
}

/**
 * MessageQueue.toString, character for character. AllocateMessageQueueConsistentHash
 * hashes this string to place a queue on the ring, so any difference here
 * would move queues between consumers.
 */
export function messageQueueToString(mq: MessageQueue): string {
  return `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;
}

/** A copy of `mqs` in RebalanceImpl's order (Collections.sort(mqAll)). */
export function sortMessageQueues(mqs: readonly MessageQueue[]): MessageQueue[] {
  return [...mqs].sort(compareMessageQueue);
}

/** A copy of `ids` in RebalanceImpl's order (Collections.sort(cidAll)). */
export function sortJavaStrings(ids: readonly string[]): string[] {
  return [...ids].sort(compareJavaString);
}

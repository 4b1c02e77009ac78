// Message index by key (ST/index/IndexService.java, IndexFile.java): `topic#key` for
// each space-separated KEYS value → the messages carrying it, newest first.
//
// Fault model: lives on the node's disk; rebuilt by dispatch like RocketMQ's (the
// index is a CommitLogDispatcher), so after a power loss it may point at dropped
// messages — lookups skip entries whose queue offset is no longer held.
//
// Bounded: a ring of `capacity` entries (default 100 000; RocketMQ's file holds
// maxIndexNum = 20 M). Like IndexFile, each entry links to the previous entry of the
// same key (prevIndex); the Map keeps the newest entry per key and forgets a key
// when its newest entry is overwritten. The UNIQ_KEY (msgId) index is not built.
// Built only with messageIndexEnable (MessageStore option, default off in the
// simulator for speed: ~1 µs per keyed message); MessageStore#queryByKey otherwise
// scans the held ConsumeQueue entries.

export interface KeyHit {
  cqId: number;
  queueOffset: number;
}

export class KeyIndex {
  private head = new Map<string, number>(); // key → seq of its newest entry
  private seqOf: Float64Array;
  private prev: Float64Array;
  private cq: Int32Array;
  private qoff: Float64Array;
  private keyOf: (string | undefined)[];
  private seq = 0;

  constructor(readonly capacity = 100_000) {
    this.seqOf = new Float64Array(capacity).fill(-1);
    this.prev = new Float64Array(capacity);
    this.cq = new Int32Array(capacity);
    this.qoff = new Float64Array(capacity);
    this.keyOf = new Array(capacity);
  }

  /** Index one message's KEYS (space-separated) under its topic. */
  add(topic: string, keys: string, cqId: number, queueOffset: number): void {
    if (keys.indexOf(" ") < 0) { this.addOne(topic + "#" + keys, cqId, queueOffset); return; }
    for (const k of keys.split(" ")) if (k) this.addOne(topic + "#" + k, cqId, queueOffset);
  }

  private addOne(key: string, cqId: number, queueOffset: number): void {
    const s = this.seq++;
    const slot = s % this.capacity;
    const old = this.keyOf[slot];
    if (old !== undefined && this.head.get(old) === this.seqOf[slot]) this.head.delete(old);
    const prev = this.head.get(key);
    this.seqOf[slot] = s;
    this.prev[slot] = prev ?? -1;
    this.cq[slot] = cqId;
    this.qoff[slot] = queueOffset;
    this.keyOf[slot] = key;
    this.head.set(key, s);
  }

  /** Up to `max` hits for `topic#key`, newest first. */
  query(topic: string, key: string, max: number): KeyHit[] {
    const out: KeyHit[] = [];
    let s = this.head.get(topic + "#" + key) ?? -1;
    while (s >= 0 && out.length < max) {
      const slot = s % this.capacity;
      if (this.seqOf[slot] !== s) break; // overwritten: the chain ends here
      out.push({ cqId: this.cq[slot], queueOffset: this.qoff[slot] });
      s = this.prev[slot];
    }
    return out;
  }

  get size(): number {
    return Math.min(this.seq, this.capacity);
  }
}

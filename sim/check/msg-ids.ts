// The per-msgId state the checker keeps, bounded by what is in flight plus a
// capped table:
//  - a message from its `send` until its `send.result` (a "flight"): its tag
//    (needed to decide which tag-filtered groups should receive the stored
//    offset) and the deliveries made before the result. Those wait: until the
//    result says where the message was acknowledged, a delivery cannot be told
//    apart from the delivery of another message at a reused position (a message
//    in flight is never the acknowledged one at any position).
//  - after the result, only messages that may exist as stored copies other than
//    the acknowledged one: sends that took more than one attempt (a resend after
//    a timeout or, with retryAnotherBrokerWhenNotStoreOK, after a non-OK status)
//    and failed sends (a timeout can come after the broker stored it). For those,
//    duplicates are decided by msgId, and only a delivery at the acknowledged
//    position (if any) counts toward that position. The table is capped (oldest
//    evicted); an evicted msgId falls back to position-only checking.

/** Where one consuming unit got a message. */
export interface Delivery {
  group: string;
  unitKey: string;
  qk: string;
  offset: number;
}

export interface Entry {
  tag: string | undefined;
  deliveries?: Delivery[];
  ackedQk?: string; // where it was acknowledged (remembered entries of stored sends)
  ackedOffset?: number;
}

/** What a delivery of a tracked msgId means. */
export interface ConsumeVerdict {
  /** The unit already got this msgId. */
  duplicate: boolean;
  /** ...and at another position: a second stored copy. */
  resend: boolean;
  /** It is the acknowledged copy: credit its position now. */
  coverNow: boolean;
}

export class MessageIds {
  private readonly inFlight = new Map<string, Entry>();
  private readonly remembered = new Map<string, Entry>();
  /** Remembered messages forgotten because the table was full. */
  evicted = 0;

  constructor(private readonly maxRemembered = 65_536) {}

  get inFlightSize(): number {
    return this.inFlight.size;
  }

  get rememberedSize(): number {
    return this.remembered.size;
  }

  onSend(msgId: string, tag: string | undefined): void {
    this.inFlight.set(msgId, { tag });
  }

  /** The send returned: its flight (tag, deliveries so far), no longer in flight; undefined if unseen. */
  land(msgId: string): Entry | undefined {
    const f = this.inFlight.get(msgId);
    if (f) this.inFlight.delete(msgId);
    return f;
  }

  /** Keep tracking a landed message by msgId; `at` = where it was acknowledged, if anywhere. */
  remember(msgId: string, flight: Entry | undefined, at: { qk: string; offset: number } | null): void {
    const e: Entry = flight ?? { tag: undefined };
    if (at) { e.ackedQk = at.qk; e.ackedOffset = at.offset; }
    this.remembered.set(msgId, e);
    if (this.remembered.size <= this.maxRemembered) return;
    const oldest = this.remembered.keys().next().value as string;
    this.remembered.delete(oldest);
    this.evicted++;
  }

  /** A unit's delivery; null for an untracked msgId (the hot path: one failed lookup each). */
  onConsume(msgId: string, group: string, unitKey: string, qk: string, offset: number): ConsumeVerdict | null {
    const flying = this.inFlight.get(msgId);
    const e = flying ?? this.remembered.get(msgId);
    if (!e) return null;
    const d: Delivery = { group, unitKey, qk, offset };
    const list = (e.deliveries ??= []);
    let duplicate = false;
    let here = false;
    for (const p of list) {
      if (p.group !== d.group || p.unitKey !== d.unitKey) continue;
      duplicate = true;
      if (p.qk === d.qk && p.offset === d.offset) here = true;
    }
    if (!here) list.push(d);
    const coverNow = !flying && e.ackedQk === d.qk && e.ackedOffset === d.offset;
    return { duplicate, resend: duplicate && !here, coverNow };
  }
}

// The only per-message state the checker keeps, bounded by what is in flight:
//  - a message's tag from its `send` until its `send.result` (needed to decide
//    which tag-filtered groups should receive the stored offset);
//  - for messages whose send took more than one attempt (the only way the
//    producer can store two copies at different queue offsets: a resend after a
//    timeout or, with retryAnotherBrokerWhenNotStoreOK, after a non-OK status),
//    where each consuming unit first got it, so a second copy consumed by the
//    same unit counts as a duplicate. That table is capped (oldest evicted).

interface Flight {
  tag: string | undefined;
  seen?: Map<string, string>; // unit -> "queueKey\toffset" of its first delivery
}

export class MessageIds {
  private readonly inFlight = new Map<string, Flight>();
  private readonly retried = new Map<string, Map<string, string>>();
  /** Retried messages forgotten because the table was full. */
  evicted = 0;

  constructor(private readonly maxRetried = 65_536) {}

  get inFlightSize(): number {
    return this.inFlight.size;
  }

  get retriedSize(): number {
    return this.retried.size;
  }

  onSend(msgId: string, tag: string | undefined): void {
    this.inFlight.set(msgId, { tag });
  }

  /** The send returned: forget the flight, keep it only if copies may exist. Returns its tag. */
  onResult(msgId: string, attempts: number): string | undefined {
    const f = this.inFlight.get(msgId);
    this.inFlight.delete(msgId);
    if (attempts > 1) this.remember(msgId, f?.seen ?? new Map());
    return f?.tag;
  }

  /**
   * A unit's first delivery of a queue offset; true if it already got this msgId
   * from another offset. Keys are built only for tracked msgIds (the hot path is a miss).
   */
  onConsume(msgId: string, group: string, unitKey: string, qk: string, offset: number): boolean {
    const f = this.inFlight.get(msgId);
    const seen = f ? (f.seen ??= new Map()) : this.retried.get(msgId);
    if (!seen) return false;
    const unit = `${group}\t${unitKey}`;
    const location = `${qk}\t${offset}`;
    const prev = seen.get(unit);
    if (prev === undefined) seen.set(unit, location);
    return prev !== undefined && prev !== location;
  }

  private remember(msgId: string, seen: Map<string, string>): void {
    this.retried.set(msgId, seen);
    if (this.retried.size <= this.maxRetried) return;
    const oldest = this.retried.keys().next().value as string;
    this.retried.delete(oldest);
    this.evicted++;
  }
}

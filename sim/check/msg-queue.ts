// What the checker knows about one queue (topic, brokerName, queueId): which
// offsets were acknowledged, and the few positions that held more than one
// acknowledged message.
//
// A position normally holds one message for the whole run, so the acknowledged
// offsets are an interval set and nothing per message is kept. A position is
// *reused* when the broker group's log was cut back below it and a new message
// was stored there: a slave promoted with a shorter log (the master's
// unreplicated tail is gone), a restart after a power loss (the unflushed tail is
// gone), a DLedger or Controller leader change that truncates, or two masters at
// once during a partition. RocketMQ then hands out the same queue offsets again:
// the next offset of a queue comes from CommitLog's topicQueueTable, which a
// (re)starting store rebuilds from each ConsumeQueue's max offset after recovery
// (DefaultMessageStore#recoverTopicQueueTable), i.e. from what the node still has.
// So the offset alone no longer names a message.
//
// The checker notices a reuse when a second acknowledgment lands on an
// acknowledged position: a send has exactly one `send.result`, so two
// acknowledgments at one position are two messages. From then on that position
// keeps, for each later message (a "generation"), its msgId and who got it;
// the first message of the position stays in the interval sets, and a delivery
// there whose msgId is none of the later ones is taken to be that first message.
// This costs memory per acknowledged message at a reused position: bounded by the
// size of the log cut-backs (and of split-brain writes), not by the run's length.

import { IntervalSet } from "./msg-intervals.js";

/** A message acknowledged at a position that already had one. */
export interface Generation {
  readonly msgId: string;
  readonly tag: string | undefined;
  /** "group\tunitKey" of every consuming unit that got it. */
  readonly delivered: Set<string>;
}

export class QueueState {
  /** Offsets with at least one acknowledged message. */
  readonly acked = new IntervalSet();
  private reused: Map<number, Generation[]> | null = null; // offset -> later messages, oldest first

  /** Positions that held more than one acknowledged message (memory check). */
  get reusedPositions(): number {
    return this.reused?.size ?? 0;
  }

  /**
   * Records an acknowledgment. Returns "first" when the position had none, the new
   * generation when it had, or "repeat" for a msgId already acknowledged here (a
   * malformed trace: each send has one result).
   */
  ack(offset: number, msgId: string, tag: string | undefined): "first" | "repeat" | Generation {
    if (this.acked.add(offset)) return "first";
    this.reused ??= new Map();
    let gens = this.reused.get(offset);
    if (!gens) this.reused.set(offset, (gens = []));
    if (gens.some((g) => g.msgId === msgId)) return "repeat";
    const gen: Generation = { msgId, tag, delivered: new Set() };
    gens.push(gen);
    return gen;
  }

  /** The later message `msgId` at `offset`; undefined means the position's first message (or none). */
  generation(offset: number, msgId: string): Generation | undefined {
    if (this.reused === null) return undefined; // the hot path: no reuse in this queue
    return this.reused.get(offset)?.find((g) => g.msgId === msgId);
  }
}

// PULL_MESSAGE on the broker (broker/processor/PullMessageProcessor,
// longpolling/PullRequestHoldService).
//
// Long polling: a pull that finds nothing new (PULL_NOT_FOUND) with the suspend
// flag is parked for its suspend timeout (15 s from the push consumer). It is
// answered as soon as a matching message is dispatched to its queue (≈1 ms after
// the append), or when the hold service, which wakes every 5 s (every
// shortPollingTimeMills without long polling), sees it has timed out — so a
// parked pull lasts 15 to 20 s. Timed-out requests are re-run without suspend.
//
// Slaves and the "consume slowly" suggestion (reference §2.11):
// - suggestWhichBrokerId: with slaveReadEnable, whichBrokerWhenConsumeSlowly (1) when the
//   data read lies beyond the hot window (the store's suggestPullingFromSlave), else 0;
//   without it, always 0 (the master).
// - 4.9.8 on a SLAVE without slaveReadEnable sets PULL_RETRY_IMMEDIATELY, but the switch on
//   the store status that follows overwrites the code (FOUND -> SUCCESS, …), so a 4.9 slave
//   serves pulls whatever slaveReadEnable says; only the suggestion points to the master.
// - 5.x without slaveReadEnable rejects every pull on a slave before it runs
//   (PullMessageProcessor#rejectRequest -> SYSTEM_BUSY "[REJECTREQUEST]…"). With it, a slave
//   that is not the smallest broker id of its group redirects: suggest the master, and any
//   status but FOUND becomes PULL_RETRY_IMMEDIATELY (no long polling). Without acting master
//   a slave's minBrokerIdInGroup stays 0, so this applies to every classic 5.x slave.
// - the commit-offset piggyback is stored only by a master, and only on the first run of a
//   request (brokerAllowSuspend), not when a held one is re-run.

import { ResponseCode } from "../remoting/codes.js";
import type { Response } from "../remoting/rpc.js";
import type { GetResult, StorePort } from "./store-port.js";

export interface PullRequest {
  group: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  suspend: boolean;
  suspendTimeoutUs: number;
  /** Tag hash codes the subscription accepts; null = every message ("*"). */
  tagCodes: number[] | null;
  commitOffset?: number;
}

interface Held { req: PullRequest; reply: (r: Response) => void; suspendUs: number }

/** What the processor needs to know about its broker (the role can change: promote). */
export interface PullContext {
  isSlave(): boolean;
  profile: "4.9" | "5.3";
  slaveReadEnable: boolean;
  whichBrokerWhenConsumeSlowly: number;
}

export class PullProcessor {
  private held = new Map<string, Held[]>(); // "topic@queueId"
  private readonly heldKeys = new Map<string, string[]>(); // topic -> queueId -> held key

  constructor(private readonly store: StorePort, private readonly now: () => number,
              private readonly onCommitOffset: (req: PullRequest) => void, private readonly ctx: PullContext) {
    store.onArrive((topic, queueId, maxOffset, tagsCode) => this.notifyMessageArriving(topic, queueId, maxOffset, tagsCode));
  }

  process(req: PullRequest, reply: (r: Response) => void, allowSuspend = true): void {
    const ctx = this.ctx, slave = ctx.isSlave();
    if (slave && allowSuspend && ctx.profile === "5.3" && !ctx.slaveReadEnable) {
      reply({ code: ResponseCode.SYSTEM_BUSY, remark: "[REJECTREQUEST]system busy, start flow control for a while" });
      return;
    }
    if (req.commitOffset !== undefined && req.commitOffset >= 0 && allowSuspend && !slave) this.onCommitOffset(req);
    const codes = req.tagCodes;
    const filter = codes === null ? ACCEPT_ALL : (c: number) => codes.includes(c);
    const r = this.store.getMessage(req.topic, req.queueId, req.queueOffset, req.maxMsgNums, filter);
    let code = responseCode(r, req.queueOffset);
    const slow = r.suggestPullingFromSlave === true;
    let suggest = ctx.slaveReadEnable && slow ? ctx.whichBrokerWhenConsumeSlowly : 0;
    if (slave && ctx.profile === "5.3" && !slow) {
      suggest = 0;
      if (r.status !== "FOUND") code = ResponseCode.PULL_RETRY_IMMEDIATELY;
    }
    if (code === ResponseCode.PULL_NOT_FOUND && allowSuspend && req.suspend) {
      const key = this.heldKey(req.topic, req.queueId);
      let list = this.held.get(key);
      if (!list) { list = []; this.held.set(key, list); }
      list.push({ req, reply, suspendUs: this.now() });
      return;
    }
    reply({ code, nextBeginOffset: r.nextBeginOffset, minOffset: r.minOffset, maxOffset: r.maxOffset, suggestWhichBrokerId: suggest,
      messages: code === ResponseCode.SUCCESS ? r.messages : [] });
  }

  /**
   * "topic@queueId", memoised: every dispatched message looks its queue up here,
   * and a fresh string per message (built, then hashed) was a visible cost.
   */
  private heldKey(topic: string, queueId: number): string {
    let keys = this.heldKeys.get(topic);
    if (!keys) this.heldKeys.set(topic, (keys = []));
    return (keys[queueId] ??= `${topic}@${queueId}`);
  }

  /** The hold service's periodic pass: wake what has data or has timed out. */
  checkHoldRequest(): void {
    for (const list of [...this.held.values()]) {
      if (list.length === 0) continue;
      const { topic, queueId } = list[0].req;
      this.notifyMessageArriving(topic, queueId, this.store.getMaxOffsetInQueue(topic, queueId), null);
    }
  }

  /** Called on dispatch (tagsCode known) and by the periodic pass (null: check everything). */
  private notifyMessageArriving(topic: string, queueId: number, maxOffset: number, tagsCode: number | null): void {
    const key = this.heldKey(topic, queueId);
    const list = this.held.get(key);
    if (!list || list.length === 0) return;
    const now = this.now();
    // Usually every held request wakes (one consumer per queue) or none does: then
    // no split into two new lists per dispatched message. Waking never holds again.
    let due = 0;
    for (const h of list) if (isDue(h, maxOffset, tagsCode, now)) due++;
    if (due === 0) return;
    if (due === list.length) {
      this.held.delete(key);
      for (const h of list) this.process(h.req, h.reply, false);
      return;
    }
    const keep: Held[] = [];
    const wake: Held[] = [];
    for (const h of list) (isDue(h, maxOffset, tagsCode, now) ? wake : keep).push(h);
    this.held.set(key, keep);
    for (const h of wake) this.process(h.req, h.reply, false);
  }
}

/** A held pull wakes when a message it accepts arrived past its offset, or its suspend time is up. */
function isDue(h: Held, maxOffset: number, tagsCode: number | null, nowUs: number): boolean {
  const codes = h.req.tagCodes;
  const arrived = maxOffset > h.req.queueOffset && (tagsCode === null || codes === null || codes.includes(tagsCode));
  return arrived || nowUs >= h.suspendUs + h.req.suspendTimeoutUs;
}

/** The filter of a "*" subscription: one shared function, not a closure per pull. */
const ACCEPT_ALL = (): boolean => true;

/** PullMessageProcessor: store status -> response code. */
function responseCode(r: GetResult, requestOffset: number): number {
  switch (r.status) {
    case "FOUND": return ResponseCode.SUCCESS;
    case "NO_MATCHED_MESSAGE": case "MESSAGE_WAS_REMOVING": case "NO_MATCHED_LOGIC_QUEUE":
      return ResponseCode.PULL_RETRY_IMMEDIATELY;
    case "OFFSET_FOUND_NULL": case "OFFSET_OVERFLOW_ONE": return ResponseCode.PULL_NOT_FOUND;
    case "NO_MESSAGE_IN_QUEUE": return requestOffset === 0 ? ResponseCode.PULL_NOT_FOUND : ResponseCode.PULL_OFFSET_MOVED;
    default: return ResponseCode.PULL_OFFSET_MOVED;
  }
}

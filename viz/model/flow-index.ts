// Message flow index: every send (producer -> broker, until its send.result) and
// every consume (broker -> consumer), in time order, as typed arrays so the
// canvas can find the messages in a time window by binary search. A send's
// broker is known from its send.result (-1 until then, or if it has none).

import type { AnyEvent } from "../state/events.js";
import { isConsume, isSend, isSendResult } from "../state/events.js";

export interface FlowIndex {
  /** Interned names: producers/consumers and brokerNames. */
  names: string[];
  sendT: Float64Array;
  /** send.result time (NaN when none arrived). */
  sendEnd: Float64Array;
  sendFrom: Int32Array;
  /** brokerName id, or -1 when unknown. */
  sendTo: Int32Array;
  /** 1 = stored by a master (send.result stored / SEND_OK), 0 = failed or no result. */
  sendOk: Uint8Array;
  consumeT: Float64Array;
  consumeFrom: Int32Array;
  consumeTo: Int32Array;
}

class Growable {
  a: Float64Array = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) { const b = new Float64Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
  done(): Float64Array { return this.a.slice(0, this.n); }
}

export function flowCollector() {
  const names: string[] = [];
  const ids = new Map<string, number>();
  const intern = (s: string) => { let i = ids.get(s); if (i === undefined) { i = names.length; names.push(s); ids.set(s, i); } return i; };
  const sendT = new Growable(), sendEnd = new Growable(), sendFrom = new Growable(), sendTo = new Growable(), sendOk = new Growable();
  const consumeT = new Growable(), consumeFrom = new Growable(), consumeTo = new Growable();
  const pending = new Map<string, number>();

  function observe(e: AnyEvent): void {
    if (e.type === "send" && isSend(e)) {
      pending.set(e.msgId, sendT.n);
      sendT.push(e.t); sendEnd.push(NaN); sendFrom.push(intern(e.node)); sendTo.push(-1); sendOk.push(0);
    } else if (e.type === "send.result" && isSendResult(e)) {
      const i = pending.get(e.msgId);
      if (i === undefined) return;
      pending.delete(e.msgId);
      sendEnd.a[i] = e.t;
      if (typeof e.brokerName === "string") sendTo.a[i] = intern(e.brokerName);
      sendOk.a[i] = (typeof e.stored === "boolean" ? e.stored : e.status === "SEND_OK") ? 1 : 0;
    } else if (e.type === "consume" && isConsume(e)) {
      consumeT.push(e.t); consumeFrom.push(intern(e.brokerName)); consumeTo.push(intern(e.node));
    }
  }

  function result(): FlowIndex {
    return {
      names,
      sendT: sendT.done(), sendEnd: sendEnd.done(),
      sendFrom: Int32Array.from(sendFrom.done()), sendTo: Int32Array.from(sendTo.done()), sendOk: Uint8Array.from(sendOk.done()),
      consumeT: consumeT.done(), consumeFrom: Int32Array.from(consumeFrom.done()), consumeTo: Int32Array.from(consumeTo.done()),
    };
  }
  return { observe, result };
}

/** First index with a[i] >= t. */
export function lowerBound(a: Float64Array, t: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (a[m] < t) lo = m + 1; else hi = m; }
  return lo;
}

// The URL holds the trace, the time and the selection (and speed), so a moment
// can be shared: ?trace=<url>&t=<seconds>&sel=<node>&speed=<x>.

import { fromUrlSeconds, toUrlSeconds } from "../format/time.js";

export interface UrlState { trace: string | null; t: number | null; sel: string | null; speed: number | null }

export function readUrl(loc: Location = window.location): UrlState {
  const p = new URLSearchParams(loc.search);
  const speed = Number(p.get("speed"));
  return { trace: p.get("trace"), t: fromUrlSeconds(p.get("t")), sel: p.get("sel"), speed: Number.isFinite(speed) && speed > 0 ? speed : null };
}

export function urlFor(s: { trace: string | null; t: number; sel: string | null; speed: number }, loc: Location = window.location): string {
  const p = new URLSearchParams();
  if (s.trace) p.set("trace", s.trace);
  p.set("t", toUrlSeconds(s.t));
  if (s.sel) p.set("sel", s.sel);
  p.set("speed", String(s.speed));
  return `${loc.pathname}?${p.toString().replace(/%2F/g, "/")}`;
}

/** Replace the URL at most every `ms` (browsers throttle history updates). */
export function urlWriter(ms = 400): (s: Parameters<typeof urlFor>[0]) => void {
  let timer = 0, pending: Parameters<typeof urlFor>[0] | null = null, last = "";
  return (s) => {
    pending = s;
    if (timer) return;
    timer = window.setTimeout(() => {
      timer = 0;
      if (!pending) return;
      const u = urlFor(pending);
      if (u !== last) { last = u; history.replaceState(null, "", u); }
    }, ms);
  };
}

// Times in the trace are integer microseconds.

/** "1:01.250" (m:ss.mmm), or "h:mm:ss.mmm" from an hour. */
export function clock(us: number): string {
  const neg = us < 0;
  const ms = Math.floor(Math.abs(us) / 1000);
  const h = Math.floor(ms / 3_600_000), m = Math.floor(ms / 60_000) % 60, s = Math.floor(ms / 1000) % 60, r = ms % 1000;
  const mm = h > 0 ? `${h}:${String(m).padStart(2, "0")}` : String(m);
  return `${neg ? "-" : ""}${mm}:${String(s).padStart(2, "0")}.${String(r).padStart(3, "0")}`;
}

/** Seconds with up to 6 decimals: "61.000011 s". */
export function seconds(us: number): string {
  return `${trimZeros((us / 1e6).toFixed(6))} s`;
}

/** A duration for humans: "850 µs", "12.5 ms", "43.2 s", "2 min 5 s". */
export function duration(us: number): string {
  const a = Math.abs(us), sign = us < 0 ? "-" : "";
  if (a < 1000) return `${sign}${Math.round(a)} µs`;
  if (a < 1e6) return `${sign}${trimZeros((a / 1000).toFixed(1))} ms`;
  if (a < 120e6) return `${sign}${trimZeros((a / 1e6).toFixed(1))} s`;
  const m = Math.floor(a / 60e6);
  return `${sign}${m} min ${Math.round((a - m * 60e6) / 1e6)} s`;
}

/** For the URL: seconds, shortest exact form. */
export function toUrlSeconds(us: number): string {
  return trimZeros((us / 1e6).toFixed(6));
}

export function fromUrlSeconds(s: string | null): number | null {
  if (s === null || s.trim() === "") return null;
  const v = Number(s.replace(/s$/, ""));
  return Number.isFinite(v) && v >= 0 ? Math.round(v * 1e6) : null;
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

// Byte sizes ("512B", "1KB", "4KiB") and disk bandwidths ("200MB/s") as scenarios
// write them. KB and KiB both mean 1024 bytes: operators read "1KB" the way
// RocketMQ's own docs and configs use it (maxMessageSize = 1024 * 1024 * 4), and
// a silent factor of 1000 vs 1024 in a message size would only confuse.
// Like parseDurationUs, the parsers return an error string instead of throwing,
// so the schema (editor patterns) and the loader (messages) share one wording.

const UNIT_BYTES: Record<string, number> = { B: 1, KB: 1024, KiB: 1024, MB: 1024 ** 2, MiB: 1024 ** 2, GB: 1024 ** 3, GiB: 1024 ** 3 };
const UNITS = "B|KB|KiB|MB|MiB|GB|GiB";

export const SIZE_PATTERN = `^\\s*\\d+(?:\\.\\d+)?\\s*(?:${UNITS})\\s*$`;
export const BANDWIDTH_PATTERN = `^\\s*\\d+(?:\\.\\d+)?\\s*(?:${UNITS})/s\\s*$`;

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)$/;
const BANDWIDTH_RE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)\/s$/;

export const SIZE_HELP = 'use a number and a unit (B, KB, MB, GB; KB = KiB = 1024 bytes), e.g. "512B", "1KB", "4KiB"';
export const BANDWIDTH_HELP = 'use bytes per second, or a size per second (KB = KiB = 1024 bytes) such as "500KB/s", "200MB/s", "1GB/s"';

function parse(re: RegExp, text: string): number | undefined {
  const m = re.exec(text.trim());
  return m ? Math.round(Number(m[1]) * UNIT_BYTES[m[2]]) : undefined;
}

/** "4KiB" -> 4096. A bare number is a byte count already. */
export function parseBytes(v: string | number): number | string {
  if (typeof v === "number") return v;
  const n = parse(SIZE_RE, v);
  if (n === undefined) return `${JSON.stringify(v)} is not a size; ${SIZE_HELP}`;
  return Number.isSafeInteger(n) ? n : `${JSON.stringify(v)} is too large`;
}

/** "200MB/s" -> 209715200 bytes per second. A bare number is bytes per second already. */
export function parseBandwidth(v: string | number): number | string {
  if (typeof v === "number") return v;
  const n = parse(BANDWIDTH_RE, v);
  if (n === undefined) return `${JSON.stringify(v)} is not a bandwidth; ${BANDWIDTH_HELP}`;
  return Number.isSafeInteger(n) ? n : `${JSON.stringify(v)} is too large`;
}

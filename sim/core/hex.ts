// Fixed-width upper-case hex of 16- and 32-bit words, from a 64 Ki-entry table
// built once: msgIds are built and rebuilt for every message, and
// Number#toString(16) + toUpperCase + padStart costs three string allocations
// per word where a table lookup costs none.

const HEX16: string[] = [];
for (let i = 0; i < 65536; i++) HEX16.push(i.toString(16).toUpperCase().padStart(4, "0"));

/** The low 16 bits of `n` as 4 upper-case hex digits. */
export function hex16(n: number): string {
  return HEX16[n & 0xffff];
}

/** The low 32 bits of `n` (taken unsigned) as 8 upper-case hex digits. */
export function hex32(n: number): string {
  const u = n >>> 0;
  return HEX16[u >>> 16] + HEX16[u & 0xffff];
}

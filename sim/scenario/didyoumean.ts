// "Did you mean …?" suggestions for misspelt keys, enum values and names. Uses the
// optimal-string-alignment (restricted Damerau) distance so a swapped pair of
// letters ("porfile") counts as one edit, like a typo does.

export function editDistance(a: string, b: string): number {
  const rows = a.length + 1, cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate if it is close enough (<= max(2, len/3) edits), else undefined. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    // Case-only differences ("DefaultCluster" vs "defaultcluster") are the likeliest typo.
    const dist = c.toLowerCase() === lower ? 0.5 : editDistance(word, c);
    if (dist < bestDist) [best, bestDist] = [c, dist];
  }
  // Also require fewer edits than the word has letters: "x" is not a typo of "at".
  const close = bestDist <= Math.max(2, Math.floor(word.length / 3)) && bestDist < word.length;
  return close ? best : undefined;
}

/** ` (did you mean "x"?)` or "" — ready to append to a message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s === undefined ? "" : ` (did you mean ${JSON.stringify(s)}?)`;
}

/** "a, b, c" or "a, b, c, ... (12 in all)" for listing what is allowed. */
export function listSome(items: readonly string[], max = 8): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")}, ... (${items.length} in all)`;
}

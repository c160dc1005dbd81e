// "Did you mean": a misspelt name (a failure kind HYD_LEAKS for HYD_LEAK, a skill spindel for
// spindle) is said with the name it most likely meant, so a person fixes it without reading a list.
// Pure.

/** Edits between a and b: insert, delete, substitute, or swap two neighbours (spindel → spindle is one). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/**
 * The known name closest to `word`, if it is close enough to be a slip (case ignored; at most one
 * edit in a short name, two from six letters on), else null: a far guess misleads more than none.
 */
export function closest(word: string, known: readonly string[]): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const dk = distance(w, k.toLowerCase());
    if (dk < bestD) [best, bestD] = [k, dk];
  }
  return best !== null && bestD <= (word.length >= 6 ? 2 : 1) ? best : null;
}

/** "; did you mean 'HYD_LEAK'?" when one known name is close to `word`, else "". */
export function didYouMean(word: string, known: readonly string[]): string {
  const hit = closest(word, known);
  return hit === null ? "" : `; did you mean '${hit}'?`;
}

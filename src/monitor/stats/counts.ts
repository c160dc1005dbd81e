// Category counts: the input of the chi-square and Z tests and of categorical shares. Keys keep their
// type (numbers stay numbers) so a low-cardinality numeric column can be tested as categories, as
// Evidently does, and so keys sort the way Python's sorted() sorts them.
import { MillwrightError } from "../../core/errors.js";

export type CategoryKey = string | number;
export type Counts = Map<CategoryKey, number>;

export function countValues(values: ArrayLike<CategoryKey>): Counts {
  const out: Counts = new Map();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out.set(v, (out.get(v) ?? 0) + 1);
  }
  return out;
}

/** Counts of a sorted numeric sample by run length, O(n) with no hashing. */
export function countSorted(sorted: Float64Array): Counts {
  const out: Counts = new Map();
  let i = 0;
  while (i < sorted.length) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    out.set(sorted[i], j - i);
    i = j;
  }
  return out;
}

export function totalCount(counts: Counts): number {
  let n = 0;
  for (const c of counts.values()) n += c;
  return n;
}

/** Python's sorted() order: numbers numerically, strings by code point, numbers before strings. */
export function compareKeys(a: CategoryKey, b: CategoryKey): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The union of both key sets, sorted. */
export function unionKeys(a: Counts, b: Counts): CategoryKey[] {
  const keys = new Set<CategoryKey>([...a.keys(), ...b.keys()]);
  return [...keys].sort(compareKeys);
}

/** Two samples' sizes and categories (sorted union) for a test on counts; an empty one is refused. */
export function countedPair(
  test: string,
  reference: Counts,
  current: Counts,
): { nRef: number; nCur: number; keys: CategoryKey[] } {
  const nRef = totalCount(reference);
  const nCur = totalCount(current);
  if (nRef === 0 || nCur === 0)
    throw new MillwrightError("MW_BAD_INPUT", `${test}: both samples must be non-empty`, { nRef, nCur });
  return { nRef, nCur, keys: unionKeys(reference, current) };
}

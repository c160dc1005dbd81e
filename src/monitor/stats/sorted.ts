// Sorted Float64Array copies: every numeric kernel (KS, Wasserstein, binning) works on sorted data,
// so a column is sorted once and shared by all the tests run on it.
import { MillwrightError } from "../../core/errors.js";
import { radixSortFloat64 } from "./radix-sort.js";

/** A sorted copy of the values; throws on NaN because a NaN has no place in an ordering. */
export function sortedCopy(values: ArrayLike<number>, what = "values"): Float64Array {
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) {
      throw new MillwrightError("MW_BAD_INPUT", `${what}: NaN at index ${i}; drop missing values first`, {
        field: what,
        row: i,
      });
    }
  }
  return radixSortFloat64(out);
}

/** Number of distinct values in a sorted array. */
export function distinctSorted(a: Float64Array): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[i - 1]) count++;
  return count;
}

/** Number of distinct values in the union of two sorted arrays (pandas nunique of the concatenation). */
export function distinctUnionSorted(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    count++;
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
  }
  return count;
}

/** Population mean and standard deviation (numpy's np.std, ddof = 0), two-pass for accuracy. */
export function meanStd(a: ArrayLike<number>): { mean: number; std: number } {
  const n = a.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / n) };
}

// Binary search on sorted numbers, one copy for every sorted array in the house (bin thresholds,
// event times, failure times).

/** First index i in sorted `a` with a[i] > v (upper bound); a.length when there is none. */
export function upperBound(a: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

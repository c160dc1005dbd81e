// First Wasserstein distance between two 1-D empirical distributions, as
// scipy.stats.wasserstein_distance(u, v) (unweighted): ∫|F_u − F_v| over the merged support, here by
// one merge walk over sorted samples, O(n). The normed variant is Evidently's "wasserstein" stattest:
// the distance divided by the reference's population standard deviation (np.std, ddof 0), floored at 0.001.
import { MillwrightError } from "../../core/errors.js";
import { meanStd } from "./sorted.js";

/** W₁ between two sorted samples (ascending, no NaN). */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) {
    throw new MillwrightError("MW_BAD_INPUT", "wasserstein_distance: both samples must be non-empty", {
      n1,
      n2,
    });
  }
  let i = 0;
  let j = 0;
  let prev = a[0] < b[0] ? a[0] : b[0];
  let total = 0;
  // On [prev, next) the ECDFs are i/n1 and j/n2: everything consumed so far is ≤ prev.
  while (i < n1 || j < n2) {
    const takeA = j >= n2 || (i < n1 && a[i] <= b[j]);
    const next = takeA ? a[i] : b[j];
    total += Math.abs(i / n1 - j / n2) * (next - prev);
    if (takeA) i++;
    else j++;
    prev = next;
  }
  return total;
}

/** Evidently's normed Wasserstein: W₁ / max(std(reference), 0.001). */
export function wassersteinNormedSorted(reference: Float64Array, current: Float64Array): number {
  const norm = Math.max(meanStd(reference).std, 0.001);
  return wassersteinSorted(reference, current) / norm;
}

// First Wasserstein distance between two 1-D empirical distributions, as
// scipy.stats.wasserstein_distance(u, v) (unweighted): ∫|F_u − F_v| over the merged support, here in
// O(n) on sorted samples. The normed variant is Evidently's "wasserstein" stattest:
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
  // ∫|F_u − F_v| dx equals ∫₀¹ |F_u⁻¹(q) − F_v⁻¹(q)| dq (same area, integrated the other way). The
  // quantile form walks the breakpoints i/n1 and j/n2, compared in exact integers (units of 1/(n1·n2)),
  // so its branches follow a regular pattern instead of the data: several times faster than merging
  // values, and equal to scipy's sum up to rounding (~1e-15 relative).
  let i = 0;
  let j = 0;
  let prev = 0;
  let total = 0;
  while (i < n1 && j < n2) {
    const ti = (i + 1) * n2;
    const tj = (j + 1) * n1;
    const next = Math.min(ti, tj);
    total += Math.abs(a[i] - b[j]) * (next - prev);
    prev = next;
    if (ti <= tj) i++;
    if (tj <= ti) j++;
  }
  total /= n1 * n2;
  return total;
}

/** Evidently's normed Wasserstein: W₁ / max(std(reference), 0.001). */
export function wassersteinNormedSorted(reference: Float64Array, current: Float64Array): number {
  const norm = Math.max(meanStd(reference).std, 0.001);
  return wassersteinSorted(reference, current) / norm;
}

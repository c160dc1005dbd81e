// Standard normal tail probabilities, matching scipy.stats.norm.sf / norm.cdf. The upper tail is the
// regularised incomplete gamma Q(1/2, z²/2) / 2, which keeps full relative precision far into the tail
// (no 1 − cdf cancellation).
import { gammaQ } from "./gamma.js";

/** P(Z > z) for a standard normal Z (scipy.stats.norm.sf). */
export function normSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const upper = 0.5 * gammaQ(0.5, (z * z) / 2);
  return z >= 0 ? upper : 1 - upper;
}

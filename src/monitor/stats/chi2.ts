// Chi-square survival function, matching scipy.stats.chi2.sf(x, df) = gammaincc(df/2, x/2).
import { gammaQ } from "./gamma.js";

/** P(X > x) for X ~ χ²(df); NaN for df ≤ 0 as scipy; 0 for x = +∞. */
export function chi2Sf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

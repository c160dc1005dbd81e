// Two-sample Kolmogorov–Smirnov test, two-sided: statistic and p-value as scipy.stats.ks_2samp
// (scipy 1.10) with method "auto" (exact when max(n₁, n₂) ≤ 10,000, else asymptotic), "exact" or "asymp".
// Ties are handled as scipy does (ECDFs evaluated with side="right" at every observed value); the
// exact branch returns the statistic snapped to the lattice h/lcm(n₁, n₂), as scipy does; the asymptotic
// branch is scipy's kstwo.sf(D, round(n₁n₂/(n₁+n₂))).
import { MillwrightError } from "../../core/errors.js";
import { outerProbInside, probOutsideSquare } from "./ks-exact.js";
import { kstwoSf } from "./kolmogn.js";
import { sortedCopy } from "./sorted.js";

export type KsMethod = "auto" | "exact" | "asymp";

export interface KsResult {
  statistic: number;
  pValue: number;
  /** The method actually used (auto resolves to one; exact falls back to asymp as scipy does). */
  method: "exact" | "asymp";
}

const MAX_AUTO_N = 10_000;
const INT32_MAX = 2147483647;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** numpy's np.round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** sup |F₁ − F₂| by one merge walk over two sorted samples; ties advance both sides together. */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxS = 0;
  let minS = 0;
  // Once one sample is used up the difference moves monotonically to 0, so the walk can stop there.
  while (i < n1 && j < n2) {
    const v = Math.min(a[i], b[j]);
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  return Math.max(maxS, Math.min(-minS, 1));
}

/** Two-sided two-sample KS test on sorted samples (ascending, no NaN). */
export function ks2sampSorted(a: Float64Array, b: Float64Array, method: KsMethod = "auto"): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) {
    throw new MillwrightError("MW_BAD_INPUT", "ks_2samp: both samples must be non-empty", { n1, n2 });
  }
  let d = ksStatisticSorted(a, b);
  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  let mode: "exact" | "asymp";
  if (method === "auto") mode = Math.max(n1, n2) <= MAX_AUTO_N ? "exact" : "asymp";
  else if (method === "exact") mode = n1g >= INT32_MAX / n2g ? "asymp" : "exact";
  else mode = "asymp";

  let prob = Number.NaN;
  if (mode === "exact") {
    const lcm = n1g * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) prob = 1;
    else prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (!(prob >= 0 && prob <= 1)) mode = "asymp"; // scipy warns and switches
  }
  if (mode === "asymp") {
    const m = Math.max(n1, n2);
    const n = Math.min(n1, n2);
    const en = (m * n) / (m + n);
    prob = kstwoSf(d, roundHalfEven(en));
  }
  return { statistic: d, pValue: Math.min(1, Math.max(0, prob)), method: mode };
}

/** Two-sided two-sample KS test on unsorted samples (sorted copies are made). */
export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>, method: KsMethod = "auto"): KsResult {
  return ks2sampSorted(sortedCopy(a, "reference"), sortedCopy(b, "current"), method);
}

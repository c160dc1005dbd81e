// Distribution of the two-sided one-sample Kolmogorov–Smirnov statistic Dₙ: scipy.stats.kstwo(n).
// Ported from scipy.stats._ksstats._kolmogn (scipy 1.10), which picks among exact and approximate
// methods as Simard & L'Ecuyer (2011) recommend; ks_2samp(method="asymp") calls kstwo.sf(d, round(en)).
import { kolmognDmtwCdf } from "./kolmogn-dmtw.js";
import { kolmognPelzGood } from "./kolmogn-pelzgood.js";
import { kolmognPomeranzCdf } from "./kolmogn-pomeranz.js";
import { smirnovSf } from "./smirnov.js";

// Stirling coefficients B_{2j}/(2j)/(2j−1), j = 8 … 1 (scipy's _STIRLING_COEFFS).
const STIRLING = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];
const LOG_2PI = Math.log(2 * Math.PI);

/** log(n!/nⁿ) by Stirling's series with n·log n removed up front (no cancellation). */
function logNFactorialDivNPowN(n: number): number {
  const rn = 1 / n;
  const u = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * u + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

const clip = (p: number) => Math.min(1, Math.max(0, p));
const pick = (cdfProb: number, sfProb: number, cdf: boolean) => clip(cdf ? cdfProb : sfProb);

/** P(Dₙ ≤ x) (cdf = true) or P(Dₙ > x) (cdf = false), as scipy's _kolmogn. */
export function kolmogn(n: number, x: number, cdf = true): number {
  if (Number.isNaN(n) || Number.isNaN(x) || !Number.isInteger(n) || n <= 0) return Number.NaN;
  if (x >= 1) return pick(1, 0, cdf);
  if (x <= 0) return pick(0, 1, cdf);
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: exact for 1/(2n) ≤ x ≤ 1/n.
    if (t <= 0.5) return pick(0, 1, cdf);
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    }
    return pick(prob, 1 - prob, cdf);
  }
  if (t >= n - 1) {
    const prob = 2 * (1 - x) ** n;
    return pick(1 - prob, prob, cdf);
  }
  if (x >= 0.5) {
    const prob = 2 * smirnovSf(n, x);
    return pick(1 - prob, prob, cdf);
  }
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) {
      const prob = kolmognDmtwCdf(n, x);
      return pick(prob, 1 - prob, cdf);
    }
    if (nxSquared <= 4) {
      const prob = kolmognPomeranzCdf(n, x);
      return pick(prob, 1 - prob, cdf);
    }
    const prob = 2 * smirnovSf(n, x);
    return pick(1 - prob, prob, cdf);
  }
  // Large n: the SF has its own cut-offs (2·smirnov is accurate in the upper tail).
  if (!cdf) {
    if (nxSquared >= 370) return 0;
    if (nxSquared >= 2.2) return clip(2 * smirnovSf(n, x));
  }
  let cdfProb: number;
  if (nxSquared >= 18) cdfProb = 1;
  else if (n <= 100_000 && n * x ** 1.5 <= 1.4) cdfProb = kolmognDmtwCdf(n, x);
  else cdfProb = kolmognPelzGood(n, x, true);
  return pick(cdfProb, 1 - cdfProb, cdf);
}

/** scipy.stats.kstwo.sf(x, n): survival function on the support (1/(2n), 1), 1 below it, 0 above. */
export function kstwoSf(x: number, n: number): number {
  if (Number.isNaN(x) || !Number.isInteger(n) || n < 1) return Number.NaN;
  if (x <= 0.5 / n) return 1;
  if (x >= 1) return 0;
  return kolmogn(n, x, false);
}

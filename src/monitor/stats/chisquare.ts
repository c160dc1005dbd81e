// Evidently's "chisquare" stattest: scipy.stats.chisquare(f_obs, f_exp) over the union of categories,
// f_obs = current counts, f_exp = reference counts × (n_current / n_reference). A category absent from
// the current sample simply observes 0; one absent from the reference expects 0, which makes the
// statistic +∞ and the p-value 0 exactly as scipy does (with its divide-by-zero warning). The p-value is
// the chi-square survival function with k − 1 degrees of freedom.
import { chi2Sf } from "./chi2.js";
import { type Counts, countedPair } from "./counts.js";

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  dof: number;
}

export function chiSquareCounts(reference: Counts, current: Counts): ChiSquareResult {
  const { nRef, nCur, keys } = countedPair("chisquare", reference, current);
  const kNorm = nCur / nRef;
  let statistic = 0;
  for (const key of keys) {
    const exp = (reference.get(key) ?? 0) * kNorm;
    const obs = current.get(key) ?? 0;
    const diff = obs - exp;
    statistic += exp === 0 ? (diff === 0 ? 0 : Number.POSITIVE_INFINITY) : (diff * diff) / exp;
  }
  const dof = keys.length - 1;
  // One category on both sides: scipy answers NaN (0 degrees of freedom) and Evidently then reports
  // "no drift"; a p-value of 1 says the same thing and stays valid JSON.
  const pValue = dof === 0 ? 1 : chi2Sf(statistic, dof);
  return { statistic, pValue, dof };
}

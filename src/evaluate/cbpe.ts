// Confidence-based performance estimation (CBPE, as NannyML): with calibrated probabilities, row i is a
// failure with probability p_i, so the expected confusion matrix at threshold t is
//   E[TP] = Σ p·1[p≥t]   E[FP] = Σ (1−p)·1[p≥t]   E[FN] = Σ p·1[p<t]   E[TN] = Σ (1−p)·1[p<t]
// and the estimated metrics are the metrics of that matrix (NannyML's estimate_f1 is TP / (TP + ½(FP+FN))).
// It is only as good as the calibration, and it cannot see concept drift (p stays "right" by assumption).
import { MillwrightError } from "../core/errors.js";
import { checkProbabilities, checkThreshold } from "./check.js";
import type { Confusion } from "./confusion.js";
import { sortFloat64 } from "./sort.js";

export interface CbpeEstimate {
  n: number;
  /** Expected counts; fractional. */
  expected_confusion: Confusion;
  /** Expected number of failures, Σ p. */
  expected_positives: number;
  /** Each metric is null when its expected denominator is 0 (e.g. no alarms: precision unknown). */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  accuracy: number | null;
  /** NannyML's estimated ROC-AUC (see estimateRocAuc). */
  roc_auc: number | null;
}

export function estimateCbpe(
  p: ArrayLike<number>,
  threshold: number,
  opts: { rankingScore?: ArrayLike<number> } = {},
): CbpeEstimate {
  checkProbabilities(p, "estimateCbpe");
  checkThreshold(threshold, "estimateCbpe");
  const cm: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < p.length; i++) {
    if (p[i] >= threshold) {
      cm.tp += p[i];
      cm.fp += 1 - p[i];
    } else {
      cm.fn += p[i];
      cm.tn += 1 - p[i];
    }
  }
  const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
  return {
    n: p.length,
    expected_confusion: cm,
    expected_positives: cm.tp + cm.fn,
    precision: ratio(cm.tp, cm.tp + cm.fp),
    recall: ratio(cm.tp, cm.tp + cm.fn),
    f1: ratio(cm.tp, cm.tp + 0.5 * (cm.fp + cm.fn)),
    accuracy: ratio(cm.tp + cm.tn, p.length),
    roc_auc: estimateRocAuc(p, opts.rankingScore ?? p),
  };
}

/**
 * NannyML's estimate_roc_auc (performance_estimation/confidence_based/metrics.py): rows ranked by the
 * model's score, highest first; expected TPs are the running sum of calibrated probabilities, expected FPs
 * the rank minus that; both rounded to 5 decimals as NannyML does (numpy's round half to even); the
 * trapezoid under (FP/ΣFP, TP/ΣTP) from (0, 0). Ties in the ranking score keep NannyML's per-row steps
 * (later rows first, as numpy's stable argsort reversed). null when the expected totals leave a rate undefined.
 */
export function estimateRocAuc(
  calibrated: ArrayLike<number>,
  rankingScore: ArrayLike<number>,
): number | null {
  if (calibrated.length !== rankingScore.length) {
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `estimateRocAuc: calibrated has ${calibrated.length} values but rankingScore has ${rankingScore.length}`,
      { argument: "rankingScore" },
    );
  }
  const n = calibrated.length;
  const ranked = rankedCalibrated(calibrated, rankingScore);
  const tps = new Float64Array(n + 1);
  const fps = new Float64Array(n + 1);
  let cum = 0;
  for (let k = 0; k < n; k++) {
    cum += ranked[k];
    tps[k + 1] = round5(cum);
    fps[k + 1] = round5(k + 1 - cum);
  }
  const totalTp = tps[n];
  const totalFp = fps[n];
  if (!(totalTp > 0 && totalFp > 0)) return null;
  let area = 0;
  for (let k = 1; k <= n; k++) {
    area += ((fps[k] - fps[k - 1]) / totalFp) * ((tps[k] + tps[k - 1]) / totalTp / 2);
  }
  return area;
}

/** Calibrated probabilities in descending order of the ranking score. */
function rankedCalibrated(calibrated: ArrayLike<number>, rankingScore: ArrayLike<number>): Float64Array {
  const n = calibrated.length;
  if (calibrated === rankingScore) {
    // Ranking by the probabilities themselves: a native sort suffices, since tied rows carry equal values.
    return sortFloat64(Float64Array.from(calibrated)).reverse();
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => rankingScore[b] - rankingScore[a] || b - a);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = calibrated[order[k]];
  return out;
}

/** numpy.round(x, 5): scale, round half to even (numpy's rint), unscale. */
function round5(x: number): number {
  const v = x * 1e5;
  const f = Math.floor(v);
  const d = v - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r / 1e5;
}

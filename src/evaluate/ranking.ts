// Threshold-free ranking metrics and the curves behind them, with scikit-learn 1.2's definitions:
// roc_auc_score (trapezoid over the distinct-threshold ROC points), average_precision_score (the step-wise
// sum Σ (R_n − R_{n−1}) P_n, not the trapezoid), roc_curve(drop_intermediate=True) and
// precision_recall_curve. Where sklearn raises or warns because one class is missing, these return null.
import { checkLabelsAndScores } from "./check.js";
import { averagePrecisionOfCurve, binaryClfCurve, rocAucOfCurve } from "./curve.js";

export interface RocCurve {
  /** Increasing false positive rates, starting at 0. */
  fpr: number[];
  tpr: number[];
  /** Decreasing; the first is max(score) + 1 (sklearn 1.2's convention; sklearn ≥ 1.3 uses +inf). */
  thresholds: number[];
}

export interface PrCurve {
  /** As sklearn: by increasing threshold, ending with the point (recall 0, precision 1). */
  precision: number[];
  recall: number[];
  /** Increasing distinct scores; one fewer than precision/recall. */
  thresholds: number[];
}

/** Area under the ROC curve, or null when y holds only one class. */
export function rocAuc(y: ArrayLike<number>, score: ArrayLike<number>): number | null {
  checkLabelsAndScores(y, score, "rocAuc");
  return rocAucOfCurve(binaryClfCurve(y, score));
}

/** Average precision (PR-AUC), or null when y holds only one class. */
export function averagePrecision(y: ArrayLike<number>, score: ArrayLike<number>): number | null {
  checkLabelsAndScores(y, score, "averagePrecision");
  return averagePrecisionOfCurve(binaryClfCurve(y, score));
}

/** ROC points for plotting, as sklearn.metrics.roc_curve(drop_intermediate=True); null with one class. */
export function rocCurve(y: ArrayLike<number>, score: ArrayLike<number>): RocCurve | null {
  checkLabelsAndScores(y, score, "rocCurve");
  const c = binaryClfCurve(y, score);
  if (c.positives === 0 || c.negatives === 0) return null;
  const m = c.tps.length;
  // Keep a point only where the curve bends (second difference of fps or tps non-zero), plus both ends.
  const keep: number[] = [];
  for (let k = 0; k < m; k++) {
    if (m <= 2 || k === 0 || k === m - 1) keep.push(k);
    else if (
      c.fps[k + 1] - 2 * c.fps[k] + c.fps[k - 1] !== 0 ||
      c.tps[k + 1] - 2 * c.tps[k] + c.tps[k - 1] !== 0
    )
      keep.push(k);
  }
  const out: RocCurve = { fpr: [0], tpr: [0], thresholds: [c.thresholds[keep[0]] + 1] };
  for (const k of keep) {
    out.fpr.push(c.fps[k] / c.negatives);
    out.tpr.push(c.tps[k] / c.positives);
    out.thresholds.push(c.thresholds[k]);
  }
  return out;
}

/** Precision–recall points for plotting, as sklearn.metrics.precision_recall_curve; null with one class. */
export function prCurve(y: ArrayLike<number>, score: ArrayLike<number>): PrCurve | null {
  checkLabelsAndScores(y, score, "prCurve");
  const c = binaryClfCurve(y, score);
  if (c.positives === 0 || c.negatives === 0) return null;
  const out: PrCurve = { precision: [], recall: [], thresholds: [] };
  for (let k = c.tps.length - 1; k >= 0; k--) {
    const predicted = c.tps[k] + c.fps[k];
    out.precision.push(predicted === 0 ? 0 : c.tps[k] / predicted);
    out.recall.push(c.tps[k] / c.positives);
    out.thresholds.push(c.thresholds[k]);
  }
  out.precision.push(1);
  out.recall.push(0);
  return out;
}

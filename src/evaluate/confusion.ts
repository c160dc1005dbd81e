// Threshold metrics from a confusion matrix, with scikit-learn's zero_division=0 convention: a ratio whose
// denominator is zero is reported as 0 (sklearn's precision_score/recall_score/f1_score(zero_division=0)).
// Monitoring code that must not pass 0 off as "unknown" checks the counts itself (see quality.ts).
import { checkBinary, checkLabelsAndScores, checkProbabilities, checkSameLength } from "./check.js";

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Counts of a binary prediction against labels; both arrays hold 0 or 1. */
export function confusion(y: ArrayLike<number>, predicted: ArrayLike<number>): Confusion {
  checkSameLength(y, predicted, "confusion", "predicted");
  checkBinary(y, "confusion", "y");
  checkBinary(predicted, "confusion", "predicted");
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < y.length; i++) {
    if (predicted[i] === 1) {
      if (y[i] === 1) c.tp++;
      else c.fp++;
    } else if (y[i] === 1) c.fn++;
    else c.tn++;
  }
  return c;
}

/** predicted[i] = 1 when p[i] >= threshold (the rule the model file stores and serving applies). */
export function predictAt(p: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i] >= threshold ? 1 : 0;
  return out;
}

export function precisionOf(c: Confusion): number {
  return c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
}

export function recallOf(c: Confusion): number {
  return c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
}

/** F1 = 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall, 0 when TP = 0. */
export function f1Of(c: Confusion): number {
  return c.tp === 0 ? 0 : (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
}

/** Share of correct predictions; 0 for an empty matrix. */
export function accuracyOf(c: Confusion): number {
  const n = c.tp + c.fp + c.tn + c.fn;
  return n === 0 ? 0 : (c.tp + c.tn) / n;
}

/** Mean squared error of the probabilities, as sklearn.metrics.brier_score_loss; null for no rows. */
export function brier(y: ArrayLike<number>, p: ArrayLike<number>): number | null {
  checkLabelsAndScores(y, p, "brier", "p");
  checkProbabilities(p, "brier");
  if (y.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (p[i] - y[i]) ** 2;
  return sum / y.length;
}

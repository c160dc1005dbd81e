// The evaluation the CLI prints (`millwright evaluate --json`) and the registry stores: every metric for
// one head at one threshold, with snake_case keys because this object is the public JSON.
import { MillwrightError } from "../core/errors.js";
import { checkBinary, checkLabelsAndScores, checkProbabilities, checkThreshold } from "./check.js";
import {
  accuracyOf,
  brier,
  type Confusion,
  confusion,
  f1Of,
  precisionOf,
  predictAt,
  recallOf,
} from "./confusion.js";
import { averagePrecisionOfCurve, binaryClfCurve, rocAucOfCurve } from "./curve.js";

export interface BinaryEvaluation {
  /** null when only one class is present (never NaN). */
  roc_auc: number | null;
  /** Average precision (sklearn's step-wise definition); null when only one class is present. */
  pr_auc: number | null;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  /** null only for an empty set. */
  brier: number | null;
  threshold: number;
  n: number;
  positives: number;
  confusion_matrix: Confusion;
}

/** Evaluate probabilities p against labels y, predicting a failure when p >= threshold. */
export function evaluateBinary(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  threshold: number,
): BinaryEvaluation {
  checkLabelsAndScores(y, p, "evaluateBinary", "p");
  checkProbabilities(p, "evaluateBinary");
  checkThreshold(threshold, "evaluateBinary");
  const cm = confusion(y, predictAt(p, threshold));
  const curve = binaryClfCurve(y, p); // one sort serves both ranking metrics
  return {
    roc_auc: rocAucOfCurve(curve),
    pr_auc: averagePrecisionOfCurve(curve),
    precision: precisionOf(cm),
    recall: recallOf(cm),
    f1: f1Of(cm),
    accuracy: accuracyOf(cm),
    brier: brier(y, p),
    threshold,
    n: y.length,
    positives: cm.tp + cm.fn,
    confusion_matrix: cm,
  };
}

export interface ModeRecall {
  /** Share of this mode's failures the main head flagged; null when the mode has no failures here. */
  recall: number | null;
  /** Number of rows labelled with this mode. */
  n: number;
}

/**
 * Per-failure-mode recall of the main head: of the rows where a mode's label is 1, the share predicted as
 * failures. Tells whether the model catches, say, tool-wear failures as well as overstrain ones.
 */
export function modeRecall(
  modeLabels: Record<string, ArrayLike<number>>,
  predicted: ArrayLike<number>,
): Record<string, ModeRecall> {
  checkBinary(predicted, "modeRecall", "predicted");
  const out: Record<string, ModeRecall> = {};
  for (const [mode, labels] of Object.entries(modeLabels)) {
    if (labels.length !== predicted.length) {
      throw new MillwrightError(
        "MW_BAD_INPUT",
        `modeRecall: mode ${mode} has ${labels.length} labels but predicted has ${predicted.length}`,
        { argument: "modeLabels", key: mode },
      );
    }
    checkBinary(labels, "modeRecall", `modeLabels.${mode}`);
    let n = 0;
    let hit = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === 1) {
        n++;
        hit += predicted[i];
      }
    }
    out[mode] = { recall: n === 0 ? null : hit / n, n };
  }
  return out;
}

// Realised quality over a window of labelled predictions. A window that cannot support a metric says so
// ("not_enough_data" with the reason) instead of reporting NaN, or 0 standing in for "unknown": an alert
// rule on recall must not fire because a quiet night brought no failures.
import { MillwrightError } from "../core/errors.js";
import { checkLabelsAndScores, checkProbabilities, checkThreshold } from "./check.js";
import { accuracyOf, confusion, f1Of, predictAt, recallOf } from "./confusion.js";
import { averagePrecisionOfCurve, binaryClfCurve, rocAucOfCurve } from "./curve.js";

export interface QualityOptions {
  /** Fewest labelled predictions for a verdict. */
  minLabels: number;
  /** Fewest failures among them (at least 1 is always required: recall needs a failure). */
  minPositives: number;
}

export interface QualityOk {
  status: "ok";
  n: number;
  positives: number;
  /** null when the model raised no alarm in the window (precision is then undefined, not 0). */
  precision: number | null;
  recall: number;
  f1: number;
  accuracy: number;
  roc_auc: number;
  pr_auc: number;
}

export interface QualityNotEnough {
  status: "not_enough_data";
  n: number;
  positives: number;
  reason: string;
}

export type RealisedQuality = QualityOk | QualityNotEnough;

export function realisedQuality(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  threshold: number,
  opts: QualityOptions,
): RealisedQuality {
  checkLabelsAndScores(y, p, "realisedQuality", "p");
  checkProbabilities(p, "realisedQuality");
  checkThreshold(threshold, "realisedQuality");
  for (const key of ["minLabels", "minPositives"] as const) {
    if (!(Number.isInteger(opts[key]) && opts[key] >= 0)) {
      throw new MillwrightError(
        "MW_CONFIG",
        `realisedQuality: ${key} is ${opts[key]}, expected an integer >= 0`,
        {
          key,
        },
      );
    }
  }
  const n = y.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i];
  const minPositives = Math.max(1, opts.minPositives);
  const notEnough = (reason: string): QualityNotEnough => ({
    status: "not_enough_data",
    n,
    positives,
    reason,
  });
  if (n < opts.minLabels) return notEnough(`${n} labels in the window, need at least ${opts.minLabels}`);
  if (positives < minPositives) {
    return notEnough(`${positives} failures among ${n} labels, need at least ${minPositives}`);
  }
  if (positives === n) return notEnough(`all ${n} labels are failures; ROC-AUC needs a non-failure too`);
  const cm = confusion(y, predictAt(p, threshold));
  const curve = binaryClfCurve(y, p);
  return {
    status: "ok",
    n,
    positives,
    precision: cm.tp + cm.fp === 0 ? null : cm.tp / (cm.tp + cm.fp),
    recall: recallOf(cm),
    f1: f1Of(cm),
    accuracy: accuracyOf(cm),
    // Both classes are present here, so neither is null.
    roc_auc: rocAucOfCurve(curve)!,
    pr_auc: averagePrecisionOfCurve(curve)!,
  };
}

/** The last n items (items in ascending time order, as the store streams them). */
export function lastN<T>(items: readonly T[], n: number): T[] {
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new MillwrightError("MW_CONFIG", `lastN: n is ${n}, expected an integer >= 0`, { key: "n" });
  }
  return n === 0 ? [] : items.slice(Math.max(0, items.length - n));
}

/** Items whose time t satisfies now − windowMs < t ≤ now (times in ms since the epoch). */
export function sinceTime<T extends { time: number }>(
  items: readonly T[],
  windowMs: number,
  now: number,
): T[];
export function sinceTime<T>(
  items: readonly T[],
  windowMs: number,
  now: number,
  timeOf: (item: T) => number,
): T[];
export function sinceTime<T>(
  items: readonly T[],
  windowMs: number,
  now: number,
  timeOf: (item: T) => number = (item) => (item as { time: number }).time,
): T[] {
  if (!(Number.isFinite(windowMs) && windowMs >= 0)) {
    throw new MillwrightError("MW_CONFIG", `sinceTime: window is ${windowMs} ms, expected a number >= 0`, {
      key: "windowMs",
    });
  }
  const start = now - windowMs;
  return items.filter((item) => {
    const t = timeOf(item);
    return t > start && t <= now;
  });
}

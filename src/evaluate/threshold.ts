// Decision threshold choice on the validation split. Candidates are the distinct predicted probabilities
// (the only places where predicted = p >= t changes), so the search is exact, not a grid.
import { MillwrightError } from "../core/errors.js";
import { checkLabelsAndScores } from "./check.js";
import { binaryClfCurve } from "./curve.js";

export type ThresholdOptions =
  | { method: "f1" }
  | {
      method: "cost";
      /** Cost of one missed failure (a false negative). */
      costMiss: number;
      /** Cost of one false alarm (a false positive). */
      costFalseAlarm: number;
    };

export interface ThresholdChoice {
  threshold: number;
  method: "f1" | "cost";
  /** F1 at the threshold (method f1) or the total cost costMiss·FN + costFalseAlarm·FP (method cost). */
  value: number;
}

/**
 * Max F1 over the distinct scores, ties going to the higher threshold (fewer alarms for the same F1); or
 * the minimum total cost, ties also to the higher threshold. The cost search also weighs "never alarm",
 * whose threshold is the next double above the highest score.
 */
export function chooseThreshold(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  opts: ThresholdOptions,
): ThresholdChoice {
  checkLabelsAndScores(y, p, "chooseThreshold", "p");
  if (y.length === 0) {
    throw new MillwrightError("MW_TRAINING_DATA", "chooseThreshold: no rows to choose a threshold on", {
      argument: "y",
    });
  }
  const c = binaryClfCurve(y, p);
  if (opts.method === "f1") {
    if (c.positives === 0) {
      throw new MillwrightError(
        "MW_TRAINING_DATA",
        "chooseThreshold: the validation split has no failures, so F1 is 0 at every threshold",
        { argument: "y", positives: 0 },
      );
    }
    let best = -1;
    let bestK = 0;
    for (let k = 0; k < c.tps.length; k++) {
      const tp = c.tps[k];
      const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + c.fps[k] + (c.positives - tp));
      if (f1 > best) {
        best = f1;
        bestK = k;
      }
    }
    return { threshold: c.thresholds[bestK], method: "f1", value: best };
  }
  const { costMiss, costFalseAlarm } = opts;
  for (const [name, v] of [
    ["costMiss", costMiss],
    ["costFalseAlarm", costFalseAlarm],
  ] as const) {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new MillwrightError("MW_VALIDATION", `chooseThreshold: ${name} is ${v}, expected a number >= 0`, {
        field: name,
      });
    }
  }
  let bestCost = costMiss * c.positives;
  let bestThreshold = nextUp(c.thresholds[0]);
  for (let k = 0; k < c.tps.length; k++) {
    const cost = costMiss * (c.positives - c.tps[k]) + costFalseAlarm * c.fps[k];
    if (cost < bestCost) {
      bestCost = cost;
      bestThreshold = c.thresholds[k];
    }
  }
  return { threshold: bestThreshold, method: "cost", value: bestCost };
}

/** The smallest double greater than x (x finite). */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

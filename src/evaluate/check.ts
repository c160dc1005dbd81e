// Input checks shared by the metric functions: a metric on malformed input must fail loudly, naming the
// argument and the index, rather than return a plausible-looking number.
import { MillwrightError } from "../core/errors.js";

/** Labels must be exactly 0 or 1, scores finite, and both arrays the same length. */
export function checkLabelsAndScores(
  y: ArrayLike<number>,
  score: ArrayLike<number>,
  fn: string,
  scoreName = "score",
): void {
  checkSameLength(y, score, fn, scoreName);
  checkBinary(y, fn, "y");
  for (let i = 0; i < score.length; i++) {
    if (!Number.isFinite(score[i])) {
      throw new MillwrightError(
        "MW_BAD_INPUT",
        `${fn}: ${scoreName}[${i}] is ${score[i]}, not a finite number`,
        {
          argument: scoreName,
          index: i,
        },
      );
    }
  }
}

export function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, fn: string, bName: string): void {
  if (a.length !== b.length) {
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `${fn}: y has ${a.length} values but ${bName} has ${b.length}`,
      {
        argument: bName,
        expected: a.length,
        actual: b.length,
      },
    );
  }
}

export function checkBinary(v: ArrayLike<number>, fn: string, name: string): void {
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0 && v[i] !== 1) {
      throw new MillwrightError("MW_BAD_INPUT", `${fn}: ${name}[${i}] is ${v[i]}, expected 0 or 1`, {
        argument: name,
        index: i,
      });
    }
  }
}

export function checkProbabilities(p: ArrayLike<number>, fn: string, name = "p"): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (!(v >= 0 && v <= 1)) {
      throw new MillwrightError(
        "MW_BAD_INPUT",
        `${fn}: ${name}[${i}] is ${v}, expected a probability in [0, 1]`,
        {
          argument: name,
          index: i,
        },
      );
    }
  }
}

export function checkThreshold(threshold: number, fn: string): void {
  if (!Number.isFinite(threshold)) {
    throw new MillwrightError("MW_BAD_INPUT", `${fn}: threshold is ${threshold}, not a finite number`, {
      argument: "threshold",
    });
  }
}

// Synthetic data for the model tests: an XOR-like rule on two features, a threshold on a third,
// and noise features, with a little label noise. Seeded, so every test sees the same rows.
import { createRng } from "../../src/core/rng.js";

export interface Dataset {
  X: Float64Array;
  nRows: number;
  nCols: number;
  y: Uint8Array;
}

export function xorData(nRows: number, seed: number, nCols = 5, flip = 0.03): Dataset {
  const rng = createRng(seed);
  const X = new Float64Array(nRows * nCols);
  const y = new Uint8Array(nRows);
  for (let i = 0; i < nRows; i++) {
    for (let f = 0; f < nCols; f++) X[i * nCols + f] = rng.normal();
    const o = i * nCols;
    const z = X[o] > 0 !== X[o + 1] > 0 || X[o + 2] > 1.5 ? 1 : 0;
    y[i] = rng.next() < flip ? 1 - z : z;
  }
  return { X, nRows, nCols, y };
}

export function names(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `f${i}`);
}

/** ROC-AUC by the rank-sum formula, ties counted as half. */
export function auc(score: ArrayLike<number>, y: ArrayLike<number>): number {
  const idx = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && score[idx[j]] === score[idx[i]]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (y[idx[k]] === 1) {
        pos++;
        rankSum += rank;
      }
    i = j;
  }
  const neg = idx.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Missing readings that carry meaning: risk rises with f0 (y = 1 mostly when f0 > 0); f1 and f2
 * are noise. A share `rate` of rows lack f0 (NaN): in "high" data such a row is a failure 90 % of
 * the time, in "low" data 10 %, so the trees must send NaN to the high side or the low side of
 * their f0 splits. `also` adds NaN at random (meaningless) to every other feature.
 */
export function missingData(
  nRows: number,
  seed: number,
  meaning: "high" | "low",
  rate = 0.3,
  also = 0,
): Dataset {
  const rng = createRng(seed);
  const nCols = 3;
  const X = new Float64Array(nRows * nCols);
  const y = new Uint8Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const o = i * nCols;
    for (let f = 0; f < nCols; f++) X[o + f] = rng.normal();
    let p = X[o] > 0 ? 0.9 : 0.1;
    if (rng.next() < rate) {
      X[o] = Number.NaN;
      p = meaning === "high" ? 0.9 : 0.1;
    }
    for (let f = 1; f < nCols; f++) if (rng.next() < also) X[o + f] = Number.NaN;
    y[i] = rng.next() < p ? 1 : 0;
  }
  return { X, nRows, nCols, y };
}

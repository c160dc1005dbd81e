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

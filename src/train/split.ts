// Stratified random split: each class keeps its share in every part, so a 3 % positive class is not
// left out of a small validation set by chance. Seeded: the same seed gives the same split.
import type { Rng } from "../core/rng.js";

/** Returns index arrays for each part, sizes proportional to `fractions` (which sum to 1). */
export function stratifiedSplit(y: ArrayLike<number>, fractions: readonly number[], rng: Rng): Uint32Array[] {
  const byClass: number[][] = [[], []];
  for (let i = 0; i < y.length; i++) byClass[y[i] ? 1 : 0].push(i);
  const parts: number[][] = fractions.map(() => []);
  for (const idx of byClass) {
    shuffle(idx, rng);
    let start = 0;
    let cum = 0;
    fractions.forEach((f, k) => {
      cum += f;
      const end = k === fractions.length - 1 ? idx.length : Math.round(cum * idx.length);
      for (let i = start; i < end; i++) parts[k].push(idx[i]);
      start = end;
    });
  }
  // Sorted so rows keep file order inside a part (stable, and friendlier to caches).
  return parts.map((p) => Uint32Array.from(p.sort((a, b) => a - b)));
}

function shuffle(a: number[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** Gathers rows of a row-major matrix. */
export function takeRows(data: Float64Array, nCols: number, idx: Uint32Array): Float64Array {
  const out = new Float64Array(idx.length * nCols);
  for (let k = 0; k < idx.length; k++)
    out.set(data.subarray(idx[k] * nCols, idx[k] * nCols + nCols), k * nCols);
  return out;
}

export function takeLabels(y: Uint8Array, idx: Uint32Array): Uint8Array {
  const out = new Uint8Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = y[idx[k]];
  return out;
}

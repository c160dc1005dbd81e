// Histogram binning: each feature's real values are cut into ≤ 255 bins so a split search scans
// bins, not rows, and a bin index fits a byte. Thresholds lie strictly between two observed values
// (midpoints), so "bin ≤ b" on training rows is exactly "x ≤ thresholds[b]" on raw rows, and the
// trained trees predict on raw Float64 rows with no binning at serve time.
//
// A missing reading (NaN) gets its own bin, one past the real ones (thresholds.length + 1), as
// scikit-learn's HistGradientBoosting does, so the split search can send it either way. Capacity:
// maxBins ≤ 255 (params.ts) gives ≤ 254 thresholds, real bins 0..254, the missing bin ≤ 255: a byte.
import { upperBound } from "../core/search.js";

/** Per feature, sorted thresholds; bin(v) = number of thresholds < v, in [0, thresholds.length]. */
export type BinThresholds = Float64Array[];

/** Above this many rows, thresholds come from an evenly strided sample (deterministic, no RNG). */
const MAX_SAMPLE = 100_000;

/** Thresholds for one feature from its sorted values. */
export function thresholdsFromSorted(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  const out: number[] = [];
  if (n === 0) return new Float64Array(0);
  let distinct = 1;
  for (let i = 1; i < n && distinct <= maxBins; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= maxBins) {
    // Few values: one bin per value, cut at the midpoints, as scikit-learn does.
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) out.push(midpoint(sorted[i - 1], sorted[i]));
    return Float64Array.from(out);
  }
  // Many values: cut near the k/maxBins quantiles, each cut moved to the midpoint between the
  // quantile value and the next larger observed value, so ties never straddle a threshold.
  let last = Number.NEGATIVE_INFINITY;
  for (let k = 1; k < maxBins; k++) {
    const v = sorted[Math.min(n - 1, Math.floor((k * n) / maxBins))];
    const j = upperBound(sorted, v);
    if (j >= n) break;
    const t = midpoint(v, sorted[j]);
    if (t > last) {
      out.push(t);
      last = t;
    }
  }
  return Float64Array.from(out);
}

/** Midpoint that stays strictly below `b` even when a and b are adjacent doubles. */
function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m < b ? m : a;
}

/** Bin thresholds for every column of a row-major matrix. */
export function computeBinThresholds(
  X: Float64Array,
  nRows: number,
  nCols: number,
  maxBins: number,
): BinThresholds {
  const stride = nRows > MAX_SAMPLE ? nRows / MAX_SAMPLE : 1;
  const m = Math.min(nRows, MAX_SAMPLE);
  const col = new Float64Array(m);
  const result: BinThresholds = [];
  for (let f = 0; f < nCols; f++) {
    // Thresholds come from the real values only: NaN has its own bin.
    let n = 0;
    for (let k = 0; k < m; k++) {
      const v = X[Math.floor(k * stride) * nCols + f];
      if (!Number.isNaN(v)) col[n++] = v;
    }
    const real = col.subarray(0, n);
    real.sort();
    result.push(thresholdsFromSorted(real, maxBins));
  }
  return result;
}

/** Bin index of one value: the number of thresholds strictly below it; NaN: the missing bin, t.length + 1. */
export function binOf(t: Float64Array, v: number): number {
  if (Number.isNaN(v)) return missingBin(t);
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The missing-value bin of a feature with thresholds t: one past its last real bin. */
export function missingBin(t: Float64Array): number {
  return t.length + 1;
}

const LUT_CELLS = 4096;

/**
 * Bins one column (`n` values at X[start], X[start + step], …) into out[outStart], out[outStart + outStep], ….
 * A lookup table over a uniform grid gives a starting bin and a short scan finishes it: a binary
 * search mispredicts a branch at nearly every level, and binning is a pass over every value.
 */
function binColumn(
  t: Float64Array,
  X: Float64Array,
  start: number,
  step: number,
  n: number,
  out: Uint8Array,
  outStart: number,
  outStep: number,
): void {
  const m = t.length;
  const miss = missingBin(t);
  if (m < 8) {
    for (let i = 0, k = start, o = outStart; i < n; i++, k += step, o += outStep) out[o] = binOf(t, X[k]);
    return;
  }
  const lo = t[0];
  const scale = LUT_CELLS / (t[m - 1] - lo);
  const lut = new Int32Array(LUT_CELLS);
  for (let c = 0; c < LUT_CELLS; c++) lut[c] = binOf(t, lo + c / scale);
  for (let i = 0, k = start, o = outStart; i < n; i++, k += step, o += outStep) {
    const v = X[k];
    if (Number.isNaN(v)) {
      out[o] = miss;
      continue;
    }
    const c = Math.min(LUT_CELLS - 1, Math.max(0, Math.floor((v - lo) * scale)));
    let b = lut[c];
    // The scans make the result exact whatever rounding did to the cell edges.
    while (b < m && t[b] < v) b++;
    while (b > 0 && t[b - 1] >= v) b--;
    out[o] = b;
  }
}

/**
 * The bins in the two layouts the trainer reads. `cols`, column-major: cols[f * nRows + i] is row i's
 * bin for feature f. `rows`, row-major (rows[i * nCols + f]): the histogram kernel reads all of a
 * row's bins at once and they then share one cache line. Each value is binned once; `rows` is
 * `cols` transposed.
 */
export function binLayouts(
  X: Float64Array,
  nRows: number,
  nCols: number,
  thresholds: BinThresholds,
): { cols: Uint8Array; rows: Uint8Array } {
  const cols = new Uint8Array(nRows * nCols);
  for (let f = 0; f < nCols; f++) binColumn(thresholds[f], X, f, nCols, nRows, cols, f * nRows, 1);
  const rows = new Uint8Array(nRows * nCols);
  for (let f = 0; f < nCols; f++)
    for (let i = 0, k = f * nRows; i < nRows; i++, k++) rows[i * nCols + f] = cols[k];
  return { cols, rows };
}

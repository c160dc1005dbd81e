// What growing one tree reads and reuses: the binned data, the gradients, and scratch space. Its
// own file because both the grower (grow.ts) and the split search (split.ts) take it.
import type { HistKernel } from "./hist-kernel.js";
import type { GbdtParams } from "./types.js";

export interface GrowContext {
  /** Row-major bins, bins[i * nCols + f], read by the histogram kernel a row at a time. */
  bins: Uint8Array;
  /** The same bins column-major, colBins[f * nRows + i], read by the partition a feature at a time. */
  colBins: Uint8Array;
  /** Labels: a row's weight is wPos when y = 1, else 1, so covers come from counts. */
  y: Uint8Array;
  wPos: number;
  nRows: number;
  nCols: number;
  /**
   * Bins per feature (the real ones, plus the missing bin where hasMissing) and the offset of each
   * feature's first bin in a histogram.
   */
  nBins: Int32Array;
  /** 1 for features with NaN in the training set: their last bin is the missing bin. */
  hasMissing: Uint8Array;
  offsets: Int32Array;
  totalBins: number;
  thresholds: Float64Array[];
  /** Interleaved gradient and hessian: gh[2i], gh[2i + 1]. */
  gh: Float64Array;
  /** Training margins, updated in place with the new tree's leaf values. */
  margin: Float64Array;
  idx: Int32Array;
  scratch: Int32Array;
  pool: Float64Array[];
  kernel: HistKernel;
  params: GbdtParams;
}

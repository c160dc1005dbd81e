// Evidently's binned shares (calculations/stattests/utils.get_binned_data), the input of PSI and
// Jensen–Shannon and of the report's histograms:
// - numeric with more than 20 distinct reference values: 30 equal-width bins over the joint min/max of
//   reference and current, with np.histogram_bin_edges / np.histogram semantics (edges by np.linspace,
//   bins half-open [eᵢ, eᵢ₊₁) except the last, which is closed; a constant sample gets [v − 0.5, v + 0.5]);
// - otherwise (categorical, or numeric with ≤ 20 distinct reference values): one share per value over the
//   union of values seen on either side;
// shares are count / sample size; with `fillZeros` an empty share becomes 0.0001 (what PSI needs for its log).
import { MillwrightError } from "../../core/errors.js";
import { type CategoryKey, type Counts, countSorted, totalCount, unionKeys } from "./counts.js";
import { distinctSorted } from "./sorted.js";

export type Sample = { kind: "numeric"; sorted: Float64Array } | { kind: "categorical"; counts: Counts };

export interface Shares {
  /** Bin edges (bins + 1 of them) when the values were binned, else null. */
  edges: Float64Array | null;
  /** One label per bin or value. */
  keys: CategoryKey[];
  reference: Float64Array;
  current: Float64Array;
}

export const DEFAULT_BINS = 30;
export const MAX_DISCRETE_VALUES = 20;
export const ZERO_SHARE = 0.0001;

/** np.histogram_bin_edges(data, bins) given the data's min and max. */
export function histogramBinEdges(min: number, max: number, bins = DEFAULT_BINS): Float64Array {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new MillwrightError("MW_BAD_INPUT", "histogram: the range must be finite", { min, max });
  }
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  // np.linspace: start + i·step, with the last edge set to stop exactly.
  const step = (max - min) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) edges[i] = i * step + min;
  edges[bins] = max;
  return edges;
}

/** First index in sorted `a` with a[i] ≥ v (side = "left") or a[i] > v (side = "right"). */
function searchSorted(a: Float64Array, v: number, right: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (right ? a[mid] <= v : a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** np.histogram(sorted, edges)[0]: the same searchsorted walk numpy uses for explicit edges. */
export function histogramSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  let prev = searchSorted(sorted, edges[0], false);
  for (let i = 1; i <= bins; i++) {
    const cum = searchSorted(sorted, edges[i], i === bins);
    counts[i - 1] = cum - prev;
    prev = cum;
  }
  return counts;
}

function countsOf(s: Sample): Counts {
  return s.kind === "numeric" ? countSorted(s.sorted) : s.counts;
}

function sizeOf(s: Sample): number {
  return s.kind === "numeric" ? s.sorted.length : totalCount(s.counts);
}

function fill(shares: Float64Array): void {
  for (let i = 0; i < shares.length; i++) if (shares[i] === 0) shares[i] = ZERO_SHARE;
}

/** Reference and current shares on the same bins or values, as Evidently's get_binned_data. */
export function binnedShares(
  reference: Sample,
  current: Sample,
  opts: { fillZeros: boolean; bins?: number },
): Shares {
  const nRef = sizeOf(reference);
  const nCur = sizeOf(current);
  if (nRef === 0 || nCur === 0) {
    throw new MillwrightError("MW_BAD_INPUT", "binned shares: both samples must be non-empty", {
      nRef,
      nCur,
    });
  }
  let out: Shares;
  if (
    reference.kind === "numeric" &&
    current.kind === "numeric" &&
    distinctSorted(reference.sorted) > MAX_DISCRETE_VALUES
  ) {
    const r = reference.sorted;
    const c = current.sorted;
    const edges = histogramBinEdges(
      Math.min(r[0], c[0]),
      Math.max(r[r.length - 1], c[c.length - 1]),
      opts.bins,
    );
    const ref = histogramSorted(r, edges);
    const cur = histogramSorted(c, edges);
    for (let i = 0; i < ref.length; i++) {
      ref[i] /= nRef;
      cur[i] /= nCur;
    }
    out = { edges, keys: Array.from(edges.subarray(0, edges.length - 1)), reference: ref, current: cur };
  } else {
    const rc = countsOf(reference);
    const cc = countsOf(current);
    const keys = unionKeys(rc, cc);
    const ref = Float64Array.from(keys, (k) => (rc.get(k) ?? 0) / nRef);
    const cur = Float64Array.from(keys, (k) => (cc.get(k) ?? 0) / nCur);
    out = { edges: null, keys, reference: ref, current: cur };
  }
  if (opts.fillZeros) {
    fill(out.reference);
    fill(out.current);
  }
  return out;
}

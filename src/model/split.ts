// Split search for one leaf of a growing tree, on its gradient/hessian histogram (grow.ts builds
// the histograms and applies the splits). Each feature's cuts "bins 0..b left, the rest right" are
// scored by the loss reduction of the second-order (Newton) step with L2 on the leaf values.
//
// Missing readings (NaN) sit in their own bin, one past a feature's real bins, allocated only for
// features that have NaN in the training set. Where a node has NaN rows for a feature, both
// directions are scored and the better kept, as scikit-learn's HistGradientBoosting and LightGBM
// do; where it has none, NaN follows scikit-learn's rule (see decideMissing).
import type { GrowContext } from "./grow-context.js";

export interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array | null;
  // best split found for this leaf (gain ≤ 0 means none)
  gain: number;
  feature: number;
  bin: number;
  gl: number;
  hl: number;
  /** Rows on the left of the best split (NaN rows included when they go left). */
  cl: number;
  /** Where NaN goes at the best split, and whether this node had NaN rows of that feature. */
  missingLeft: boolean;
  sawMissing: boolean;
}

/** Splits whose gain is not above this are noise from rounding, whatever minGain says. */
const GAIN_EPS = 1e-12;
/** Minimum hessian on each side: stops splits that isolate rows the model already gets right. */
const MIN_HESS = 1e-3;

export function newLeaf(node: number, start: number, end: number, depth: number, g: number, h: number): Leaf {
  return {
    node,
    start,
    end,
    depth,
    g,
    h,
    hist: null,
    gain: 0,
    feature: -1,
    bin: -1,
    gl: 0,
    hl: 0,
    cl: 0,
    missingLeft: false,
    sawMissing: false,
  };
}

/**
 * Scores the cuts "bins 0..b left" for b < end of one feature, starting the left side from
 * (g0, h0, c0): zero when NaN rows go right, the node's NaN rows when they go left. Returns the
 * best gain so far, recording a better split in leaf.
 */
function scan(
  ctx: GrowContext,
  leaf: Leaf,
  f: number,
  end: number,
  g0: number,
  h0: number,
  c0: number,
  best: number,
): number {
  const { minSamplesLeaf, l2 } = ctx.params;
  const hist = leaf.hist as Float64Array;
  const { g, h } = leaf;
  const count = leaf.end - leaf.start;
  const parentScore = (g * g) / (h + l2);
  const off = ctx.offsets[f] * 3;
  let gl = g0;
  let hl = h0;
  let cl = c0;
  for (let b = 0; b < end; b++) {
    const j = off + b * 3;
    const c = hist[j + 2];
    // An empty bin repeats the previous cut: nothing new to score.
    if (c === 0) continue;
    gl += hist[j];
    hl += hist[j + 1];
    cl += c;
    if (cl < minSamplesLeaf) continue;
    if (count - cl < minSamplesLeaf) break;
    const hr = h - hl;
    if (hl < MIN_HESS || hr < MIN_HESS) continue;
    const gr = g - gl;
    const gain = 0.5 * ((gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore);
    if (gain > best) {
      best = gain;
      leaf.gain = gain;
      leaf.feature = f;
      leaf.bin = b;
      leaf.gl = gl;
      leaf.hl = hl;
      leaf.cl = cl;
      leaf.missingLeft = c0 > 0;
    }
  }
  return best;
}

export function findBest(ctx: GrowContext, leaf: Leaf): void {
  leaf.gain = 0;
  const { maxDepth, minSamplesLeaf, minGain } = ctx.params;
  const count = leaf.end - leaf.start;
  if ((maxDepth > 0 && leaf.depth >= maxDepth) || count < 2 * minSamplesLeaf || leaf.hist === null) return;
  const hist = leaf.hist;
  let best = Math.max(minGain, GAIN_EPS);
  let missingAtBest = false;
  for (let f = 0; f < ctx.nCols; f++) {
    const real = ctx.nBins[f] - ctx.hasMissing[f];
    const m = (ctx.offsets[f] + real) * 3;
    const cm = ctx.hasMissing[f] === 1 ? hist[m + 2] : 0;
    const before = best;
    if (cm === 0) {
      best = scan(ctx, leaf, f, real - 1, 0, 0, 0, best);
    } else {
      // NaN right: the last real bin is a candidate too, "every real value left, NaN right", a
      // split on missingness alone (scikit-learn's "split on nans"). Scanned first, and the other
      // direction must beat it strictly, so an exact tie sends NaN right, as scikit-learn's
      // left-to-right scan does before its right-to-left one.
      best = scan(ctx, leaf, f, real, 0, 0, 0, best);
      best = scan(ctx, leaf, f, real - 1, hist[m], hist[m + 1], cm, best);
    }
    if (best > before) missingAtBest = cm > 0;
  }
  leaf.sawMissing = missingAtBest;
  if (leaf.gain > 0 && !missingAtBest) decideMissing(leaf, count);
}

/**
 * Where NaN goes at a split whose node had no NaN rows of its feature: to the child with more
 * training samples (right on a tie). This is scikit-learn's rule ("If no missing values were
 * encountered for a given feature during training, then samples with missing values are mapped to
 * whichever child has the most samples", HistGradientBoostingClassifier docs; grower.py sets
 * missing_go_to_left = n_samples_left > n_samples_right), applied per node rather than per
 * feature: a node that saw no NaN of its feature has learnt nothing about it either, and the
 * larger child is the better-supported guess.
 */
function decideMissing(leaf: Leaf, count: number): void {
  leaf.missingLeft = leaf.cl > count - leaf.cl;
}

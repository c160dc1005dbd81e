// The model's shapes, shared by the trainer, the predictor, TreeSHAP and (de)serialisation.
// Trees are flat typed arrays (structure of arrays): cache-friendly to predict and cheap to serialise.

export interface GbdtParams {
  /** Maximum boosting rounds; early stopping may use fewer. */
  nEstimators: number;
  learningRate: number;
  maxDepth: number;
  maxLeaves: number;
  minSamplesLeaf: number;
  /** L2 regularisation on leaf values (lambda). */
  l2: number;
  /** Histogram bins per feature, ≤ 255 real bins (a feature with NaN gets one more, so ≤ 256 fit a byte). */
  maxBins: number;
  /** Stop when the validation loss has not improved for this many rounds (0 = off). */
  earlyStoppingRounds: number;
  /** Weight of a positive row: a number, or "balanced" (= negatives / positives). */
  positiveWeight: number | "balanced";
  /** Minimum loss reduction to split (gamma). */
  minGain: number;
}

/** One regression tree. Node i is a leaf when left[i] === -1; then value[i] is its output (margin). */
export interface Tree {
  feature: Int32Array;
  /**
   * A row goes left when x[feature] <= threshold, or when x[feature] is NaN and missingLeft is 1.
   * Number.MAX_VALUE marks a split on missingness alone (every real value left, NaN right).
   */
  threshold: Float64Array;
  /**
   * Where a missing reading (NaN) goes at each split: 1 = left, 0 = right (0 at leaves). Learned by
   * gain when the node's training rows had NaN for that feature, else the child with more samples.
   */
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  /** Training sample weight reaching the node (hessian-free count), needed by path-dependent TreeSHAP. */
  cover: Float64Array;
  /**
   * Loss reduction of each split (0 at leaves), for gain importance. Optional so hand-built trees
   * (tests, other backends) need not invent it; the trainer and the model file always carry it.
   */
  gain?: Float64Array;
}

/** A trained binary classifier: margin = baseScore + Σ tree outputs; p = sigmoid(margin). */
export interface Booster {
  nFeatures: number;
  featureNames: string[];
  baseScore: number;
  trees: Tree[];
  params: GbdtParams;
  /** Rounds kept after early stopping. */
  bestIteration: number;
}

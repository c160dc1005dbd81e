// Data, prediction and label drift for one reference/current pair: per feature the test Evidently would
// choose (or the one asked for), its score, threshold and verdict, plus reference-vs-current shares on
// the same bins for plotting; dataset drift when at least half the features drifted (Evidently's
// drift_share, or the share asked for). Pure: no I/O.
// The JSON shape is what `millwright drift --json` prints and what scripts read.
import { MillwrightError } from "../core/errors.js";
import { binnedShares, type Sample } from "./stats/binning.js";
import { type TestChoice, chooseTest } from "./stats/choose.js";
import { countValues, type CategoryKey } from "./stats/counts.js";
import type { KsMethod } from "./stats/ks.js";
import { radixSortFloat64 } from "./stats/radix-sort.js";
import { type ColumnKind, runStatTest, type TestResult } from "./stats/registry.js";
import { distinctUnionSorted } from "./stats/sorted.js";

export type Column = Float64Array | string[];
export type Columns = Record<string, Column>;

export interface DriftOptions extends TestChoice {
  /** Per-feature threshold; otherwise the chosen test's default. */
  thresholds?: Record<string, number>;
  ksMethod?: KsMethod;
  bins?: number;
  /** Share of drifted features at which the dataset drifted; default Evidently's 0.5. */
  shareThreshold?: number;
}

export interface Histogram {
  /** Bin edges (labels.length + 1) for binned numeric values, null when each label is one value. */
  edges: number[] | null;
  labels: string[];
  reference: number[];
  current: number[];
}

/** One feature's test result (stats/registry.ts TestResult) with what it was run on. */
export interface FeatureDrift extends TestResult {
  feature: string;
  kind: ColumnKind;
  n_reference: number;
  n_current: number;
  histogram: Histogram;
}

export const SHARE_THRESHOLD = 0.5;

export interface DriftReport {
  dataset_drift: boolean;
  drift_share: number;
  share_threshold: number;
  features: FeatureDrift[];
}

/** Missing values (NaN, ±∞) are dropped before testing, as Evidently does. */
function toSample(col: Column, feature: string, side: string): Sample {
  if (col instanceof Float64Array) {
    let n = 0;
    const out = new Float64Array(col.length);
    for (let i = 0; i < col.length; i++) if (Number.isFinite(col[i])) out[n++] = col[i];
    if (n === 0) throw empty(feature, side);
    return { kind: "numeric", sorted: radixSortFloat64(out.subarray(0, n)) };
  }
  if (col.length === 0) throw empty(feature, side);
  return { kind: "categorical", counts: countValues(col) };
}

function empty(feature: string, side: string): MillwrightError {
  return new MillwrightError("MW_BAD_INPUT", `${side} column "${feature}" has no values`, {
    field: feature,
    side,
  });
}

function sizeOf(s: Sample): number {
  if (s.kind === "numeric") return s.sorted.length;
  let n = 0;
  for (const c of s.counts.values()) n += c;
  return n;
}

function distinct(r: Sample, c: Sample): number {
  if (r.kind === "numeric" && c.kind === "numeric") return distinctUnionSorted(r.sorted, c.sorted);
  if (r.kind === "categorical" && c.kind === "categorical") {
    return new Set<CategoryKey>([...r.counts.keys(), ...c.counts.keys()]).size;
  }
  return Number.NaN;
}

function label(v: CategoryKey): string {
  return typeof v === "number" ? String(Number(v.toPrecision(6))) : v;
}

function histogram(r: Sample, c: Sample, bins?: number): Histogram {
  const s = binnedShares(r, c, { fillZeros: false, bins });
  const edges = s.edges ? Array.from(s.edges) : null;
  const labels = edges
    ? edges.slice(0, -1).map((e, i) => `${label(e)} to ${label(edges[i + 1])}`)
    : s.keys.map((k) => label(k));
  return { edges, labels, reference: Array.from(s.reference), current: Array.from(s.current) };
}

/** One column's test result without the histogram (what a calibration needs, many times over). */
export function scoreFeature(
  feature: string,
  reference: Column,
  current: Column,
  opts: DriftOptions = {},
): TestResult & { kind: ColumnKind; n_reference: number; n_current: number; samples: [Sample, Sample] } {
  const r = toSample(reference, feature, "reference");
  const c = toSample(current, feature, "current");
  if (r.kind !== c.kind) {
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `column "${feature}" is ${r.kind} in reference but ${c.kind} in current`,
      {
        field: feature,
      },
    );
  }
  const nRef = sizeOf(r);
  const test = chooseTest(feature, r.kind, nRef, distinct(r, c), opts);
  const res = runStatTest(test, r, c, opts.thresholds?.[feature], {
    ksMethod: opts.ksMethod,
    bins: opts.bins,
  });
  return { ...res, kind: r.kind, n_reference: nRef, n_current: sizeOf(c), samples: [r, c] };
}

/** Drift of one column; `feature` names it in the result and in errors. */
export function featureDrift(
  feature: string,
  reference: Column,
  current: Column,
  opts: DriftOptions = {},
): FeatureDrift {
  const res = scoreFeature(feature, reference, current, opts);
  const out: FeatureDrift = {
    feature,
    kind: res.kind,
    test: res.test,
    statistic: res.statistic,
    score: res.score,
    threshold: res.threshold,
    drifted: res.drifted,
    n_reference: res.n_reference,
    n_current: res.n_current,
    histogram: histogram(res.samples[0], res.samples[1], opts.bins),
  };
  if (res.p_value !== undefined) out.p_value = res.p_value;
  // Keep p_value next to statistic in the JSON, where people look for it.
  return reorder(out);
}

function reorder(f: FeatureDrift): FeatureDrift {
  const { feature, kind, test, statistic, p_value, ...rest } = f;
  return p_value === undefined
    ? { feature, kind, test, statistic, ...rest }
    : { feature, kind, test, statistic, p_value, ...rest };
}

/** Every column of the reference, compared with the same column of the current data. */
export function driftReport(reference: Columns, current: Columns, opts: DriftOptions = {}): DriftReport {
  const names = Object.keys(reference);
  if (names.length === 0)
    throw new MillwrightError("MW_BAD_INPUT", "drift report: the reference has no columns");
  const features = names.map((name) => {
    const cur = current[name];
    if (cur === undefined) {
      throw new MillwrightError("MW_BAD_INPUT", `current data has no column "${name}"`, { field: name });
    }
    return featureDrift(name, reference[name], cur, opts);
  });
  const drifted = features.filter((f) => f.drifted).length;
  const share = drifted / features.length;
  const shareThreshold = opts.shareThreshold ?? SHARE_THRESHOLD;
  return {
    dataset_drift: share >= shareThreshold,
    drift_share: share,
    share_threshold: shareThreshold,
    features,
  };
}

/** Drift of the predicted failure probability (a numeric feature named "prediction"). */
export function predictionDrift(
  refProbs: ArrayLike<number>,
  curProbs: ArrayLike<number>,
  opts: DriftOptions = {},
): FeatureDrift {
  return featureDrift("prediction", Float64Array.from(refProbs), Float64Array.from(curProbs), opts);
}

/** Drift of the failure rate among labelled rows: Evidently's Z-test for two proportions on 0/1 labels. */
export function labelDrift(
  refLabels: ArrayLike<number>,
  curLabels: ArrayLike<number>,
  opts: { threshold?: number } = {},
): FeatureDrift {
  // Labels are categories (0 and 1), so the Z-test always applies; numeric storage keeps 0 < 1 ordering.
  // Unlabelled rows (NaN) are not a category: drop them.
  const asText = (a: ArrayLike<number>) =>
    Array.from(a)
      .filter((v) => Number.isFinite(v))
      .map((v) => String(v));
  return featureDrift("label", asText(refLabels), asText(curLabels), {
    tests: { label: "ztest" },
    thresholds: opts.threshold === undefined ? undefined : { label: opts.threshold },
  });
}

// Trains a data-contract model: one head per failure kind plus machine_failure (any kind), on the
// history features, split by time or by machine (time-split.ts). Pure: no I/O, randomness from
// the seed. Validation drives early stopping, calibration and the threshold; the test part is
// touched once, for the metrics we report.
import { MillwrightError } from "../core/errors.js";
import { createRng } from "../core/rng.js";
import { type BinaryEvaluation, evaluateBinary } from "../evaluate/metrics.js";
import { chooseThreshold } from "../evaluate/threshold.js";
import type { FeatureMatrix } from "../features/build.js";
import { fitPlattIncreasing } from "../model/calibrate.js";
import { gainImportance } from "../model/importance.js";
import { predictMargin } from "../model/predict.js";
import { DEFAULT_PARAMS, trainBooster } from "../model/train.js";
import type { GbdtParams } from "../model/types.js";
import { headProba } from "./bundle.js";
import type { Head } from "./stored-heads.js";
import { MIN_MODE_POSITIVES } from "./fit.js";
import { takeLabels, takeRows } from "./split.js";
import { type SplitInput, type SplitSpec, splitRows } from "./time-split.js";

export interface HistoryFitInput extends SplitInput {
  X: FeatureMatrix;
  featureNames: string[];
  /** "machine_failure" first, then one per kind. */
  heads: Map<string, Uint8Array>;
}

export interface HistoryFitOptions {
  seed: number;
  split: SplitSpec;
  params?: Partial<GbdtParams>;
  threshold?: { method: "f1" } | { method: "cost"; costMiss: number; costFalseAlarm: number };
  onProgress?: (fraction: number, what: string) => void;
}

export interface HistoryFit {
  heads: Record<string, Head | null>;
  headNames: string[];
  threshold: { value: number; method: string; costMiss?: number; costFalseAlarm?: number };
  /** Test metrics per head (null: a head without a model, or one class only in the test part). */
  metrics: Record<string, BinaryEvaluation | null>;
  importance: { feature: string; importance: number }[];
  split: {
    fit: number;
    validation: number;
    test: number;
    describe: string;
    testFrom: number | null;
    /** The earliest validation row's time (a time split; null by machine): where the plan's calibration starts. */
    validationFrom: number | null;
    /** A split by machine: the held-out machines' ids (a retraining tests on the same ones). */
    testMachines: string[] | null;
  };
  params: GbdtParams;
  rounds: Record<string, number>;
  test: { y: Uint8Array; p: Float64Array; rows: Uint32Array };
  /** Why a kind got no head, in words (absent in a fit made before it) (trial 2: the card said "too few failures" of a kind with 5). */
  noHead?: Record<string, string>;
}

/** Each machine's commonest failure kind by positive rows (1-based head order; 0: it never fails). */
function machineStrata(input: HistoryFitInput): Int32Array {
  const kinds = [...input.heads.entries()].filter(([name]) => name !== "machine_failure");
  const any = input.heads.get("machine_failure") as Uint8Array;
  const heads = kinds.length > 0 ? kinds.map(([, y]) => y) : [any];
  const counts = heads.map(() => new Float64Array(input.nMachines));
  for (let i = 0; i < any.length; i++) {
    if (!input.usable[i]) continue;
    for (let k = 0; k < heads.length; k++) if (heads[k][i] === 1) counts[k][input.machine[i]]++;
  }
  const out = new Int32Array(input.nMachines);
  for (let m = 0; m < input.nMachines; m++) {
    let best = 0;
    heads.forEach((_, k) => {
      if (counts[k][m] > (best === 0 ? 0 : counts[best - 1][m])) best = k + 1;
    });
    out[m] = best;
  }
  return out;
}

function count(y: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i];
  return s;
}

function part(X: FeatureMatrix, idx: Uint32Array): FeatureMatrix {
  return { data: takeRows(X.data, X.nCols, idx), nRows: idx.length, nCols: X.nCols };
}

export function fitHistoryModel(input: HistoryFitInput, opts: HistoryFitOptions): HistoryFit {
  const any = input.heads.get("machine_failure") as Uint8Array;
  const split = splitRows(
    // Strata only matter to a split by machine: a time split needs no pass over every head's rows.
    { ...input, y: any, strata: opts.split.by === "machine" ? machineStrata(input) : undefined },
    opts.split,
    createRng(opts.seed),
  );
  const names = { fit: split.fit, validation: split.validation, test: split.test };
  for (const [what, idx] of Object.entries(names)) {
    const pos = count(takeLabels(any, idx));
    if (idx.length < 20 || pos === 0)
      throw new MillwrightError(
        "MW_TRAINING_DATA",
        `the ${what} part has ${idx.length} rows and ${pos} failures: each part needs rows and failures (split ${split.describe}${
          split.testFrom !== null ? "; try another --test-from, or more data" : ""
        })`,
        { part: what, rows: idx.length, failures: pos },
      );
  }
  const Xfit = part(input.X, split.fit);
  const Xval = part(input.X, split.validation);
  const Xtest = part(input.X, split.test);
  const params: GbdtParams = { ...DEFAULT_PARAMS, ...opts.params };
  const heads: Record<string, Head | null> = {};
  const rounds: Record<string, number> = {};
  const noHead: Record<string, string> = {};
  const headNames = [...input.heads.keys()];
  headNames.forEach((name, k) => {
    const y = input.heads.get(name) as Uint8Array;
    const yFit = takeLabels(y, split.fit);
    const yVal = takeLabels(y, split.validation);
    if (name !== "machine_failure" && (count(yFit) < MIN_MODE_POSITIVES || count(yVal) === 0)) {
      heads[name] = null;
      noHead[name] =
        count(yFit) < MIN_MODE_POSITIVES
          ? `${count(yFit)} positive rows in the fit part, fewer than ${MIN_MODE_POSITIVES}: more history of this kind`
          : `none in the validation part (split ${split.describe}): more history, or a split that puts one of its failures in validation${split.testFrom !== null ? " (another --test-from)" : ""}`;
      opts.onProgress?.((k + 1) / headNames.length, `${name}: no head, ${noHead[name]}`);
      return;
    }
    const booster = trainBooster(
      { X: Xfit.data, nRows: Xfit.nRows, nCols: Xfit.nCols, y: yFit },
      { params, featureNames: input.featureNames, valid: { X: Xval.data, nRows: Xval.nRows, y: yVal } },
    );
    const margins = predictMargin(booster, Xval.data, Xval.nRows);
    heads[name] = { booster, calibration: fitPlattIncreasing(margins, yVal) };
    rounds[name] = booster.trees.length;
    opts.onProgress?.((k + 1) / headNames.length, name);
  });
  const main = heads.machine_failure as Head;
  const th = opts.threshold ?? { method: "f1" as const };
  const chosen = chooseThreshold(takeLabels(any, split.validation), headProba(main, Xval), th);
  const threshold =
    th.method === "cost"
      ? { value: chosen.threshold, method: "cost", costMiss: th.costMiss, costFalseAlarm: th.costFalseAlarm }
      : { value: chosen.threshold, method: "f1" };
  const metrics: HistoryFit["metrics"] = {};
  let testP: Float64Array = new Float64Array(0);
  for (const name of headNames) {
    const h = heads[name];
    const y = takeLabels(input.heads.get(name) as Uint8Array, split.test);
    if (!h || count(y) === 0 || count(y) === y.length) {
      metrics[name] = null;
      continue;
    }
    const p = headProba(h, Xtest);
    if (name === "machine_failure") testP = p;
    metrics[name] = evaluateBinary(y, p, name === "machine_failure" ? threshold.value : 0.5);
  }
  const imp = gainImportance(main.booster);
  return {
    heads,
    headNames,
    threshold,
    metrics,
    importance: input.featureNames.map((f, i) => ({ feature: f, importance: imp[i] })),
    split: {
      fit: split.fit.length,
      validation: split.validation.length,
      test: split.test.length,
      describe: split.describe,
      testFrom: split.testFrom,
      validationFrom:
        split.testFrom === null
          ? null
          : split.validation.reduce((a, i) => Math.min(a, input.time[i]), Infinity),
      testMachines: split.testMachines,
    },
    params,
    rounds,
    noHead,
    test: { y: takeLabels(any, split.test), p: testP, rows: split.test },
  };
}

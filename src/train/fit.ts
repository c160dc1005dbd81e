// Trains a model version's heads from a validated dataset. Pure: no I/O, randomness from the seed.
//
// Splits (stratified on machine_failure): 80 % development, 20 % test. Development is split again
// 80/20 into fit and validation: validation drives early stopping, calibration and the threshold;
// the test part is touched once, for the metrics we report, so they are honest.
import { MillwrightError } from "../core/errors.js";
import { createRng } from "../core/rng.js";
import { type LabelledReading, MODE_HEADS, type ModeHead } from "../data/schema.js";
import { evaluateBinary } from "../evaluate/metrics.js";
import { chooseThreshold } from "../evaluate/threshold.js";
import type { FeatureMatrix } from "../features/build.js";
import { FEATURE_NAMES, featureMatrix } from "../features/physics.js";
import { fitPlatt } from "../model/calibrate.js";
import { gainImportance } from "../model/importance.js";
import { predictMargin } from "../model/predict.js";
import { DEFAULT_PARAMS, trainBooster } from "../model/train.js";
import type { GbdtParams } from "../model/types.js";
import { type BundlePrediction, type ModelBundle, predictBundle } from "./bundle.js";
import type { Head } from "./stored-heads.js";
import { stratifiedSplit, takeLabels, takeRows } from "./split.js";

/** A mode needs this many positive rows in the fit split to get its own head. */
export const MIN_MODE_POSITIVES = 5;

export interface FitOptions {
  seed: number;
  params?: Partial<GbdtParams>;
  threshold?: { method: "f1" } | { method: "cost"; costMiss: number; costFalseAlarm: number };
  name?: string;
  /** Called after each head with a 0–1 fraction, for progress bars. */
  onProgress?: (fraction: number, what: string) => void;
}

export interface FitResult {
  bundle: Omit<ModelBundle, "version" | "createdAt">;
  /** Metrics of the machine_failure head on the held-out test split. */
  metrics: ReturnType<typeof evaluateBinary>;
  /** Recall of the machine_failure prediction per failure mode on the test split. */
  modeRecall: Record<string, { recall: number | null; n: number }>;
  /** Each mode head's own test metrics (null when the head was not learnable). */
  modeMetrics: Record<ModeHead, ReturnType<typeof evaluateBinary> | null>;
  importance: { feature: string; importance: number }[];
  split: { fit: number; validation: number; test: number };
  test: { y: Uint8Array; p: Float64Array };
  params: GbdtParams;
  rounds: Record<string, number>;
}

function labelsOf(rows: readonly LabelledReading[], key: string): Uint8Array {
  const y = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++)
    y[i] = (rows[i] as unknown as Record<string, number>)[key] === 1 ? 1 : 0;
  return y;
}

function count(y: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i];
  return s;
}

export function fitModel(rows: readonly LabelledReading[], opts: FitOptions): FitResult {
  const y = labelsOf(rows, "machine_failure");
  const positives = count(y);
  if (rows.length < 50)
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `only ${rows.length} rows: at least 50 are needed to train and test`,
    );
  if (positives === 0)
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      "the data has no failures (machine_failure is 0 in every row)",
    );
  if (positives === rows.length)
    throw new MillwrightError("MW_TRAINING_DATA", "every row is a failure: one class only");
  if (positives < 10)
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `only ${positives} failures: at least 10 are needed to train, validate and test`,
    );

  const rng = createRng(opts.seed);
  const [dev, test] = stratifiedSplit(y, [0.8, 0.2], rng);
  const yDev = takeLabels(y, dev);
  const [fitLocal, validLocal] = stratifiedSplit(yDev, [0.8, 0.2], rng);
  const fitIdx = fitLocal.map((i) => dev[i]);
  const validIdx = validLocal.map((i) => dev[i]);

  const X = featureMatrix(rows);
  const nCols = X.nCols;
  const Xfit = takeRows(X.data, nCols, fitIdx);
  const Xval = takeRows(X.data, nCols, validIdx);
  const Xtest: FeatureMatrix = { data: takeRows(X.data, nCols, test), nRows: test.length, nCols };
  const params: GbdtParams = { ...DEFAULT_PARAMS, ...opts.params };
  const featureNames = [...FEATURE_NAMES];

  const heads: Record<string, Head | null> = {};
  const rounds: Record<string, number> = {};
  const headNames = ["machine_failure", ...MODE_HEADS] as const;
  headNames.forEach((name, k) => {
    const yAll = name === "machine_failure" ? y : labelsOf(rows, name);
    const yFit = takeLabels(yAll, fitIdx);
    const yVal = takeLabels(yAll, validIdx);
    if (name !== "machine_failure" && (count(yFit) < MIN_MODE_POSITIVES || count(yVal) === 0)) {
      heads[name] = null;
      opts.onProgress?.((k + 1) / headNames.length, `${name}: too few failures, no head`);
      return;
    }
    const booster = trainBooster(
      { X: Xfit, nRows: fitIdx.length, nCols, y: yFit },
      { params, featureNames, valid: { X: Xval, nRows: validIdx.length, y: yVal } },
    );
    const calibration = fitPlatt(predictMargin(booster, Xval, validIdx.length), yVal);
    heads[name] = { booster, calibration };
    rounds[name] = booster.trees.length;
    opts.onProgress?.((k + 1) / headNames.length, name);
  });

  const partial = {
    name: opts.name ?? "millwright-failure",
    featureNames,
    heads: heads as ModelBundle["heads"],
    threshold: { value: 0.5, method: "f1" } as ModelBundle["threshold"],
  };
  const valPred = predictBundle(partial as ModelBundle, { data: Xval, nRows: validIdx.length, nCols });
  const th = opts.threshold ?? { method: "f1" as const };
  const chosen = chooseThreshold(takeLabels(y, validIdx), valPred.failure, th);
  partial.threshold =
    th.method === "cost"
      ? { value: chosen.threshold, method: "cost", costMiss: th.costMiss, costFalseAlarm: th.costFalseAlarm }
      : { value: chosen.threshold, method: "f1" };

  const testPred: BundlePrediction = predictBundle(partial as ModelBundle, Xtest);
  const yTest = takeLabels(y, test);
  const metrics = evaluateBinary(yTest, testPred.failure, partial.threshold.value);
  const modeRecall: FitResult["modeRecall"] = {};
  const modeMetrics = {} as FitResult["modeMetrics"];
  for (const m of [...MODE_HEADS, "rnf"] as const) {
    const ym = takeLabels(labelsOf(rows, m), test);
    let n = 0;
    let hit = 0;
    for (let i = 0; i < ym.length; i++)
      if (ym[i]) {
        n++;
        if (testPred.failure[i] >= partial.threshold.value) hit++;
      }
    modeRecall[m] = { recall: n > 0 ? hit / n : null, n };
    if (m !== "rnf") {
      const pm = testPred.modes[m];
      modeMetrics[m] = pm && count(ym) > 0 && count(ym) < ym.length ? evaluateBinary(ym, pm, 0.5) : null;
    }
  }
  const imp = gainImportance(partial.heads.machine_failure.booster);
  return {
    bundle: partial as FitResult["bundle"],
    metrics,
    modeRecall,
    modeMetrics,
    importance: featureNames.map((f, i) => ({ feature: f, importance: imp[i] })),
    split: { fit: fitIdx.length, validation: validIdx.length, test: test.length },
    test: { y: yTest, p: testPred.failure },
    params,
    rounds,
  };
}

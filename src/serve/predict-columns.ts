// The one prediction step of /v1/predict and the OIP route: readings by column (reading-rules.ts)
// are predicted into a PredictionBatch (what the log, the fleet cache and the shadow take), with
// TreeSHAP explanations when asked, and no object per reading. Pure apart from the clock and the
// ids; answers.ts writes the answer, routes/predict.ts logs it.
import { MODE_HEADS } from "../data/schema.js";
import { featureMatrixOfColumns, N_FEATURES } from "../features/physics.js";
import { packedMode } from "../store/record-layout.js";
import type { PredictionBatch } from "../store/types.js";
import { type Contribution, explainRow } from "../train/ai4i-explain.js";
import { type ModelBundle, predictBundle } from "../train/bundle.js";
import { uuidv7Many } from "./ids.js";
import type { ReadingColumns } from "./reading-rules.js";

/** Per reading, its top contributions in words (the answer's "explanation"). */
export type Explanations = Contribution[][];

export interface Predicted {
  batch: PredictionBatch;
  /** Readings predicted to fail. */
  failures: number;
  /** Null unless asked for. */
  explanations: Explanations | null;
}

/** Predicts every reading of `cols`; explains each one when `explain` (TreeSHAP: slow, bounded by the caller). */
export function predictColumns(
  bundle: ModelBundle,
  cols: ReadingColumns,
  requestId: string,
  now = Date.now(),
  newIds: (n: number, now: number) => string[] = uuidv7Many,
  explain = false,
): Predicted {
  const n = cols.n;
  const X = featureMatrixOfColumns(cols.type, cols.raw, n);
  const p = predictBundle(bundle, X);
  const threshold = bundle.threshold.value;
  const predicted = new Uint8Array(n);
  const modeCount = MODE_HEADS.length;
  const modes = new Float64Array(n * modeCount);
  const ids = newIds(n, now);
  let failures = 0;
  for (let h = 0; h < modeCount; h++) {
    const arr = p.modes[MODE_HEADS[h]];
    // A head the model lacks answers null, which the batch holds as NaN.
    for (let i = 0; i < n; i++) modes[i * modeCount + h] = packedMode(arr ? arr[i] : null);
  }
  for (let i = 0; i < n; i++) {
    if (p.failure[i] >= threshold) {
      predicted[i] = 1;
      failures++;
    }
  }
  const batch: PredictionBatch = {
    n,
    ids,
    requestId,
    modelName: bundle.name,
    modelVersion: bundle.version,
    predictedAt: now,
    type: cols.type,
    raw: cols.raw,
    failureProbability: p.failure,
    failurePredicted: predicted,
    modeKeys: [...MODE_HEADS],
    modes,
    machineId: cols.machineId,
    machineModel: cols.machineModel,
    timestamp: cols.timestamp,
  };
  let explanations: Explanations | null = null;
  if (explain) {
    explanations = new Array(n);
    for (let i = 0; i < n; i++)
      explanations[i] = explainRow(bundle, X.data.subarray(i * N_FEATURES, (i + 1) * N_FEATURES)).top;
  }
  return { batch, failures, explanations };
}

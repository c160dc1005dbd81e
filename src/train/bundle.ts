// A model version's file: every head (machine_failure and one per learnable failure mode), its
// calibration and the decision threshold, as tagged, versioned JSON checked on load.
import { MODE_HEADS, type ModeHead } from "../data/schema.js";
import type { FeatureMatrix } from "../features/build.js";
import { FEATURE_NAMES } from "../features/physics.js";
import { predictMargin, sigmoid } from "../model/predict.js";
import { badModelFile, type Head, headsFromJSON, headsToJSON, thresholdFromJSON } from "./stored-heads.js";

export const BUNDLE_FORMAT = "millwright-model";
export const BUNDLE_FORMAT_VERSION = 1;

export const HEADS = ["machine_failure", ...MODE_HEADS] as const;

export interface ModelBundle {
  name: string;
  version: string;
  createdAt: string;
  featureNames: string[];
  /** A mode head is null when training data had too few rows of that mode to learn it. */
  heads: { machine_failure: Head } & Record<ModeHead, Head | null>;
  threshold: { value: number; method: string; costMiss?: number; costFalseAlarm?: number };
}

export interface BundlePrediction {
  failure: Float64Array;
  modes: Record<ModeHead, Float64Array | null>;
}

/** Calibrated probabilities for every head, for every row. */
export function predictBundle(b: ModelBundle, X: FeatureMatrix): BundlePrediction {
  const failure = headProba(b.heads.machine_failure, X);
  const modes = {} as Record<ModeHead, Float64Array | null>;
  for (const m of MODE_HEADS) {
    const h = b.heads[m];
    modes[m] = h ? headProba(h, X) : null;
  }
  return { failure, modes };
}

export function headProba(h: Head, X: FeatureMatrix): Float64Array {
  const out = predictMargin(h.booster, X.data, X.nRows);
  const { a, b } = h.calibration;
  for (let i = 0; i < out.length; i++) out[i] = sigmoid(a * out[i] + b);
  return out;
}

export function bundleToJSON(b: ModelBundle): object {
  const heads = headsToJSON(HEADS, b.heads);
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    name: b.name,
    version: b.version,
    // No timestamp here: the same data and seed must give the same file, byte for byte.
    // When a version was made is lineage (lineage.json).
    featureNames: b.featureNames,
    threshold: b.threshold,
    heads,
  };
}

export function bundleFromJSON(obj: unknown, source: string): ModelBundle {
  const bad = badModelFile(source);
  if (typeof obj !== "object" || obj === null) bad("not a JSON object");
  const o = obj as Record<string, unknown>;
  if (o.format !== BUNDLE_FORMAT) bad(`not a Millwright model (format '${String(o.format)}')`);
  if (o.formatVersion !== BUNDLE_FORMAT_VERSION)
    bad(
      `model format version ${String(o.formatVersion)} is not supported (this Millwright reads ${BUNDLE_FORMAT_VERSION})`,
    );
  if (typeof o.version !== "string" || typeof o.name !== "string") bad("missing name or version");
  const names = o.featureNames;
  if (!Array.isArray(names) || names.join(",") !== FEATURE_NAMES.join(","))
    bad(
      `feature names ${JSON.stringify(names)} do not match this Millwright's features ${FEATURE_NAMES.join(",")}`,
    );
  const threshold = thresholdFromJSON<ModelBundle["threshold"]>(o.threshold, bad);
  const heads = headsFromJSON(o.heads, HEADS, FEATURE_NAMES.length, source, bad);
  return {
    name: o.name as string,
    version: o.version as string,
    createdAt: "",
    featureNames: [...FEATURE_NAMES],
    threshold,
    heads: heads as unknown as ModelBundle["heads"],
  };
}

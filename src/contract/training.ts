// The contract's optional `training:` key: the GBDT parameters its models are trained with. A shop
// with few failures per part needs other values than the defaults (shallow trees, a slow rate and
// patient early stopping), and the contract is what `millwright train --contract`, `millwright up`
// and both retraining loops share, so the values live here rather than in one command's flags.
// Pure: every message names the file and key path ("shop.yaml: training.max_depth: …").
import { configError, describe, join, mapping } from "../core/yamlcheck.js";
import { PARAM_RULES } from "../model/params.js";
import type { GbdtParams } from "../model/types.js";

/** The contract's words for each parameter (snake case, as the rest of the contract). */
export const TRAINING_KEYS: Readonly<Record<string, keyof GbdtParams>> = {
  trees: "nEstimators",
  learning_rate: "learningRate",
  max_depth: "maxDepth",
  max_leaves: "maxLeaves",
  min_leaf: "minSamplesLeaf",
  l2: "l2",
  max_bins: "maxBins",
  early_stopping: "earlyStoppingRounds",
  positive_weight: "positiveWeight",
  min_gain: "minGain",
};

export type TrainingParams = Partial<GbdtParams>;

/** Null when absent; else only the parameters given (the trainer's defaults fill the rest). */
export function validateTraining(v: unknown, file: string): TrainingParams | null {
  if (v === undefined || v === null) return null;
  const o = mapping(v, file, "training", Object.keys(TRAINING_KEYS));
  const out: Record<string, number | "balanced"> = {};
  for (const [key, raw] of Object.entries(o)) {
    const name = TRAINING_KEYS[key];
    const path = join("training", key);
    const rule = PARAM_RULES.find((r) => r[0] === name);
    if (!rule) throw configError(file, path, "is not a training parameter");
    const [, integer, min, max] = rule;
    if (name === "positiveWeight" && raw === "balanced") {
      out[name] = raw;
      continue;
    }
    if (typeof raw !== "number" || !Number.isFinite(raw))
      throw configError(
        file,
        path,
        `must be a number${name === "positiveWeight" ? ' or "balanced"' : ""}, got ${describe(raw)}`,
      );
    if (integer && !Number.isInteger(raw))
      throw configError(file, path, `must be a whole number, got ${raw}`);
    if (raw < min || raw > max)
      throw configError(
        file,
        path,
        `must be between ${min === Number.MIN_VALUE ? "0 (excluded)" : min} and ${max}, got ${raw}`,
      );
    out[name] = raw;
  }
  return out as TrainingParams;
}

// Hyperparameter ranges, checked in one place for both training (a bad config) and loading
// (a corrupt model file), so the two can never accept different things.
import { type ErrorCode, MillwrightError } from "../core/errors.js";
import type { GbdtParams } from "./types.js";

type Rule = [key: keyof GbdtParams, integer: boolean, min: number, max: number];

/** Key order here is the order the model file writes them in. */
export const PARAM_RULES: readonly Rule[] = [
  ["nEstimators", true, 1, 100_000],
  ["learningRate", false, Number.MIN_VALUE, 1],
  ["maxDepth", true, 0, 64],
  ["maxLeaves", true, 2, 65_536],
  ["minSamplesLeaf", true, 1, Number.MAX_SAFE_INTEGER],
  ["l2", false, 0, Number.MAX_VALUE],
  // ≤ 255 real bins (≤ 254 thresholds, bins 0..254) leaves bin 255 for NaN: a bin index stays a byte.
  ["maxBins", true, 2, 255],
  ["earlyStoppingRounds", true, 0, 100_000],
  ["positiveWeight", false, Number.MIN_VALUE, Number.MAX_VALUE],
  ["minGain", false, 0, Number.MAX_VALUE],
];

/** First problem with p, or null. maxDepth 0 means no depth limit (maxLeaves still bounds the tree). */
export function paramProblem(p: Record<string, unknown>): string | null {
  for (const [key, integer, min, max] of PARAM_RULES) {
    const v = p[key];
    if (key === "positiveWeight" && v === "balanced") continue;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      return `params.${key} = ${JSON.stringify(v)} is not a finite number${key === "positiveWeight" ? ' or "balanced"' : ""}`;
    }
    if (integer && !Number.isInteger(v)) return `params.${key} = ${v} is not an integer`;
    if (v < min || v > max) return `params.${key} = ${v} is outside [${min}, ${max}]`;
  }
  return null;
}

export function validateParams(p: GbdtParams, code: ErrorCode = "MW_CONFIG", source = "gbdt"): GbdtParams {
  const problem = paramProblem(p as unknown as Record<string, unknown>);
  if (problem) throw new MillwrightError(code, `${source}: ${problem}`, { params: p });
  const out = {} as Record<string, unknown>;
  for (const [key] of PARAM_RULES) out[key] = p[key];
  return out as unknown as GbdtParams;
}

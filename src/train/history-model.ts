// A data-contract model version's file: its resolved contract (what its inputs are and how they
// were made), the feature names that contract gives, one head per failure kind plus
// machine_failure, and the threshold. Tagged, versioned JSON checked on load: format
// "millwright-model", formatVersion 2 (version 1 is the fixed-column AI4I bundle, bundle.ts).
import { contractFromJSON, contractToJSON } from "../contract/serialize.js";
import type { Contract } from "../contract/types.js";
import type { FeatureMatrix } from "../features/build.js";
import { featurePlan } from "../features/plan.js";
import { BUNDLE_FORMAT, headProba } from "./bundle.js";
import type { Head } from "./stored-heads.js";
import { type PlanCalibration, planCalibrationFromJSON } from "./plan-calibration.js";
import { badModelFile, headsFromJSON, headsToJSON, thresholdFromJSON } from "./stored-heads.js";

export const HISTORY_FORMAT_VERSION = 2;

export interface HistoryModel {
  name: string;
  version: string;
  createdAt: string;
  contract: Contract;
  featureNames: string[];
  headNames: string[];
  heads: Record<string, Head | null>;
  threshold: { value: number; method: string; costMiss?: number; costFalseAlarm?: number };
  /** The planning forecast's calibration (plan-calibration.ts); null or absent: none was fitted. */
  planCalibration?: PlanCalibration | null;
}

export function historyModelToJSON(m: HistoryModel): object {
  const heads = headsToJSON(m.headNames, m.heads);
  return {
    format: BUNDLE_FORMAT,
    formatVersion: HISTORY_FORMAT_VERSION,
    name: m.name,
    version: m.version,
    contract: contractToJSON(m.contract),
    featureNames: m.featureNames,
    headNames: m.headNames,
    threshold: m.threshold,
    heads,
    ...(m.planCalibration ? { planCalibration: m.planCalibration } : {}),
  };
}

export function isHistoryModelJSON(obj: unknown): boolean {
  const o = obj as Record<string, unknown> | null;
  return !!o && o.format === BUNDLE_FORMAT && o.formatVersion === HISTORY_FORMAT_VERSION;
}

export function historyModelFromJSON(obj: unknown, source: string): HistoryModel {
  const bad = badModelFile(source);
  if (!isHistoryModelJSON(obj))
    bad("not a Millwright data-contract model (format millwright-model, version 2)");
  const o = obj as Record<string, unknown>;
  if (typeof o.version !== "string" || typeof o.name !== "string") bad("missing name or version");
  const contract = contractFromJSON(o.contract, source);
  const featureNames = featurePlan(contract).features.map((f) => f.name);
  if (!Array.isArray(o.featureNames) || o.featureNames.join("\n") !== featureNames.join("\n"))
    bad("its feature names do not match what its data contract makes");
  const threshold = thresholdFromJSON<HistoryModel["threshold"]>(o.threshold, bad);
  const headNames = o.headNames;
  if (!Array.isArray(headNames) || headNames[0] !== "machine_failure") bad("head names missing");
  const heads = headsFromJSON(o.heads ?? {}, headNames as string[], featureNames.length, source, bad);
  return {
    name: o.name as string,
    version: o.version as string,
    createdAt: "",
    contract,
    featureNames,
    headNames: headNames as string[],
    heads,
    threshold,
    planCalibration: planCalibrationFromJSON(o.planCalibration, bad),
  };
}

/** Calibrated probability of every head for every row (null for a head without a model). */
export function predictHistoryModel(m: HistoryModel, X: FeatureMatrix): Record<string, Float64Array | null> {
  const out: Record<string, Float64Array | null> = {};
  for (const name of m.headNames) {
    const h = m.heads[name];
    out[name] = h ? headProba(h, X) : null;
  }
  return out;
}

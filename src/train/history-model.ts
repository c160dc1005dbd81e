// A data-contract model version's file: its resolved contract (what its inputs are and how they
// were made), the feature names that contract gives, one head per failure kind plus
// machine_failure, and the threshold. Tagged, versioned JSON checked on load: format
// "millwright-model", formatVersion 2 (version 1 is the fixed-column AI4I bundle, bundle.ts).
import { contractFromJSON, contractToJSON } from "../contract/serialize.js";
import type { Contract } from "../contract/types.js";
import { MillwrightError } from "../core/errors.js";
import type { FeatureMatrix } from "../features/build.js";
import { featurePlan } from "../features/plan.js";
import { boosterFromJSON, boosterToJSON } from "../model/serialize.js";
import { BUNDLE_FORMAT, type Head, headProba } from "./bundle.js";

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
}

export function historyModelToJSON(m: HistoryModel): object {
  const heads: Record<string, unknown> = {};
  for (const name of m.headNames) {
    const h = m.heads[name];
    heads[name] = h
      ? { booster: boosterToJSON(h.booster), calibration: { method: "platt", ...h.calibration } }
      : null;
  }
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
  };
}

export function isHistoryModelJSON(obj: unknown): boolean {
  const o = obj as Record<string, unknown> | null;
  return !!o && o.format === BUNDLE_FORMAT && o.formatVersion === HISTORY_FORMAT_VERSION;
}

export function historyModelFromJSON(obj: unknown, source: string): HistoryModel {
  const bad = (why: string): never => {
    throw new MillwrightError("MW_MODEL_CORRUPT", `${source}: ${why}`, { file: source });
  };
  if (!isHistoryModelJSON(obj))
    bad("not a Millwright data-contract model (format millwright-model, version 2)");
  const o = obj as Record<string, unknown>;
  if (typeof o.version !== "string" || typeof o.name !== "string") bad("missing name or version");
  const contract = contractFromJSON(o.contract, source);
  const featureNames = featurePlan(contract).features.map((f) => f.name);
  if (!Array.isArray(o.featureNames) || o.featureNames.join("\n") !== featureNames.join("\n"))
    bad("its feature names do not match what its data contract makes");
  const t = o.threshold as Record<string, unknown> | undefined;
  if (!t || typeof t.value !== "number" || !(t.value >= 0 && t.value <= 1))
    bad("threshold missing or outside 0–1");
  const headNames = o.headNames;
  if (!Array.isArray(headNames) || headNames[0] !== "machine_failure") bad("head names missing");
  const raw = (o.heads ?? {}) as Record<string, Record<string, unknown> | null>;
  const heads: Record<string, Head | null> = {};
  for (const name of headNames as string[]) {
    const h = raw[name];
    if (h === null && name !== "machine_failure") {
      heads[name] = null;
      continue;
    }
    const c = h?.calibration as Record<string, unknown> | undefined;
    if (
      !h ||
      !c ||
      typeof c.a !== "number" ||
      typeof c.b !== "number" ||
      !Number.isFinite(c.a) ||
      !Number.isFinite(c.b)
    )
      bad(`head '${name}': missing, or its calibration is not finite`);
    const booster = boosterFromJSON(h?.booster, `${source} (head ${name})`);
    if (booster.nFeatures !== featureNames.length)
      bad(`head '${name}' expects ${booster.nFeatures} features, the contract makes ${featureNames.length}`);
    heads[name] = { booster, calibration: { a: c?.a as number, b: c?.b as number } };
  }
  return {
    name: o.name as string,
    version: o.version as string,
    createdAt: "",
    contract,
    featureNames,
    headNames: headNames as string[],
    heads,
    threshold: t as unknown as HistoryModel["threshold"],
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

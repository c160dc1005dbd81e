// The parts of a stored model file both kinds share (the AI4I bundle, train/bundle.ts, and the
// data-contract model, train/history-model.ts): the heads, each a booster with its Platt
// calibration, and the decision threshold. Reading checks every part and names the file on failure.
import { MillwrightError } from "../core/errors.js";
import { boosterFromJSON, boosterToJSON } from "../model/serialize.js";
import type { Platt } from "../model/calibrate.js";
import type { Booster } from "../model/types.js";

/** One head of a model file: its trees and their calibration. */
export interface Head {
  booster: Booster;
  /** Platt scaling of the margin, p = sigmoid(a·margin + b), fitted on the validation split. */
  calibration: Platt;
}

/** Throws the model file's error (MW_MODEL_CORRUPT naming the file). */
export type Bad = (why: string) => never;

export function badModelFile(source: string): Bad {
  return (why) => {
    throw new MillwrightError("MW_MODEL_CORRUPT", `${source}: ${why}`, { file: source });
  };
}

export function headsToJSON(
  names: readonly string[],
  heads: Record<string, Head | null>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const h = heads[name];
    out[name] = h
      ? { booster: boosterToJSON(h.booster), calibration: { method: "platt", ...h.calibration } }
      : null;
  }
  return out;
}

/**
 * The heads `names` from a model file's `heads`: any but machine_failure may be null (no head for
 * that mode); every other has a finite calibration and a booster over `nFeatures` features.
 */
export function headsFromJSON(
  raw: unknown,
  names: readonly string[],
  nFeatures: number,
  source: string,
  bad: Bad,
): Record<string, Head | null> {
  if (!raw || typeof raw !== "object") bad("heads missing");
  const stored = raw as Record<string, Record<string, unknown> | null | undefined>;
  const heads: Record<string, Head | null> = {};
  for (const name of names) {
    const h = stored[name];
    if (h === null && name !== "machine_failure") {
      heads[name] = null;
      continue;
    }
    if (!h || typeof h !== "object") return bad(`head '${name}' missing`);
    const c = h.calibration as Record<string, unknown> | undefined;
    if (
      !c ||
      typeof c.a !== "number" ||
      typeof c.b !== "number" ||
      !Number.isFinite(c.a) ||
      !Number.isFinite(c.b)
    )
      bad(`head '${name}': calibration missing or not finite`);
    const booster = boosterFromJSON(h.booster, `${source} (head ${name})`);
    if (booster.nFeatures !== nFeatures)
      bad(`head '${name}' expects ${booster.nFeatures} features, the model has ${nFeatures}`);
    heads[name] = { booster, calibration: { a: c?.a as number, b: c?.b as number } };
  }
  return heads;
}

/** A stored threshold: a probability, with how it was chosen. */
export function thresholdFromJSON<T extends { value: number }>(raw: unknown, bad: Bad): T {
  const t = raw as Record<string, unknown> | undefined;
  if (!t || typeof t.value !== "number" || !(t.value >= 0 && t.value <= 1))
    bad("threshold missing or outside 0–1");
  return t as unknown as T;
}

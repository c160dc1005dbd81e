// Gain importance: each feature's share of the total loss reduction of all splits on it. Cheap and
// global; for one prediction's reasons use TreeSHAP (shap.ts) instead.
import type { Booster } from "./types.js";

/** Per feature, in the booster's order, summing to 1 (all zeros when no tree has a split). */
export function gainImportance(b: Booster): Float64Array {
  const imp = new Float64Array(b.nFeatures);
  for (const t of b.trees) {
    if (!t.gain) continue;
    for (let i = 0; i < t.feature.length; i++) if (t.left[i] >= 0) imp[t.feature[i]] += t.gain[i];
  }
  let total = 0;
  for (const v of imp) total += v;
  if (total > 0) for (let f = 0; f < imp.length; f++) imp[f] /= total;
  return imp;
}

/** Importances keyed by feature name, largest first. */
export function namedImportance(b: Booster): { feature: string; gain: number }[] {
  const imp = gainImportance(b);
  return b.featureNames.map((feature, i) => ({ feature, gain: imp[i] })).sort((a, c) => c.gain - a.gain);
}

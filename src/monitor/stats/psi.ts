// Population Stability Index as Evidently's "psi" stattest computes it: Σ (ref − cur)·ln(ref / cur)
// over binned shares in which empty bins were set to 0.0001 (binning.ts, fillZeros: true).
import { MillwrightError } from "../../core/errors.js";

export function psiShares(reference: Float64Array, current: Float64Array): number {
  if (reference.length !== current.length) {
    throw new MillwrightError("MW_BAD_INPUT", "psi: share vectors differ in length", {
      reference: reference.length,
      current: current.length,
    });
  }
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i];
    const c = current[i];
    psi += (r - c) * Math.log(r / c);
  }
  return psi;
}

// Jensen–Shannon distance, scipy.spatial.distance.jensenshannon(p, q) with the natural log (base None):
// both vectors normalised to sum 1, m = (p + q)/2, distance = √((KL(p‖m) + KL(q‖m)) / 2) with
// scipy.special.rel_entr's conventions (0·ln 0 = 0). Evidently feeds it binned shares without the 0.0001
// fill (get_binned_data(..., feel_zeroes=False)).
import { MillwrightError } from "../../core/errors.js";

function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

export function jensenShannon(p: Float64Array, q: Float64Array, base?: number): number {
  if (p.length !== q.length) {
    throw new MillwrightError("MW_BAD_INPUT", "jensenshannon: vectors differ in length", {
      p: p.length,
      q: q.length,
    });
  }
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i];
    sq += q[i];
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sp;
    const qi = q[i] / sq;
    const m = (pi + qi) / 2;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  let js = left + right;
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(js / 2);
}

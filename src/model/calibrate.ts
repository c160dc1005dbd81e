// Probability calibration, fitted on the validation split, so that "0.8" means 80 % of such rows
// fail; estimated quality without labels (monitoring) relies on it.
// - Isotonic: matches scikit-learn 1.2 IsotonicRegression(increasing=True, out_of_bounds="clip"):
//   ties in x merged to their weighted mean (x within float64 resolution 1e-15 counts as a tie),
//   pool-adjacent-violators, interior points on a flat run dropped, linear interpolation between
//   the remaining points, inputs clipped to the fitted x range.
// - Platt: p = sigmoid(a·margin + b), fitted by Newton's method on Platt's smoothed targets, the
//   optimum of scikit-learn's _sigmoid_calibration (which reports A = −a, B = −b).
import { MillwrightError } from "../core/errors.js";
import { sigmoid } from "./predict.js";

/** JSON-serialisable isotonic map: increasing x, non-decreasing y. */
export interface Isotonic {
  x: number[];
  y: number[];
}

export interface Platt {
  a: number;
  b: number;
}

function checkInputs(what: string, p: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): void {
  if (p.length === 0 || p.length !== y.length || (w && w.length !== p.length)) {
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `${what}: need as many scores as labels (got ${p.length} and ${y.length})`,
    );
  }
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i]) || !Number.isFinite(y[i]) || (w && !(w[i] >= 0))) {
      throw new MillwrightError(
        "MW_TRAINING_DATA",
        `${what}: row ${i} has a non-finite score, label or weight`,
        {
          row: i,
        },
      );
    }
  }
}

/** Pool adjacent violators in place (scikit-learn's _inplace_contiguous_isotonic_regression). */
function pava(y: Float64Array, w: Float64Array): void {
  const n = y.length;
  const target = new Int32Array(n);
  for (let i = 0; i < n; i++) target[i] = i;
  let i = 0;
  while (i < n) {
    let k = target[i] + 1;
    if (k === n) break;
    if (y[i] < y[k]) {
      i = k;
      continue;
    }
    let sumWy = w[i] * y[i];
    let sumW = w[i];
    for (;;) {
      const prevY = y[k];
      sumWy += w[k] * y[k];
      sumW += w[k];
      k = target[k] + 1;
      if (k === n || prevY < y[k]) {
        y[i] = sumWy / sumW;
        w[i] = sumW;
        target[i] = k - 1;
        target[k - 1] = i;
        if (i > 0) i = target[i - 1];
        break;
      }
    }
  }
  i = 0;
  while (i < n) {
    const k = target[i] + 1;
    y.fill(y[i], i + 1, k);
    i = k;
  }
}

export function fitIsotonic(
  p: ArrayLike<number>,
  y: ArrayLike<number>,
  weight?: ArrayLike<number>,
): Isotonic {
  checkInputs("isotonic calibration", p, y, weight);
  // Zero-weight rows are dropped; the rest sorted by (x, y) like numpy's lexsort((y, x)).
  const order = Array.from({ length: p.length }, (_, i) => i).filter((i) => !weight || weight[i] > 0);
  if (order.length === 0)
    throw new MillwrightError("MW_TRAINING_DATA", "isotonic calibration: every weight is 0");
  order.sort((i, j) => p[i] - p[j] || y[i] - y[j] || i - j);
  const ux: number[] = [];
  const uy: number[] = [];
  const uw: number[] = [];
  let cx = p[order[0]];
  let cy = 0;
  let cw = 0;
  for (const i of order) {
    const wi = weight ? weight[i] : 1;
    if (p[i] - cx >= 1e-15) {
      ux.push(cx);
      uy.push(cy / cw);
      uw.push(cw);
      cx = p[i];
      cy = 0;
      cw = 0;
    }
    cy += y[i] * wi;
    cw += wi;
  }
  ux.push(cx);
  uy.push(cy / cw);
  uw.push(cw);
  const fy = Float64Array.from(uy);
  pava(fy, Float64Array.from(uw));
  const x: number[] = [];
  const out: number[] = [];
  for (let i = 0; i < ux.length; i++) {
    const interior = i > 0 && i < ux.length - 1;
    if (interior && fy[i] === fy[i - 1] && fy[i] === fy[i + 1]) continue;
    x.push(ux[i]);
    out.push(fy[i]);
  }
  return { x, y: out };
}

/** Calibrated probability for score s: clipped to the fitted range, then linear interpolation. */
export function applyIsotonic(m: Isotonic, s: number): number {
  const { x, y } = m;
  const n = x.length;
  if (n === 1) return y[0];
  const v = Math.min(Math.max(s, x[0]), x[n - 1]);
  // scipy interp1d: hi = searchsorted(x, v, "left") clipped to [1, n−1], lo = hi − 1.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  const h = Math.min(Math.max(lo, 1), n - 1);
  const l = h - 1;
  const slope = (y[h] - y[l]) / (x[h] - x[l]);
  return slope * (v - x[l]) + y[l];
}

export function fitPlatt(margin: ArrayLike<number>, y: ArrayLike<number>): Platt {
  checkInputs("Platt calibration", margin, y);
  const n = margin.length;
  let prior1 = 0;
  for (let i = 0; i < n; i++) if (y[i] > 0) prior1++;
  const prior0 = n - prior1;
  // Platt's targets: pulled off 0 and 1 so a separable set still has a finite optimum.
  const tPos = (prior1 + 1) / (prior1 + 2);
  const tNeg = 1 / (prior0 + 2);
  const loss = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = a * margin[i] + b;
      const t = y[i] > 0 ? tPos : tNeg;
      // −t·log σ(z) − (1−t)·log(1−σ(z)) = softplus(z) − t·z
      s += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t * z;
    }
    return s;
  };
  let a = 0;
  let b = -Math.log((prior0 + 1) / (prior1 + 1));
  let current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const m = margin[i];
      const q = sigmoid(a * m + b);
      const r = q - (y[i] > 0 ? tPos : tNeg);
      const s = q * (1 - q);
      ga += r * m;
      gb += r;
      haa += s * m * m;
      hab += s * m;
      hbb += s;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    let da = (hbb * ga - hab * gb) / det;
    let db = (haa * gb - hab * ga) / det;
    // Backtracking keeps each Newton step a descent step far from the optimum.
    let step = 1;
    let next = loss(a - da, b - db);
    while (next > current && step > 1e-10) {
      step /= 2;
      next = loss(a - da * step, b - db * step);
    }
    da *= step;
    db *= step;
    a -= da;
    b -= db;
    const done = Math.abs(da) <= 1e-15 * (1 + Math.abs(a)) && Math.abs(db) <= 1e-15 * (1 + Math.abs(b));
    current = next;
    if (done) break;
  }
  return { a, b };
}

/**
 * Platt's map with its slope held at 0 or above: where the validation rows rank backward (a < 0),
 * the map would turn the trees' order over and answer "all clear" where they saw risk (trial 7: a
 * kind of pure chance, one tree, fit-part ROC-AUC 0.235, scored 0.003 % on rows that failed at 5 %).
 * A slope of 0 is the rows' base rate for every row (Platt's targets' mean): no skill, said as such.
 * The planning calibration cuts its slopes the same way (train/plan-calibration.ts).
 */
export function fitPlattIncreasing(margin: ArrayLike<number>, y: ArrayLike<number>): Platt {
  const m = fitPlatt(margin, y);
  if (m.a >= 0) return m;
  let pos = 0;
  for (let i = 0; i < y.length; i++) if (y[i] > 0) pos++;
  const neg = y.length - pos;
  // With a = 0 the loss is least where σ(b) is the mean of Platt's targets.
  const mean = (pos * ((pos + 1) / (pos + 2)) + neg * (1 / (neg + 2))) / y.length;
  return { a: 0, b: Math.log(mean / (1 - mean)) };
}

export function applyPlatt(m: Platt, margin: number): number {
  return sigmoid(m.a * margin + m.b);
}

// Logistic regression on a few inputs with Platt's smoothed targets: p = σ(Σ w_j x_j + b) fitted
// by Newton's method, the several-input case of calibrate.ts's fitPlatt (same targets, so one input
// gives Platt's map). With `nonNegative`, the input whose weight comes out most negative is dropped
// (its weight 0) and the rest refitted, until every weight is ≥ 0: a calibration input that ranks the
// parts the wrong way round on the fitted sample says nothing the others do not. fitPlatt keeps its
// own two-parameter loop: on one input this gives the same (a, b) to 1e-16 (test/model/logistic.test.ts)
// but took about twice as long (800–160,000 rows, 2026-12-04), and fitPlatt runs in every training.
// Pure: no I/O.
import { MillwrightError } from "../core/errors.js";

export interface LogisticFit {
  /** One weight per input column. */
  w: number[];
  b: number;
}

/** −t ln σ(z) − (1 − t) ln(1 − σ(z)), written so that a large |z| does not overflow. */
function crossEntropy(z: number, target: number): number {
  const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  return softplus - target * z;
}

/** Solves A x = g (A symmetric positive definite, small) by Gaussian elimination; null if singular. */
function solve(A: number[][], g: number[]): number[] | null {
  const n = g.length;
  const M = A.map((row, i) => [...row, g[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    if (!(Math.abs(M[p][c]) > 1e-300)) return null;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

function newton(cols: readonly ArrayLike<number>[], target: Float64Array, b0: number): LogisticFit {
  const n = target.length;
  const d = cols.length + 1;
  const theta = [...new Array<number>(cols.length).fill(0), b0];
  const z = (th: number[], i: number) => {
    let s = th[d - 1];
    for (let j = 0; j < cols.length; j++) s += th[j] * cols[j][i];
    return s;
  };
  const x = (i: number, j: number) => (j < cols.length ? cols[j][i] : 1);
  const loss = (th: number[]) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += crossEntropy(z(th, i), target[i]);
    return s;
  };
  let current = loss(theta);
  for (let iter = 0; iter < 100; iter++) {
    const g = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < n; i++) {
      const q = 1 / (1 + Math.exp(-z(theta, i)));
      const r = q - target[i];
      const s = q * (1 - q);
      for (let j = 0; j < d; j++) {
        g[j] += r * x(i, j);
        for (let k = 0; k <= j; k++) H[j][k] += s * x(i, j) * x(i, k);
      }
    }
    for (let j = 0; j < d; j++) for (let k = j + 1; k < d; k++) H[j][k] = H[k][j];
    const step = solve(H, g);
    if (!step) break;
    // Backtracking keeps each Newton step a descent step far from the optimum.
    let t = 1;
    let next = loss(theta.map((v, j) => v - t * step[j]));
    while (next > current && t > 1e-10) {
      t /= 2;
      next = loss(theta.map((v, j) => v - t * step[j]));
    }
    for (let j = 0; j < d; j++) theta[j] -= t * step[j];
    current = next;
    if (step.every((s, j) => Math.abs(t * s) <= 1e-15 * (1 + Math.abs(theta[j])))) break;
  }
  return { w: theta.slice(0, cols.length), b: theta[d - 1] };
}

export function fitLogisticPlatt(
  cols: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
  nonNegative = false,
): LogisticFit {
  const n = y.length;
  if (n === 0 || cols.some((c) => c.length !== n))
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `logistic fit: need as many values per input as labels (${n})`,
    );
  for (const c of cols)
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(c[i]) || !Number.isFinite(y[i]))
        throw new MillwrightError(
          "MW_TRAINING_DATA",
          `logistic fit: row ${i} has a non-finite input or label`,
          {
            row: i,
          },
        );
  let pos = 0;
  for (let i = 0; i < n; i++) if (y[i] > 0) pos++;
  // Platt's targets: pulled off 0 and 1 so a separable set still has a finite optimum.
  const tPos = (pos + 1) / (pos + 2);
  const tNeg = 1 / (n - pos + 2);
  const target = Float64Array.from({ length: n }, (_, i) => (y[i] > 0 ? tPos : tNeg));
  const b0 = Math.log((pos + 1) / (n - pos + 1));
  let kept = cols.map((_, j) => j);
  for (;;) {
    const fit = newton(
      kept.map((j) => cols[j]),
      target,
      b0,
    );
    const w = new Array<number>(cols.length).fill(0);
    kept.forEach((j, i) => {
      w[j] = fit.w[i];
    });
    const worst = kept.reduce((m, j) => (w[j] < w[m] ? j : m), kept[0] ?? -1);
    if (!nonNegative || worst < 0 || w[worst] >= 0) return { w, b: fit.b };
    // The most negative input only: the others' weights change without it.
    kept = kept.filter((j) => j !== worst);
  }
}

// Platt scaling: p = 1 / (1 + exp(a·margin + b)), fitted by Newton's method on the validation split
// with Platt's (1999) smoothed targets, as scikit-learn's CalibratedClassifierCV(method="sigmoid")
// does. Chosen over isotonic by default because it is strictly monotone: it keeps the model's
// ranking (ROC-AUC, PR-AUC unchanged) and does not collapse rows into ties, while correcting
// the shift that class weighting puts into the raw probabilities.

export interface Platt {
  a: number;
  b: number;
}

export function fitPlatt(margin: ArrayLike<number>, y: ArrayLike<number>): Platt {
  const n = margin.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i] ? 1 : 0;
  const neg = n - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  let a = 0;
  let b = Math.log((neg + 1) / (pos + 1));
  const sigma = 1e-12;
  let prevLoss = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const t = y[i] ? hi : lo;
      const f = margin[i] * a + b;
      // p = P(y=1) = 1/(1+exp(f)); stable forms for either sign of f.
      const p = f >= 0 ? Math.exp(-f) / (1 + Math.exp(-f)) : 1 / (1 + Math.exp(f));
      const q = 1 - p;
      const d2 = p * q;
      h11 += margin[i] * margin[i] * d2;
      h22 += d2;
      h21 += margin[i] * d2;
      const d1 = t - p;
      g1 += margin[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-9 && Math.abs(g2) < 1e-9) break;
    const det = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / det;
    const db = -(-h21 * g1 + h11 * g2) / det;
    let step = 1;
    let improved = false;
    while (step >= 1e-10) {
      const na = a + step * da;
      const nb = b + step * db;
      const l = loss(na, nb);
      if (l < prevLoss + 1e-4 * step * (g1 * da + g2 * db)) {
        a = na;
        b = nb;
        prevLoss = l;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  return { a, b };

  function loss(a: number, b: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const t = y[i] ? hi : lo;
      const f = margin[i] * a + b;
      s += f >= 0 ? t * f + Math.log1p(Math.exp(-f)) : (t - 1) * f + Math.log1p(Math.exp(f));
    }
    return s;
  }
}

export function applyPlatt(m: Platt, margin: number): number {
  return 1 / (1 + Math.exp(m.a * margin + m.b));
}

export function applyPlattInPlace(m: Platt, margins: Float64Array): void {
  for (let i = 0; i < margins.length; i++) margins[i] = 1 / (1 + Math.exp(m.a * margins[i] + m.b));
}

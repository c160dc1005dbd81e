// A two-parameter Weibull life law (shape k, scale η; location 0) fitted by maximum likelihood on
// part lifetimes that may be right-censored (the part was replaced, or the data ended, before it
// failed) and left-truncated (the part was installed before the data began: only a part that had
// survived to the data's start can be seen, so its likelihood is conditioned on that survival).
// Log-likelihood, Λ(t) = (t/η)^k the cumulative hazard:
//   ℓ = Σ_failed [ln k − k ln η + (k − 1) ln t] − Σ_all [Λ(t) − Λ(entry)].
// For a fixed k the best η^k is Σ (t^k − entry^k) / d (d failures); the profile's derivative in k,
//   d/k + Σ_failed ln t − d · Σ (t^k ln t − entry^k ln entry) / Σ (t^k − entry^k),
// falls as k grows, so its root is found by bisection (a sure root, no starting point to tune).
// Without censoring or truncation this is scipy.stats.weibull_min.fit(x, floc=0).
// Pure: no I/O.

export interface Lifetime {
  /** Age (hours) at which the part failed or was last seen. */
  time: number;
  /** 1: it failed at `time`; 0: censored (still working when last seen). */
  failed: number;
  /** Age (hours) at which it came under observation (0: installed within the data). */
  entry?: number;
}

export interface Weibull {
  shape: number;
  /** Characteristic life (hours): 63.2 % have failed by it. */
  scale: number;
}

const K_LOW = 0.05;
const K_HIGH = 50;

/** The maximum-likelihood Weibull, or null without a failure (or without a positive lifetime). */
export function fitWeibull(lives: readonly Lifetime[]): Weibull | null {
  const xs = lives.filter((l) => l.time > 0 && Number.isFinite(l.time) && (l.entry ?? 0) < l.time);
  const d = xs.filter((l) => l.failed > 0).length;
  if (d === 0) return null;
  // Ages ÷ the longest keep t^k within range for any k tried.
  const top = Math.max(...xs.map((l) => l.time));
  const t = xs.map((l) => l.time / top);
  const e = xs.map((l) => Math.max(0, l.entry ?? 0) / top);
  let sumLogFailed = 0;
  xs.forEach((l, i) => {
    if (l.failed > 0) sumLogFailed += Math.log(t[i]);
  });
  const xlogx = (x: number, k: number) => (x > 0 ? x ** k * Math.log(x) : 0);
  const exposure = (k: number) => t.reduce((s, x, i) => s + x ** k - e[i] ** k, 0);
  const slope = (k: number) => {
    let num = 0;
    for (let i = 0; i < t.length; i++) num += xlogx(t[i], k) - xlogx(e[i], k);
    return d / k + sumLogFailed - (d * num) / exposure(k);
  };
  let lo = K_LOW;
  let hi = K_HIGH;
  if (slope(hi) > 0) lo = hi;
  else if (slope(lo) < 0) hi = lo;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  const k = (lo + hi) / 2;
  return { shape: k, scale: top * (exposure(k) / d) ** (1 / k) };
}

/** Λ(t) = (t/η)^k: the expected failures of a part by age t (hours), were it renewed on failure. */
export function weibullCumHazard(w: Weibull, age: number): number {
  return age > 0 ? (age / w.scale) ** w.shape : 0;
}

/** The cumulative hazard a part of age `age` (hours) accrues over the next `hours`. */
export function weibullWindowHazard(w: Weibull, age: number, hours: number): number {
  return weibullCumHazard(w, age + hours) - weibullCumHazard(w, age);
}

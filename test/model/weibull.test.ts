// The Weibull life law's maximum-likelihood fit (src/model/weibull.ts) against scipy 1.17.1:
// stats.weibull_min.fit(x, floc=0) on a complete sample, the same fit on stats.CensoredData for a
// right-censored one, and scipy.optimize.minimize (Nelder-Mead, xatol 1e-12) on the left-truncated
// log-likelihood for one where some parts entered the data already old. Tolerance: 1e-6 relative
// (scipy's optimisers stop near 1e-8; the bisection here at 1e-12).
import assert from "node:assert/strict";
import { test } from "node:test";
import { fitWeibull, weibullCumHazard, weibullWindowHazard } from "../../src/model/weibull.js";

const close = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) <= 1e-6 * Math.abs(want), `${what}: ${got} vs ${want}`);

const FAILED = [1200, 2300, 2950, 3100, 3480, 3900, 4700];

test("a complete sample: scipy.stats.weibull_min.fit(x, floc=0)", () => {
  const x = [1200, 2300, 2950, 3100, 3480, 3900, 4120, 4700, 5150, 6020];
  const w = fitWeibull(x.map((time) => ({ time, failed: 1 })));
  assert.ok(w);
  close(w.shape, 3.070546538242236, "shape");
  close(w.scale, 4132.416341284185, "scale");
});

test("right-censored lifetimes: scipy's fit on CensoredData(uncensored, right)", () => {
  const lives = [
    ...FAILED.map((time) => ({ time, failed: 1 })),
    ...[2500, 4120, 5150, 6020].map((time) => ({ time, failed: 0 })),
  ];
  const w = fitWeibull(lives);
  assert.ok(w);
  close(w.shape, 2.3384524381504965, "shape");
  close(w.scale, 4720.284517031398, "scale");
});

test("left-truncated lifetimes (a part already old when the data began): the conditional likelihood's optimum", () => {
  const time = [...FAILED, 2500, 4120, 5150, 6020];
  const entry = [0, 0, 500, 0, 1000, 0, 0, 0, 2000, 0, 3000];
  const w = fitWeibull(time.map((t, i) => ({ time: t, failed: i < FAILED.length ? 1 : 0, entry: entry[i] })));
  assert.ok(w);
  close(w.shape, 2.159367332268866, "shape");
  close(w.scale, 4568.061241385634, "scale");
});

test("no failure: no law; the cumulative hazard over a window is Λ(age + w) − Λ(age)", () => {
  assert.equal(fitWeibull([{ time: 100, failed: 0 }]), null);
  const w = { shape: 4, scale: 3000 };
  assert.equal(weibullCumHazard(w, 3000), 1);
  assert.equal(weibullCumHazard(w, 0), 0);
  close(weibullWindowHazard(w, 1500, 1500), 1 - 1 / 16, "window");
});

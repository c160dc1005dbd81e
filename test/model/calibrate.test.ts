import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  applyIsotonic,
  applyPlatt,
  fitIsotonic,
  fitPlatt,
  fitPlattIncreasing,
} from "../../src/model/calibrate.js";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/core/version.js";

interface IsoCase {
  name: string;
  x: number[];
  y: number[];
  w: number[] | null;
  thresholdsX: number[];
  thresholdsY: number[];
  query: number[];
  predict: number[];
}
interface PlattCase {
  margin: number[];
  y: number[];
  a: number;
  b: number;
  sklearnA: number;
  sklearnB: number;
}
const fixture = JSON.parse(
  readFileSync(join(PACKAGE_ROOT, "test/fixtures/model/calibration.json"), "utf8"),
) as {
  isotonic: IsoCase[];
  platt: PlattCase[];
};

const TOL = 1e-9;

for (const c of fixture.isotonic) {
  test(`isotonic matches scikit-learn: ${c.name}`, () => {
    const m = fitIsotonic(c.x, c.y, c.w ?? undefined);
    assert.equal(m.x.length, c.thresholdsX.length, "number of thresholds");
    m.x.forEach((v, i) => {
      assert.ok(Math.abs(v - c.thresholdsX[i]) <= TOL, `x[${i}] ${v} vs ${c.thresholdsX[i]}`);
    });
    m.y.forEach((v, i) => {
      assert.ok(Math.abs(v - c.thresholdsY[i]) <= TOL, `y[${i}] ${v} vs ${c.thresholdsY[i]}`);
    });
    c.query.forEach((q, i) => {
      const got = applyIsotonic(m, q);
      assert.ok(Math.abs(got - c.predict[i]) <= TOL, `predict(${q}) ${got} vs ${c.predict[i]}`);
    });
    // JSON-serialisable: a round trip changes nothing.
    assert.deepEqual(JSON.parse(JSON.stringify(m)), m);
  });
}

test("isotonic on one distinct x is a constant", () => {
  const m = fitIsotonic([0.3, 0.3, 0.3], [0, 1, 1]);
  assert.equal(applyIsotonic(m, 0), 2 / 3);
  assert.equal(applyIsotonic(m, 1), 2 / 3);
});

fixture.platt.forEach((c, k) => {
  test(`Platt scaling reaches the exact optimum of scikit-learn's objective (case ${k})`, () => {
    const m = fitPlatt(c.margin, c.y);
    assert.ok(Math.abs(m.a - c.a) <= TOL, `a ${m.a} vs ${c.a}`);
    assert.ok(Math.abs(m.b - c.b) <= TOL, `b ${m.b} vs ${c.b}`);
    // scikit-learn's BFGS stops early and uses the opposite sign: agreement to its tolerance.
    assert.ok(Math.abs(m.a + c.sklearnA) <= 1e-5 && Math.abs(m.b + c.sklearnB) <= 1e-5);
    const p = applyPlatt(m, 1.5);
    assert.ok(Math.abs(p - 1 / (1 + Math.exp(-(c.a * 1.5 + c.b)))) <= 1e-12);
  });
});

test("calibration rejects mismatched or non-finite input", () => {
  assert.throws(() => fitIsotonic([0.1, 0.2], [1]), { code: "MW_TRAINING_DATA" });
  assert.throws(() => fitPlatt([0.1, Number.NaN], [1, 0]), { code: "MW_TRAINING_DATA" });
});

test("Platt with its slope held ≥ 0: rows that rank backward get their base rate, not an inverted map (trial 7)", () => {
  // Higher margin, fewer failures: the free fit turns the order over (a < 0).
  const margin = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5];
  const y = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0];
  const free = fitPlatt(margin, y);
  assert.ok(free.a < 0, `free slope ${free.a}`);
  const held = fitPlattIncreasing(margin, y);
  assert.equal(held.a, 0);
  // σ(b) = the mean of Platt's targets: 3 × 4/5 + 7 × 1/9, over 10.
  const mean = (3 * (4 / 5) + 7 * (1 / 9)) / 10;
  assert.ok(Math.abs(applyPlatt(held, 5) - mean) < 1e-12);
  assert.ok(Math.abs(applyPlatt(held, -5) - mean) < 1e-12, "the same for every row");
  // Rows that rank forward keep the free fit exactly.
  const forward = y.slice().reverse();
  assert.deepEqual(fitPlattIncreasing(margin, forward), fitPlatt(margin, forward));
});

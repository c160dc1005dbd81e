// Platt scaling against scikit-learn's _sigmoid_calibration. sklearn stops BFGS at its own
// gradient tolerance, so the parameters agree to about 1e-4 rather than to the last bit; the
// calibrated probabilities are compared at 1e-4.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { PACKAGE_ROOT } from "../../src/core/version.js";
import { applyPlatt, fitPlatt } from "../../src/train/platt.js";

const fixture = JSON.parse(readFileSync(`${PACKAGE_ROOT}/test/fixtures/train/platt.json`, "utf8")) as {
  cases: { margin: number[]; y: number[]; a: number; b: number }[];
};

test("fitPlatt matches scikit-learn's sigmoid calibration", () => {
  for (const c of fixture.cases) {
    const m = fitPlatt(c.margin, c.y);
    assert.ok(Math.abs(m.a - c.a) < 1e-3 * (1 + Math.abs(c.a)), `a ${m.a} vs ${c.a}`);
    assert.ok(Math.abs(m.b - c.b) < 1e-3 * (1 + Math.abs(c.b)), `b ${m.b} vs ${c.b}`);
    for (const x of [-3, -1, 0, 0.5, 2]) {
      const p = applyPlatt(m, x);
      const q = 1 / (1 + Math.exp(c.a * x + c.b));
      assert.ok(Math.abs(p - q) < 1e-4, `p(${x}) ${p} vs ${q}`);
    }
  }
});

test("Platt keeps the ranking (strictly monotone) and maps margins into [0, 1]", () => {
  const c = fixture.cases[1];
  const m = fitPlatt(c.margin, c.y);
  assert.ok(m.a < 0, "higher margin, higher probability");
  let prev = -1;
  for (let x = -6; x <= 6; x += 0.5) {
    const p = applyPlatt(m, x);
    assert.ok(p > prev && p >= 0 && p <= 1);
    prev = p;
  }
});

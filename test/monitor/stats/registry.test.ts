import assert from "node:assert/strict";
import { test } from "node:test";
import {
  chooseTest,
  defaultTest,
  getStatTest,
  isDrifted,
  runStatTest,
  TEST_NAMES,
} from "../../../src/monitor/stats/index.js";

test("every test is registered with its kinds, default threshold and score kind", () => {
  const table = Object.fromEntries(
    TEST_NAMES.map((n) => {
      const t = getStatTest(n);
      return [n, [t.kinds.join("+"), t.defaultThreshold, t.scoreKind]];
    }),
  );
  assert.deepEqual(table, {
    ks: ["numeric", 0.05, "p_value"],
    chisquare: ["categorical", 0.05, "p_value"],
    ztest: ["categorical", 0.05, "p_value"],
    wasserstein: ["numeric", 0.1, "distance"],
    psi: ["numeric+categorical", 0.1, "distance"],
    jensenshannon: ["numeric+categorical", 0.1, "distance"],
  });
  assert.throws(() => getStatTest("anderson"), {
    code: "MW_BAD_INPUT",
    message: /unknown drift test "anderson"/,
  });
});

test("p-values drift below the threshold, distances at or above it", () => {
  assert.equal(isDrifted(getStatTest("ks"), 0.049, 0.05), true);
  assert.equal(isDrifted(getStatTest("ks"), 0.05, 0.05), false);
  assert.equal(isDrifted(getStatTest("psi"), 0.1, 0.1), true);
  assert.equal(isDrifted(getStatTest("psi"), 0.0999, 0.1), false);
  assert.equal(isDrifted(getStatTest("wasserstein"), Number.NaN, 0.1), false);
});

test("results carry the resolved test and threshold; p_value only where the test has one", () => {
  const r = { kind: "numeric" as const, sorted: Float64Array.of(1, 2, 3, 4, 5, 6) };
  const c = { kind: "numeric" as const, sorted: Float64Array.of(4, 5, 6, 7, 8, 9) };
  const ks = runStatTest("ks", r, c);
  assert.equal(ks.test, "ks");
  assert.equal(ks.threshold, 0.05);
  assert.equal(ks.p_value, ks.score);
  const w = runStatTest("wasserstein", r, c, 0.5);
  assert.equal(w.threshold, 0.5);
  assert.equal("p_value" in w, false);
  assert.equal(w.drifted, true);
  assert.throws(() => runStatTest("ks", { kind: "categorical", counts: new Map([["a", 1]]) }, c), {
    code: "MW_BAD_INPUT",
  });
});

test("Evidently's default choice by reference size, kind and distinct values", () => {
  assert.equal(defaultTest("numeric", 1000, 6), "ks");
  assert.equal(defaultTest("numeric", 1000, 5), "chisquare");
  assert.equal(defaultTest("numeric", 1000, 2), "ztest");
  assert.equal(defaultTest("categorical", 800, 3), "chisquare");
  assert.equal(defaultTest("categorical", 800, 2), "ztest");
  assert.equal(defaultTest("numeric", 1001, 6), "wasserstein");
  assert.equal(defaultTest("numeric", 1001, 5), "jensenshannon");
  assert.equal(defaultTest("categorical", 5000, 3), "jensenshannon");
});

test("overrides: per feature wins, a global test applies only where its kind fits", () => {
  assert.equal(chooseTest("torque", "numeric", 100, 50, { test: "psi" }), "psi");
  assert.equal(chooseTest("type", "categorical", 100, 3, { test: "ks" }), "chisquare");
  assert.equal(
    chooseTest("torque", "numeric", 100, 50, { test: "psi", tests: { torque: "wasserstein" } }),
    "wasserstein",
  );
  assert.throws(() => chooseTest("type", "categorical", 100, 3, { tests: { type: "ks" } }), {
    code: "MW_BAD_INPUT",
    message: /feature "type" is categorical; test "ks"/,
  });
});

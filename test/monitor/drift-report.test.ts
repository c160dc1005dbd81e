import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  type Columns,
  driftReport,
  featureDrift,
  labelDrift,
  predictionDrift,
} from "../../src/monitor/drift-report.js";
import { type CategoricalSpec, genCategorical, genNumeric, type NumericSpec, num } from "./stats/gen.js";

interface ReportFeature {
  reference: NumericSpec | CategoricalSpec;
  current: NumericSpec | CategoricalSpec;
  test: string;
  statistic: number | string;
  p_value: number | string;
}
const fx = JSON.parse(readFileSync("test/fixtures/drift/cases.json", "utf8")) as {
  report: Record<string, ReportFeature>;
};

function columns(side: "reference" | "current"): Columns {
  const out: Columns = {};
  for (const [name, f] of Object.entries(fx.report)) {
    const spec = f[side];
    out[name] = "categories" in spec ? genCategorical(spec) : genNumeric(spec);
  }
  return out;
}

test("a whole report picks Evidently's tests and matches scipy per feature", () => {
  const report = driftReport(columns("reference"), columns("current"));
  assert.equal(report.features.length, 5);
  for (const f of report.features) {
    const want = fx.report[f.feature];
    assert.equal(f.test, want.test, f.feature);
    assert.ok(Math.abs(f.statistic - num(want.statistic)) <= 1e-6, `${f.feature} statistic`);
    assert.ok(Math.abs((f.p_value ?? Number.NaN) - num(want.p_value)) <= 1e-6, `${f.feature} p-value`);
    assert.equal(f.drifted, num(want.p_value) < 0.05, `${f.feature} verdict`);
    assert.equal(f.threshold, 0.05);
  }
  const drifted = report.features.filter((f) => f.drifted).length;
  assert.equal(report.drift_share, drifted / 5);
  assert.equal(report.dataset_drift, drifted / 5 >= 0.5);
  assert.equal(report.share_threshold, 0.5);
  // The JSON scripts read: these keys, in this order, and p_value only for tests with one.
  const json = JSON.parse(JSON.stringify(report));
  assert.deepEqual(Object.keys(json), ["dataset_drift", "drift_share", "share_threshold", "features"]);
  assert.deepEqual(Object.keys(json.features[0]).slice(0, 9), [
    "feature",
    "kind",
    "test",
    "statistic",
    "p_value",
    "score",
    "threshold",
    "drifted",
    "n_reference",
  ]);
});

test("dataset drift at a drifted share of exactly 0.5", () => {
  const base = Float64Array.from({ length: 200 }, (_, i) => i / 10);
  const moved = base.map((v) => v + 100);
  const r = driftReport({ a: base, b: base }, { a: base, b: moved });
  assert.equal(r.drift_share, 0.5);
  assert.equal(r.dataset_drift, true);
  const none = driftReport({ a: base, b: base }, { a: base, b: base });
  assert.equal(none.dataset_drift, false);
  assert.equal(none.features[0].p_value, 1);
});

test("--test forces one test where it applies; thresholds per feature; histograms share bins", () => {
  const ref = {
    t: genNumeric({ seed: 1, n: 400, loc: 300, scale: 4, decimals: 1 }),
    k: ["L", "M", "H", "L"],
  };
  const cur = {
    t: genNumeric({ seed: 2, n: 300, loc: 301, scale: 4, decimals: 1 }),
    k: ["L", "L", "M", "M"],
  };
  const r = driftReport(ref, cur, { test: "wasserstein", thresholds: { t: 0.2 } });
  const [t, k] = r.features;
  assert.equal(t.test, "wasserstein");
  assert.equal(t.threshold, 0.2);
  assert.equal("p_value" in t, false);
  assert.equal(k.test, "chisquare", "wasserstein does not apply to a categorical column");
  assert.equal(t.histogram.edges?.length, 31);
  assert.equal(t.histogram.labels.length, 30);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(sum(t.histogram.reference) - 1) < 1e-12);
  assert.ok(Math.abs(sum(t.histogram.current) - 1) < 1e-12);
  assert.deepEqual(k.histogram.labels, ["H", "L", "M"]);
  assert.deepEqual(k.histogram.current, [0, 0.5, 0.5]);
});

test("bad input names the column", () => {
  const a = Float64Array.of(1, 2, 3);
  assert.throws(() => driftReport({ a }, {}), { code: "MW_BAD_INPUT", message: /no column "a"/ });
  assert.throws(() => driftReport({ a }, { a: ["x"] }), { code: "MW_BAD_INPUT", message: /"a" is numeric/ });
  assert.throws(() => featureDrift("a", Float64Array.of(Number.NaN), a), {
    code: "MW_BAD_INPUT",
    message: /reference column "a" has no values/,
  });
});

test("missing values are dropped before testing", () => {
  const clean = featureDrift("x", Float64Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(2, 3, 4, 5, 6, 7));
  const dirty = featureDrift(
    "x",
    Float64Array.of(1, 2, Number.NaN, 3, 4, 5, 6),
    Float64Array.of(2, 3, 4, 5, 6, 7),
  );
  assert.equal(dirty.p_value, clean.p_value);
  assert.equal(dirty.n_reference, 6);
});

test("prediction drift on probabilities and label drift on the failure rate", () => {
  const ref = Float64Array.from({ length: 500 }, (_, i) => (i % 97) / 100);
  const cur = ref.map((p) => Math.min(1, p + 0.2));
  const p = predictionDrift(ref, cur);
  assert.equal(p.feature, "prediction");
  assert.equal(p.test, "ks");
  assert.equal(p.drifted, true);

  const refLabels = Array.from({ length: 900 }, (_, i) => (i % 30 === 0 ? 1 : 0));
  const curLabels = Array.from({ length: 700 }, (_, i) => (i % 10 === 0 ? 1 : i % 2 === 1 ? Number.NaN : 0));
  const l = labelDrift(refLabels, curLabels);
  assert.equal(l.feature, "label");
  assert.equal(l.test, "ztest");
  assert.ok(l.statistic < 0, "the current failure rate is higher");
  assert.equal(l.drifted, true);
  assert.ok(l.n_current < 700, "unlabelled (NaN) rows are not counted");
});

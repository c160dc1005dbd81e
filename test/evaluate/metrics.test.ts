// Known answers from scikit-learn 1.2.1 (test/fixtures/make_evaluate.py → test/fixtures/evaluate/sklearn.json).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import {
  averagePrecision,
  brier,
  confusion,
  evaluateBinary,
  modeRecall,
  predictAt,
  prCurve,
  rocAuc,
  rocCurve,
} from "../../src/evaluate/index.js";

const TOL = 1e-9;

interface Case {
  name: string;
  y: number[];
  score: number[];
  threshold: number;
  roc_auc: number;
  pr_auc: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  brier: number;
  confusion_matrix: { tp: number; fp: number; tn: number; fn: number };
  roc_curve?: { fpr: number[]; tpr: number[]; thresholds: number[] };
  pr_curve?: { precision: number[]; recall: number[]; thresholds: number[] };
  modes?: Record<string, number[]>;
  mode_recall?: Record<string, { recall: number | null; n: number }>;
}

const fixture = JSON.parse(readFileSync("test/fixtures/evaluate/sklearn.json", "utf8")) as { cases: Case[] };

function close(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null, `${what}: got null, expected ${expected}`);
  assert.ok(Math.abs(actual - expected) <= TOL, `${what}: got ${actual}, expected ${expected}`);
}

function closeArray(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], `${what}[${i}]`);
}

test("fixture covers the required shapes", () => {
  const names = fixture.cases.map((c) => c.name);
  for (const n of ["random_10", "random_2000", "ties_grid", "all_tied", "imbalanced_3pct"]) {
    assert.ok(names.includes(n), n);
  }
});

for (const c of fixture.cases) {
  test(`sklearn known answers: ${c.name} (n=${c.y.length})`, () => {
    close(rocAuc(c.y, c.score), c.roc_auc, "roc_auc");
    close(averagePrecision(c.y, c.score), c.pr_auc, "average_precision");
    const e = evaluateBinary(c.y, c.score, c.threshold);
    close(e.roc_auc, c.roc_auc, "evaluate.roc_auc");
    close(e.pr_auc, c.pr_auc, "evaluate.pr_auc");
    close(e.precision, c.precision, "precision");
    close(e.recall, c.recall, "recall");
    close(e.f1, c.f1, "f1");
    close(e.accuracy, c.accuracy, "accuracy");
    close(e.brier, c.brier, "brier");
    assert.deepEqual(e.confusion_matrix, c.confusion_matrix);
    assert.equal(e.n, c.y.length);
    assert.equal(e.positives, c.confusion_matrix.tp + c.confusion_matrix.fn);
    assert.equal(e.threshold, c.threshold);
    if (c.roc_curve) {
      const r = rocCurve(c.y, c.score)!;
      closeArray(r.fpr, c.roc_curve.fpr, "roc fpr");
      closeArray(r.tpr, c.roc_curve.tpr, "roc tpr");
      closeArray(r.thresholds, c.roc_curve.thresholds, "roc thresholds");
    }
    if (c.pr_curve) {
      const r = prCurve(c.y, c.score)!;
      closeArray(r.precision, c.pr_curve.precision, "pr precision");
      closeArray(r.recall, c.pr_curve.recall, "pr recall");
      closeArray(r.thresholds, c.pr_curve.thresholds, "pr thresholds");
    }
    if (c.modes && c.mode_recall) {
      const got = modeRecall(c.modes, predictAt(c.score, c.threshold));
      assert.deepEqual(Object.keys(got).sort(), Object.keys(c.mode_recall).sort());
      for (const [mode, want] of Object.entries(c.mode_recall)) {
        assert.equal(got[mode].n, want.n, `${mode}.n`);
        if (want.recall === null) assert.equal(got[mode].recall, null, `${mode}.recall`);
        else close(got[mode].recall, want.recall, `${mode}.recall`);
      }
    }
  });
}

test("all-tied scores: ROC-AUC 0.5 and AP equal to the prevalence", () => {
  const y = [1, 0, 0, 1, 0];
  assert.equal(rocAuc(y, [0.3, 0.3, 0.3, 0.3, 0.3]), 0.5);
  close(averagePrecision(y, [0.3, 0.3, 0.3, 0.3, 0.3]), 0.4, "ap");
});

test("one class only: ranking metrics and curves are null, never NaN", () => {
  for (const y of [
    [0, 0, 0],
    [1, 1, 1],
  ]) {
    const p = [0.1, 0.5, 0.9];
    assert.equal(rocAuc(y, p), null);
    assert.equal(averagePrecision(y, p), null);
    assert.equal(rocCurve(y, p), null);
    assert.equal(prCurve(y, p), null);
    const e = evaluateBinary(y, p, 0.5);
    assert.equal(e.roc_auc, null);
    assert.equal(e.pr_auc, null);
    assert.ok(!Number.isNaN(e.precision) && !Number.isNaN(e.recall) && !Number.isNaN(e.f1));
    assert.ok(!JSON.stringify(e).includes("NaN"));
  }
});

test("zero_division=0: no predicted positives gives precision 0 and F1 0", () => {
  const e = evaluateBinary([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], 0.9);
  assert.deepEqual(e.confusion_matrix, { tp: 0, fp: 0, tn: 2, fn: 2 });
  assert.equal(e.precision, 0);
  assert.equal(e.recall, 0);
  assert.equal(e.f1, 0);
  assert.equal(e.accuracy, 0.5);
});

test("the prediction rule is p >= threshold (equality predicts a failure)", () => {
  assert.deepEqual(confusion([1, 0], predictAt([0.5, 0.5], 0.5)), { tp: 1, fp: 1, tn: 0, fn: 0 });
});

test("brier by hand", () => {
  close(brier([1, 0, 1], [0.9, 0.2, 0.4]), (0.01 + 0.04 + 0.36) / 3, "brier");
});

test("bad input is rejected with the argument and index named", () => {
  assert.throws(() => rocAuc([0, 1], [0.1]), { code: "MW_BAD_INPUT", message: /score has 1/ });
  assert.throws(() => rocAuc([0, 2], [0.1, 0.2]), { code: "MW_BAD_INPUT", message: /y\[1\] is 2/ });
  assert.throws(() => averagePrecision([0, 1], [0.1, Number.NaN]), { message: /score\[1\] is NaN/ });
  assert.throws(() => evaluateBinary([0, 1], [0.1, 1.5], 0.5), { message: /p\[1\] is 1.5/ });
  assert.throws(() => modeRecall({ twf: [1] }, [1, 0]), { message: /mode twf has 1 labels/ });
});

test("property: ROC-AUC equals the Mann–Whitney probability P(s+ > s−) + ½ P(s+ = s−), ties included", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 6 })), {
        minLength: 2,
        maxLength: 40,
      }),
      (rows) => {
        const y = rows.map((r) => r[0]);
        const s = rows.map((r) => r[1] / 6); // few distinct values: ties everywhere
        let pairs = 0;
        let wins = 0;
        for (let i = 0; i < y.length; i++) {
          for (let j = 0; j < y.length; j++) {
            if (y[i] === 1 && y[j] === 0) {
              pairs++;
              wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
            }
          }
        }
        const auc = rocAuc(y, s);
        if (pairs === 0) return auc === null;
        return auc !== null && Math.abs(auc - wins / pairs) < 1e-12;
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

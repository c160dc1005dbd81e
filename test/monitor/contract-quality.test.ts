import assert from "node:assert/strict";
import { test } from "node:test";
import { averagePrecision } from "../../src/evaluate/ranking.js";
import { labelWords } from "../../src/cli/commands/monitor.js";
import { qualityOf, realisedQuality } from "../../src/monitor/contract-quality.js";

const H = 24;

test("a reading's label is a failure of its machine in (t, t + horizon], known once a failure falls in it or the machine is seen past it", () => {
  const scored = [
    { machine: "A", time: 0, p: 0.9 }, // A fails at 10: positive
    { machine: "A", time: 10, p: 0.2 }, // the failure at 10 is not in (10, 34]: negative
    { machine: "A", time: 40, p: 0.1 }, // A seen until 60 < 64: unknown, left out
    { machine: "B", time: 0, p: 0.6 }, // B never fails: negative
    { machine: "B", time: 5, p: 0.05 }, // negative
    { machine: "C", time: 0, p: 0.5 }, // C fails at 24 exactly: positive (t + h is inside)
    { machine: "D", time: 0, p: 0.7 }, // D fails at 12, seen only until 12: a known positive already
  ];
  const q = realisedQuality(
    scored,
    [
      { machine: "A", time: 10 },
      { machine: "C", time: 24 },
      { machine: "D", time: 12 },
    ],
    H,
    new Map([
      ["A", 60],
      ["B", 100],
      ["C", 30],
      ["D", 12],
    ]),
    0.5,
  );
  assert.equal(q.n, 6);
  assert.equal(q.positives, 3);
  assert.equal(q.failures, 3);
  // Flagged at 0.5: A@0 (tp), B@0 (fp), C@0 (tp), D@0 (tp).
  assert.equal(q.recall, 1);
  assert.equal(q.precision, 3 / 4);
  assert.equal(q.f1, (2 * 1 * (3 / 4)) / (1 + 3 / 4));
  // Right: A@0, A@10, B@5, C@0, D@0; wrong: B@0 (a false alarm).
  assert.equal(q.accuracy, 5 / 6);
  assert.equal(q.pr_auc, averagePrecision([1, 0, 0, 0, 1, 1], [0.9, 0.2, 0.6, 0.05, 0.5, 0.7]));
});

test("one class only: no PR-AUC, said as null, never NaN", () => {
  const q = realisedQuality([{ machine: "A", time: 0, p: 0.3 }], [], H, new Map([["A", 50]]), 0.5);
  assert.deepEqual(q, {
    n: 1,
    positives: 0,
    failures: 0,
    pr_auc: null,
    roc_auc: null,
    recall: null,
    precision: null,
    f1: null,
    accuracy: 1,
  });
});

test("F1 is scikit-learn's f1_score: 0 when nothing is flagged and failures happened (trial 8: it vanished), absent with no failure", () => {
  // sklearn.metrics.f1_score([1, 1, 0, 0, 1], [1, 0, 1, 0, 0]) = 0.4: tp 1, fp 1, fn 2.
  const some = qualityOf([1, 1, 0, 0, 1], [0.9, 0.1, 0.8, 0.2, 0.3], 0.5);
  assert.ok(Math.abs((some.f1 as number) - 0.4) < 1e-12, String(some.f1));
  // f1_score([1, 0, 1], [0, 0, 0]) = 0.0 (no zero division: 2·tp + fp + fn = 2); precision is undefined.
  const none = qualityOf([1, 0, 1], [0.1, 0.2, 0.3], 0.5);
  assert.equal(none.f1, 0);
  assert.equal(none.precision, null);
  assert.equal(none.recall, 0);
  // No failure in the window: nothing to find, F1 absent as recall is (not a 0 that fires the alert).
  assert.equal(qualityOf([0, 0], [0.9, 0.1], 0.5).f1, null);
});

test("failures are the failure events behind the positive rows, each once, not the positive rows (trial 3, F4)", () => {
  // Hourly readings and a 24 h horizon: one failure makes up to 24 positive rows.
  const scored: { machine: string; time: number; p: number }[] = [];
  for (let t = 0; t < 100; t++)
    scored.push({ machine: "A", time: t, p: 0.5 }, { machine: "B", time: t, p: 0.5 });
  const q = realisedQuality(
    scored,
    [
      { machine: "A", time: 30 }, // rows 6-29 positive
      { machine: "A", time: 40 }, // rows 16-39: overlaps the first's, still a failure of its own
      { machine: "B", time: 50 }, // rows 26-49
      { machine: "B", time: 50 }, // two parts failing at once: two failures, as training counts them
      { machine: "C", time: 10 }, // C sent no reading: no positive row, not counted
      { machine: "A", time: 500 }, // beyond every reading's horizon: not counted
    ],
    H,
    new Map([
      ["A", 200],
      ["B", 200],
    ]),
    0.5,
  );
  assert.equal(q.n, 200);
  assert.equal(q.positives, 34 + 24);
  assert.equal(q.failures, 4);
});

test("monitor --once says positive rows and failures (trial 3: '209 failures' were 209 positive rows)", () => {
  const q = realisedQuality(
    [
      { machine: "A", time: 0, p: 0.9 },
      { machine: "A", time: 1, p: 0.9 },
    ],
    [{ machine: "A", time: 5 }],
    H,
    new Map([["A", 50]]),
    0.5,
  );
  assert.equal(labelWords(q), "2 positive rows, 1 failure");
  assert.equal(labelWords({ ...q, positives: 1, failures: 1 }), "1 positive row, 1 failure");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluateBinary, lastN, realisedQuality, sinceTime } from "../../src/evaluate/index.js";

const opts = { minLabels: 4, minPositives: 2 };

test("ok window: metrics agree with evaluateBinary", () => {
  const y = [1, 0, 1, 0, 0, 1];
  const p = [0.9, 0.6, 0.4, 0.2, 0.1, 0.7];
  const q = realisedQuality(y, p, 0.5, opts);
  const e = evaluateBinary(y, p, 0.5);
  assert.equal(q.status, "ok");
  if (q.status !== "ok") return;
  assert.equal(q.n, 6);
  assert.equal(q.positives, 3);
  assert.equal(q.precision, e.precision);
  assert.equal(q.recall, e.recall);
  assert.equal(q.f1, e.f1);
  assert.equal(q.accuracy, e.accuracy);
  assert.equal(q.roc_auc, e.roc_auc);
  assert.equal(q.pr_auc, e.pr_auc);
  // tp=2 (0.9, 0.7), fp=1 (0.6), fn=1 (0.4)
  assert.equal(q.precision, 2 / 3);
  assert.equal(q.recall, 2 / 3);
});

test("too few labels, too few failures, or only failures: not_enough_data with a reason", () => {
  const few = realisedQuality([1, 0, 1], [0.9, 0.1, 0.8], 0.5, opts);
  assert.deepEqual(few, {
    status: "not_enough_data",
    n: 3,
    positives: 2,
    reason: "3 labels in the window, need at least 4",
  });
  const noPos = realisedQuality([0, 0, 0, 0], [0.9, 0.1, 0.8, 0.2], 0.5, { minLabels: 1, minPositives: 0 });
  assert.equal(noPos.status, "not_enough_data");
  assert.match((noPos as { reason: string }).reason, /0 failures among 4 labels, need at least 1/);
  const allPos = realisedQuality([1, 1, 1, 1], [0.9, 0.1, 0.8, 0.2], 0.5, opts);
  assert.equal(allPos.status, "not_enough_data");
  for (const q of [few, noPos, allPos]) assert.ok(!("recall" in q) && !JSON.stringify(q).includes("NaN"));
});

test("no alarms in the window: precision is null, not 0", () => {
  const q = realisedQuality([1, 0, 1, 0], [0.3, 0.1, 0.2, 0.1], 0.5, opts);
  assert.equal(q.status, "ok");
  if (q.status === "ok") {
    assert.equal(q.precision, null);
    assert.equal(q.recall, 0);
  }
});

test("lastN takes the most recent items of an ascending series", () => {
  assert.deepEqual(lastN([1, 2, 3, 4, 5], 2), [4, 5]);
  assert.deepEqual(lastN([1, 2], 5), [1, 2]);
  assert.deepEqual(lastN([1, 2], 0), []);
  assert.throws(() => lastN([1], -1), { code: "MW_CONFIG" });
});

test("sinceTime keeps now − window < t ≤ now", () => {
  const items = [{ time: 100 }, { time: 150 }, { time: 200 }, { time: 250 }];
  assert.deepEqual(sinceTime(items, 100, 200), [{ time: 150 }, { time: 200 }]);
  const recs = [{ predictedAt: 5 }, { predictedAt: 9 }];
  assert.deepEqual(
    sinceTime(recs, 3, 10, (r) => r.predictedAt),
    [{ predictedAt: 9 }],
  );
  assert.throws(() => sinceTime(items, -1, 0), { code: "MW_CONFIG" });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { MillwrightError } from "../../src/core/errors.js";
import { predictMargin } from "../../src/model/predict.js";
import { boosterFromJSON, boosterToJSON } from "../../src/model/serialize.js";
import { trainBooster } from "../../src/model/train.js";
import { missingData, names, xorData } from "./helpers.js";

const data = xorData(1500, 31);
const booster = trainBooster(data, {
  featureNames: names(5),
  params: { nEstimators: 15, positiveWeight: "balanced" },
});
const json = () => JSON.parse(JSON.stringify(boosterToJSON(booster)));

test("round trip: same predictions, same bytes, tagged and versioned", () => {
  const text = JSON.stringify(boosterToJSON(booster));
  const back = boosterFromJSON(JSON.parse(text), "model.json");
  assert.equal(JSON.stringify(boosterToJSON(back)), text);
  assert.deepEqual(predictMargin(back, data.X, data.nRows), predictMargin(booster, data.X, data.nRows));
  const obj = JSON.parse(text);
  assert.equal(obj.format, "millwright-gbdt");
  assert.equal(obj.formatVersion, 2);
  assert.deepEqual(Object.keys(obj), [
    "format",
    "formatVersion",
    "nFeatures",
    "featureNames",
    "baseScore",
    "bestIteration",
    "params",
    "trees",
  ]);
  assert.deepEqual(Object.keys(obj.trees[0]), [
    "feature",
    "threshold",
    "left",
    "right",
    "value",
    "cover",
    "gain",
    "missingLeft",
  ]);
});

const corruptions: [string, (o: ReturnType<typeof json>) => void, RegExp][] = [
  ["trees not an array", (o) => Object.assign(o, { trees: 5 }), /trees is not an array/],
  ["wrong format tag", (o) => Object.assign(o, { format: "xgboost" }), /format is "xgboost"/],
  ["future version", (o) => Object.assign(o, { formatVersion: 3 }), /formatVersion 3 is not supported/],
  ["child out of range", (o) => (o.trees[0].left[0] = 999), /trees\[0\]\.left\[0\] = 999/],
  ["child pointing backwards", (o) => (o.trees[1].right[0] = 0), /trees\[1\]\.right\[0\] = 0/],
  ["array length mismatch", (o) => o.trees[2].value.pop(), /trees\[2\]\.value has \d+ entries, expected \d+/],
  ["non-finite threshold", (o) => (o.trees[0].threshold[0] = null), /trees\[0\]\.threshold\[0\] = null/],
  ["feature out of range", (o) => (o.trees[0].feature[0] = 5), /trees\[0\]\.feature\[0\] = 5/],
  ["negative cover", (o) => (o.trees[0].cover[1] = -1), /cover\[1\] = -1 is negative/],
  ["shared child", (o) => (o.trees[0].right[0] = o.trees[0].left[0]), /same left and right child/],
  ["bad params", (o) => (o.params.maxBins = 999), /params\.maxBins = 999/],
  ["feature names", (o) => o.featureNames.pop(), /featureNames must be 5 strings/],
  ["bestIteration", (o) => (o.bestIteration = 3), /bestIteration 3 but 15 trees/],
  [
    "missingLeft absent in version 2",
    (o) => delete o.trees[1].missingLeft,
    /trees\[1\]\.missingLeft is not an array/,
  ],
  [
    "missingLeft not 0 or 1",
    (o) => (o.trees[0].missingLeft[0] = 2),
    /trees\[0\]\.missingLeft\[0\] = 2 is not an integer in \[0, 1\]/,
  ],
  [
    "missingLeft on a leaf",
    (o) => (o.trees[0].missingLeft[o.trees[0].missingLeft.length - 1] = 1),
    /missingLeft\[\d+\] = 1 is not an integer in \[0, 0\]/,
  ],
  [
    "missingLeft length",
    (o) => o.trees[0].missingLeft.push(0),
    /trees\[0\]\.missingLeft has \d+ entries, expected \d+/,
  ],
  [
    "missingLeft in version 1",
    (o) => (o.formatVersion = 1),
    /trees\[0\]\.missingLeft is not allowed in formatVersion 1/,
  ],
];

for (const [name, corrupt, message] of corruptions) {
  test(`corrupt model rejected: ${name}`, () => {
    const o = json();
    corrupt(o);
    assert.throws(
      () => boosterFromJSON(o, "models/1.2.0/model.json"),
      (e: unknown) =>
        e instanceof MillwrightError &&
        e.code === "MW_MODEL_CORRUPT" &&
        e.message.startsWith("models/1.2.0/model.json: ") &&
        message.test(e.message),
    );
  });
}

test("non-object input is rejected", () => {
  for (const bad of [null, [], "x", 3])
    assert.throws(() => boosterFromJSON(bad, "m.json"), { code: "MW_MODEL_CORRUPT" });
});

test("round trip of a model trained on NaN: missingLeft kept, NaN rows predict the same", () => {
  const d = missingData(1500, 41, "low", 0.3, 0.2);
  const b = trainBooster(d, { featureNames: names(3), params: { nEstimators: 10 } });
  const text = JSON.stringify(boosterToJSON(b));
  const back = boosterFromJSON(JSON.parse(text), "model.json");
  assert.equal(JSON.stringify(boosterToJSON(back)), text);
  for (const [i, t] of back.trees.entries()) assert.deepEqual(t.missingLeft, b.trees[i].missingLeft);
  assert.ok(back.trees.some((t) => t.missingLeft.includes(1)));
  assert.deepEqual(predictMargin(back, d.X, d.nRows), predictMargin(b, d.X, d.nRows));
});

test("a version 1 file (no missingLeft) loads and sends NaN right at every split, as it did", () => {
  const o = json();
  o.formatVersion = 1;
  for (const t of o.trees) delete t.missingLeft;
  const old = boosterFromJSON(o, "old.json");
  for (const t of old.trees) assert.ok(t.missingLeft.every((v) => v === 0));
  // Saved again it becomes version 2 with missingLeft all zero: same predictions.
  const again = JSON.parse(JSON.stringify(boosterToJSON(old)));
  assert.equal(again.formatVersion, 2);
  assert.ok(again.trees.every((t: { missingLeft: number[] }) => t.missingLeft.every((v) => v === 0)));
  // Rows with NaN: every split on a NaN feature takes the right child, the pre-NaN rule.
  const X = data.X.slice(0, 200 * 5);
  for (let k = 0; k < X.length; k += 3) X[k] = Number.NaN;
  const got = predictMargin(old, X, 200);
  for (let i = 0; i < 200; i++) {
    let s = old.baseScore;
    for (const t of old.trees) {
      let n = 0;
      while (t.left[n] >= 0) n = X[i * 5 + t.feature[n]] <= t.threshold[n] ? t.left[n] : t.right[n];
      s += t.value[n];
    }
    assert.equal(got[i], s, `row ${i}`);
  }
});

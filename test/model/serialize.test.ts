import assert from "node:assert/strict";
import { test } from "node:test";
import { MillwrightError } from "../../src/core/errors.js";
import { predictMargin } from "../../src/model/predict.js";
import { boosterFromJSON, boosterToJSON } from "../../src/model/serialize.js";
import { trainBooster } from "../../src/model/train.js";
import { names, xorData } from "./helpers.js";

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
  assert.equal(obj.formatVersion, 1);
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
  ]);
});

const corruptions: [string, (o: ReturnType<typeof json>) => void, RegExp][] = [
  ["trees not an array", (o) => Object.assign(o, { trees: 5 }), /trees is not an array/],
  ["wrong format tag", (o) => Object.assign(o, { format: "xgboost" }), /format is "xgboost"/],
  ["future version", (o) => Object.assign(o, { formatVersion: 2 }), /formatVersion 2 is not supported/],
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

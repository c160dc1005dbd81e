// The heads and threshold of a stored model file, shared by both model kinds: what is written reads
// back the same, and every broken part is refused with MW_MODEL_CORRUPT naming the file.
import assert from "node:assert/strict";
import { test } from "node:test";
import { predictMargin } from "../../src/model/predict.js";
import { trainBooster } from "../../src/model/train.js";
import { badModelFile, headsFromJSON, headsToJSON, thresholdFromJSON } from "../../src/train/stored-heads.js";
import { names, xorData } from "../model/helpers.js";

const data = xorData(600, 7);
const booster = trainBooster(data, { featureNames: names(5), params: { nEstimators: 5 } });
const heads = { machine_failure: { booster, calibration: { a: 1.5, b: -0.25 } }, twf: null };
const stored = () => JSON.parse(JSON.stringify(headsToJSON(["machine_failure", "twf"], heads)));
const bad = badModelFile("models/v1/model.json");
const corrupt = (why: RegExp) => ({ code: "MW_MODEL_CORRUPT", message: why });

test("heads round trip: same calibration, same predictions, a mode without a head stays null", () => {
  const back = headsFromJSON(stored(), ["machine_failure", "twf"], 5, "model.json", bad);
  assert.equal(back.twf, null);
  const h = back.machine_failure;
  assert.ok(h);
  assert.deepEqual(h.calibration, { a: 1.5, b: -0.25 });
  assert.deepEqual(predictMargin(h.booster, data.X, data.nRows), predictMargin(booster, data.X, data.nRows));
  assert.equal(stored().machine_failure.calibration.method, "platt");
});

test("a broken head is refused, naming the file and the head", () => {
  const names2 = ["machine_failure", "twf"];
  const noMain = { ...stored(), machine_failure: null };
  assert.throws(
    () => headsFromJSON(noMain, names2, 5, "f", bad),
    corrupt(/^models\/v1\/model.json: head 'machine_failure' missing/),
  );
  const nanCalibration = stored();
  nanCalibration.machine_failure.calibration.a = "NaN";
  assert.throws(
    () => headsFromJSON(nanCalibration, names2, 5, "f", bad),
    corrupt(/calibration missing or not finite/),
  );
  assert.throws(
    () => headsFromJSON(stored(), names2, 9, "f", bad),
    corrupt(/expects 5 features, the model has 9/),
  );
  assert.throws(() => headsFromJSON(undefined, names2, 5, "f", bad), corrupt(/heads missing/));
});

test("a threshold must be a probability", () => {
  assert.deepEqual(thresholdFromJSON({ value: 0.3, method: "f1" }, bad), { value: 0.3, method: "f1" });
  for (const t of [undefined, { value: 1.5 }, { value: "0.3" }, { method: "f1" }])
    assert.throws(() => thresholdFromJSON(t, bad), corrupt(/threshold missing or outside 0–1/));
});

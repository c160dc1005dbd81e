// Learning where NaN goes must not change a single bit of the trees trained on data without NaN
// (the AI4I path has none): the missing bin is only allocated for features that have NaN, so the
// histograms, the split search and the partition do exactly what they did before. These digests
// were taken with the trainer before missing-value support (commit ca1bfdd) and pin every field
// that existed then; `missingLeft` is new and deliberately left out of the digest.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { simulateFleet } from "../../src/data/simulate.js";
import { FEATURE_NAMES, featureMatrix } from "../../src/features/physics.js";
import { trainBooster } from "../../src/model/train.js";
import type { Booster } from "../../src/model/types.js";
import { names, xorData } from "./helpers.js";

const PRE_NAN_KEYS = ["feature", "threshold", "left", "right", "value", "cover", "gain"] as const;

/** sha256 over the base score and the pre-NaN fields of every tree, as exact doubles. */
function digest(b: Booster): string {
  const h = createHash("sha256");
  h.update(new Float64Array([b.baseScore, b.trees.length]));
  for (const t of b.trees) {
    for (const k of PRE_NAN_KEYS) {
      const a = t[k] as ArrayLike<number>;
      h.update(Float64Array.from(a));
    }
  }
  return h.digest("hex");
}

function xorModel(): Booster {
  const train = xorData(3000, 41, 6);
  const valid = xorData(800, 42, 6);
  return trainBooster(train, {
    featureNames: names(6),
    params: { maxBins: 64, positiveWeight: "balanced" },
    valid: { X: valid.X, nRows: valid.nRows, y: valid.y },
  });
}

function fleetModel(): Booster {
  const rows = simulateFleet({ machines: 10, days: 20, seed: 3 });
  const fm = featureMatrix(rows);
  const y = Uint8Array.from(rows, (r) => r.machine_failure);
  return trainBooster(
    { X: fm.data, nRows: fm.nRows, nCols: fm.nCols, y },
    { featureNames: [...FEATURE_NAMES], params: { nEstimators: 40 } },
  );
}

test("trees trained without NaN are bit-identical to the pre-missing-value trainer", () => {
  assert.equal(digest(xorModel()), "019ca083e5c4bc9abb4f093687aa4235b87267cb8be14298df0651e346fd98f1");
  assert.equal(digest(fleetModel()), "f8c76b3f42d85a2c1973bb938c940b9f501d30c46021e14c3af64c204861113c");
});

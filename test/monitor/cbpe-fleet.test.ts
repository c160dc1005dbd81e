// Estimated quality (CBPE) against realised quality on simulated data without concept drift: the
// served model's calibrated probabilities predict its own F1 within ±0.05 on fresh windows.
import assert from "node:assert/strict";
import { test } from "node:test";
import { simulateFleet } from "../../src/data/simulate.js";
import { estimateCbpe } from "../../src/evaluate/cbpe.js";
import { evaluateBinary } from "../../src/evaluate/metrics.js";
import { featureMatrix } from "../../src/features/physics.js";
import { predictBundle } from "../../src/train/bundle.js";
import { trainedRegistry } from "../helpers/model.js";

test("CBPE's estimated F1 tracks realised F1 within ±0.05 on fresh, undrifted fleet data", () => {
  const fx = trainedRegistry({ machines: 24, days: 20, seed: 7 });
  try {
    const bundle = fx.registry.load("champion");
    const fresh = simulateFleet({ machines: 24, days: 30, seed: 1234, start: "2026-06-01T00:00:00Z" });
    const windowSize = 8000;
    const gaps: number[] = [];
    for (let w = 0; w + windowSize <= fresh.length; w += windowSize) {
      const rows = fresh.slice(w, w + windowSize);
      const p = predictBundle(bundle, featureMatrix(rows)).failure;
      const y = Uint8Array.from(rows, (r) => r.machine_failure);
      const realised = evaluateBinary(y, p, bundle.threshold.value).f1;
      const estimated = estimateCbpe(p, bundle.threshold.value).f1;
      assert.ok(estimated !== null);
      gaps.push(Math.abs(estimated - realised));
      assert.ok(
        Math.abs(estimated - realised) <= 0.05,
        `window ${w / windowSize}: estimated ${estimated.toFixed(3)} vs realised ${realised.toFixed(3)}`,
      );
    }
    assert.ok(gaps.length >= 4, "several windows checked");
  } finally {
    fx.cleanup();
  }
});

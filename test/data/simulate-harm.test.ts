// The monitoring loop's end-to-end proof needs a scenario that really hurts a model trained on
// baseline data. With the physics features a model learns the deterministic HDF/PWF/OSF rules
// almost exactly, so covariate shift alone (hot-summer, heavy-load, new-machine-model) is drift
// without much loss; what hurts is tools ending at wear the baseline never failed at.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ScenarioName } from "../../src/data/scenarios.js";
import { simulateFleet } from "../../src/data/simulate.js";
import { evaluateBinary } from "../../src/evaluate/metrics.js";
import { featureMatrix } from "../../src/features/physics.js";
import { predictBundle } from "../../src/train/bundle.js";
import { fitModel } from "../../src/train/fit.js";

test("new-tool-supplier costs a baseline-trained model much of its recall and PR-AUC", () => {
  const train = simulateFleet({ machines: 12, days: 14, seed: 7 });
  const fit = fitModel(train, { seed: 1, params: { nEstimators: 60 } });
  const bundle = fit.bundle as Parameters<typeof predictBundle>[0];
  const score = (scenario: ScenarioName | null) => {
    const rows = simulateFleet({ machines: 24, days: 7, seed: 99, scenario });
    const p = predictBundle(bundle, featureMatrix(rows)).failure;
    return evaluateBinary(
      rows.map((r) => r.machine_failure),
      p,
      bundle.threshold.value,
    );
  };
  const base = score(null);
  const tools = score("new-tool-supplier");
  assert.ok(base.recall > 0.75 && (base.pr_auc ?? 0) > 0.85, `baseline ${JSON.stringify(base)}`);
  assert.ok(tools.recall < base.recall - 0.2, `recall ${base.recall} → ${tools.recall}`);
  assert.ok((tools.pr_auc ?? 1) < (base.pr_auc ?? 0) - 0.15, `PR-AUC ${base.pr_auc} → ${tools.pr_auc}`);
  assert.ok(tools.f1 < base.f1 - 0.1, `F1 ${base.f1} → ${tools.f1}`);
});

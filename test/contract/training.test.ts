// The contract's `training:` block: GBDT parameters by the contract's names, checked with errors
// naming the key path, kept through the model file (so retraining trains with them), and used by
// the trainer (a real historian export, trained and registered in a real registry folder).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { contractFromJSON, contractToJSON } from "../../src/contract/serialize.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { readContractData } from "../../src/data/contract-data.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { historianShop } from "../helpers/historian.js";
import { CONTRACT, shopFiles, writeShop } from "./helpers.js";

function load(block: string) {
  return loadContract(writeShop(shopFiles(), `${CONTRACT}${block}`).contract).contract;
}

function refused(block: string, pattern: RegExp): void {
  assert.throws(
    () => load(block),
    (e: unknown) =>
      isMillwrightError(e) &&
      e.code === "MW_CONFIG" &&
      /shop\.yaml: /.test(e.message) &&
      pattern.test(e.message),
    pattern.source,
  );
}

test("training: the contract's names become the trainer's parameters; absent is null", () => {
  assert.equal(load("").training, null);
  const c = load(
    "training: { trees: 300, learning_rate: 0.05, max_depth: 3, max_leaves: 8, min_leaf: 200, l2: 2, max_bins: 64, early_stopping: 50, positive_weight: balanced, min_gain: 0.1 }\n",
  );
  assert.deepEqual(c.training, {
    nEstimators: 300,
    learningRate: 0.05,
    maxDepth: 3,
    maxLeaves: 8,
    minSamplesLeaf: 200,
    l2: 2,
    maxBins: 64,
    earlyStoppingRounds: 50,
    positiveWeight: "balanced",
    minGain: 0.1,
  });
  assert.deepEqual(load("training: { max_depth: 4 }\n").training, { maxDepth: 4 });
});

test("training: mistakes are errors naming the key path", () => {
  refused("training: { depth: 3 }\n", /training\.depth: unknown key \(expected one of trees, learning_rate/);
  refused(
    "training: { learning_rate: 0 }\n",
    /training\.learning_rate: must be between 0 \(excluded\) and 1, got 0/,
  );
  refused("training: { learning_rate: 2 }\n", /training\.learning_rate: must be between .* and 1, got 2/);
  refused("training: { max_depth: 2.5 }\n", /training\.max_depth: must be a whole number, got 2\.5/);
  refused("training: { trees: many }\n", /training\.trees: must be a number, got 'many'/);
  refused(
    "training: { positive_weight: lots }\n",
    /training\.positive_weight: must be a number or "balanced"/,
  );
  refused("training: { max_bins: 300 }\n", /training\.max_bins: must be between 2 and 255, got 300/);
  refused("training: [3]\n", /training: must be a mapping/);
});

test("training: kept in the model's stored contract; a version from before it reads as null", () => {
  const c = load("training: { max_depth: 3, early_stopping: 40 }\n");
  const back = contractFromJSON(JSON.parse(JSON.stringify(contractToJSON(c))), "model.json");
  assert.deepEqual(back.training, { maxDepth: 3, earlyStoppingRounds: 40 });
  const old = JSON.parse(JSON.stringify(contractToJSON(c)));
  delete old.training;
  assert.equal(contractFromJSON(old, "model.json").training, null);
});

test("training: the trainer uses the contract's parameters, and the lineage records them", () => {
  const shop = historianShop({ machines: 6, days: 40, seed: 3 }, "mw-training-");
  const text = readFileSync(shop.contract, "utf8").replace(
    /^training: .*$/m,
    "training: { trees: 7, learning_rate: 0.3, max_depth: 2, min_leaf: 50, early_stopping: 0 }",
  );
  assert.match(text, /trees: 7/);
  writeFileSync(shop.contract, text);
  const { contract } = loadContract(shop.contract);
  const registry = new ModelRegistry(join(shop.dir, "models"));
  const data = readContractData(contract, { learn: true, labels: "require" });
  const r = trainHistoryAndRegister(registry, data, text, { seed: 1, split: { by: "time", testFrom: null } });
  // Early stopping off: every head that exists grows exactly `trees` trees, each at most depth 2.
  assert.equal(r.fit.params.nEstimators, 7);
  assert.equal(r.fit.params.maxDepth, 2);
  for (const [head, n] of Object.entries(r.fit.rounds)) assert.equal(n, 7, head);
  const lineage = JSON.parse(readFileSync(join(registry.versionDir(r.version), "lineage.json"), "utf8"));
  assert.equal(lineage.params.minSamplesLeaf, 50);
  assert.equal(lineage.params.learningRate, 0.3);
  // A caller's parameters (a bench's experiment) win over the contract's.
  const r2 = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
    params: { nEstimators: 4 },
  });
  for (const [head, n] of Object.entries(r2.fit.rounds)) assert.equal(n, 4, head);
});

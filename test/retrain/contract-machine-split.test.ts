// Retraining a champion that was split by machine (run-to-failure units counted in cycles, trained
// with --split machine): the champion was fitted on every cycle of the other units, so a gate on the
// latest fifth of the counter would grade it on rows it learned. The challenger holds out the
// champion's own test machines, and both are scored on all of their rows.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { createRng } from "../../src/core/rng.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { retrainContract } from "../../src/retrain/contract-retrain.js";
import { splitRows } from "../../src/train/time-split.js";
import { cyclesChampion } from "../helpers/cycles-champion.js";

test("a split by machine holds out exactly the machines named, and says which", () => {
  const n = 10;
  const machine = Int32Array.from({ length: 100 }, (_, i) => i % n);
  const input = {
    time: Float64Array.from({ length: 100 }, (_, i) => Math.floor(i / n)),
    machine,
    nMachines: n,
    machineIds: Array.from({ length: n }, (_, i) => `U${i}`),
    usable: new Uint8Array(100).fill(1),
    horizon: 0,
  };
  const drawn = splitRows(input, { by: "machine" }, createRng(1));
  assert.equal(drawn.testMachines?.length, 2);
  const held = splitRows(input, { by: "machine", testMachines: ["U3", "U7", "gone"] }, createRng(2));
  assert.deepEqual(held.testMachines, ["U3", "U7"]);
  assert.deepEqual(
    [...new Set(Array.from(held.test, (i) => machine[i]))].sort(),
    [3, 7],
    "every test row is a named machine's",
  );
  for (const i of [...held.fit, ...held.validation]) assert.ok(![3, 7].includes(machine[i]));
  assert.throws(
    () => splitRows(input, { by: "machine", testMachines: ["nope"] }, createRng(2)),
    /test machines \(nope\) must be some, not all, of the data's machines; found 0 of 10/,
  );
});

test("retraining a machine-split champion tests both on the champion's held-out machines", async () => {
  const { dir, registry, champ } = cyclesChampion(20, "mw-retrain-msplit-");
  const lineage = JSON.parse(readFileSync(join(registry.versionDir(champ.version), "lineage.json"), "utf8"));
  const held: string[] = lineage.split.testMachines;
  assert.equal(held.length, 4, "a fifth of 20 units held out, recorded in the lineage");

  const d = await retrainContract({
    registry,
    champion: champ.version,
    entries: [],
    train: trainHistoryAndRegister,
    workDir: join(dir, "work"),
    seed: 8,
    gate: { metric: "pr_auc", margin: 0, minimum: 0 },
    run: "r1",
  });
  assert.deepEqual(d.slice.machines, held);
  assert.equal(d.slice.test_from, null);
  const challLineage = JSON.parse(
    readFileSync(join(registry.versionDir(d.challenger.version), "lineage.json"), "utf8"),
  );
  assert.deepEqual(challLineage.split.testMachines, held, "the challenger held out the same units");
  // The gate's slice is the champion's own test part: the same rows, so the same figures as its card
  // (on the latest fifth of the counter instead, it was graded on cycles it was fitted on).
  assert.equal(d.slice.rows, champ.fit.split.test);
  assert.ok(
    Math.abs((d.champion.metrics?.pr_auc ?? -1) - (champ.fit.metrics.machine_failure?.pr_auc ?? -2)) < 1e-12,
  );
  assert.equal(d.champion.metrics?.positives, d.challenger.metrics?.positives);
});

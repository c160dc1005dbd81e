// The retraining gate's look at the failure kinds (evaluate/kind-guard.ts, trial 3 F15): a challenger
// that beats the champion overall but ranks a kind's failures worse is kept, the kind named. The
// models are made so on purpose: a head's calibration slope negated ranks its rows backwards.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { type ContractTrainer, retrainContract } from "../../src/retrain/contract-retrain.js";
import { cyclesChampion } from "../helpers/cycles-champion.js";

/** Ranks the heads' rows backwards: p = σ(−a·margin + b). Returns the heads flipped. */
function flip(registry: ModelRegistry, version: string, which: (head: string) => boolean): string[] {
  const file = join(registry.versionDir(version), "model.json");
  const m = JSON.parse(readFileSync(file, "utf8"));
  const flipped = Object.keys(m.heads).filter((h) => m.heads[h] && which(h));
  for (const h of flipped) m.heads[h].calibration.a = -m.heads[h].calibration.a;
  writeFileSync(file, JSON.stringify(m));
  return flipped;
}

test("a challenger better overall but worse at a failure kind is kept, naming the kind; the guard off promotes it", async () => {
  const { dir, registry, champ } = cyclesChampion(60, "mw-kind-gate-");
  // The champion's overall head ranks backwards, so any trained challenger beats it overall.
  assert.deepEqual(
    flip(registry, champ.version, (h) => h === "machine_failure"),
    ["machine_failure"],
  );
  let kinds: string[] = [];
  const spoilt: ContractTrainer = (r, d, text, opts) => {
    const v = trainHistoryAndRegister(r, d, text, opts);
    kinds = flip(r, v.version, (h) => h !== "machine_failure");
    return v;
  };
  const run = (kindTolerance: number, id: string) =>
    retrainContract({
      registry,
      champion: champ.version,
      entries: [],
      train: spoilt,
      workDir: join(dir, `work-${id}`),
      seed: 8,
      gate: { metric: "pr_auc", margin: 0, minimum: 0, kindTolerance },
      run: id,
    });

  const kept = await run(0.1, "r1");
  assert.ok(kinds.length >= 2, `the challenger has kind heads (${kinds})`);
  assert.ok((kept.challenger.metrics?.pr_auc ?? 0) > (kept.champion.metrics?.pr_auc ?? 1), "better overall");
  assert.equal(kept.verdict, "kept", JSON.stringify(kept.kinds));
  const judged = kept.kinds.filter((k) => k.judged);
  assert.ok(judged.length >= 1, JSON.stringify(kept.kinds));
  const worst = [...judged].sort((a, b) => (a.delta as number) - (b.delta as number))[0];
  assert.ok((worst.delta as number) < -0.1, JSON.stringify(worst));
  assert.match(
    kept.reason,
    new RegExp(
      `beats champion .* but the challenger's '${worst.kind}' head PR-AUC .* below champion's .* > kind tolerance 0\\.1 \\(${worst.failures} ${worst.kind} failures in the slice\\); keeping the champion$`,
    ),
  );
  // Each kind is listed with the failures of it behind the slice's readings; they add up to the failures.
  assert.deepEqual(kept.kinds.map((k) => k.kind).sort(), [...kinds].sort());
  assert.equal(
    kept.kinds.reduce((a, k) => a + k.failures, 0),
    kept.slice.failures,
  );
  for (const k of kept.kinds)
    for (const v of [k.champion, k.challenger]) assert.ok(v === null || (v >= 0 && v <= 1));

  const promoted = await run(1, "r2");
  assert.equal(promoted.verdict, "promote", promoted.reason);
  assert.doesNotMatch(promoted.reason, /kind tolerance/);
});

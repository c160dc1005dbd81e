// Issue 18, item 7: every version's training data is kept by content beside the registry, and a
// retraining trains on the champion's data plus the new labelled data: also the second retraining,
// whose champion was trained on a temporary CSV (the probe saw base_rows 0 there). Real SQLite
// file, real `millwright train` child processes.
import assert from "node:assert/strict";
import { existsSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FleetReading } from "../../src/data/simulate.js";
import { simulateFleet } from "../../src/data/simulate.js";
import { DatasetStore } from "../../src/registry/datasets.js";
import { trainAndRegister } from "../../src/registry/training.js";
import { retrainLocal } from "../../src/retrain/local.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import type { PredictionRecord } from "../../src/store/types.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";

const T0 = Date.UTC(2026, 10, 1);
let n = 0;

/** Logs the readings as predictions and labels them, as production would. */
async function label(store: SqliteStore, rows: FleetReading[]): Promise<void> {
  const recs: PredictionRecord[] = rows.map((r) => {
    const { machine_failure: _m, twf: _t, hdf: _h, pwf: _p, osf: _o, rnf: _r, ...reading } = r;
    return {
      id: `p-${String(++n).padStart(7, "0")}`,
      requestId: "r",
      modelName: "millwright-gbdt",
      modelVersion: "1.0.0",
      predictedAt: T0 + n * 1000,
      reading,
      failureProbability: 0.1,
      failurePredicted: false,
      modes: {},
    };
  });
  await store.logPredictions(recs);
  await store.addFeedback(
    recs.map((p, i) => ({ predictionId: p.id, machineFailure: rows[i].machine_failure })),
  );
}

describe("training data kept by content", () => {
  let fx: TrainedFixture;
  let store: SqliteStore;
  let datasets: DatasetStore;
  before(async () => {
    fx = trainedRegistry({ machines: 8, days: 10, seed: 3 });
    datasets = new DatasetStore(fx.registry.dir);
    store = new SqliteStore({ path: join(fx.dir, "data", "predictions.db"), writerThread: true });
    await store.init();
  });
  after(async () => {
    await store.close();
    fx.cleanup();
  });

  const retrain = (seed: number) =>
    retrainLocal({
      registry: fx.registry,
      store,
      workDir: join(fx.dir, "work"),
      seed,
      gate: { metric: "pr_auc", margin: 0, minimum: 0 },
    });

  const lineageData = (v: string) =>
    fx.registry.readJson(v, "lineage.json")?.data as { rows: number; dataset: { sha256: string } };

  test("two retrainings in a row: each trains on its champion's stored data plus the new labels", async () => {
    const production = simulateFleet({ machines: 8, days: 8, seed: 21 });
    await label(store, production.slice(0, 2000));
    const d1 = await retrain(1);
    const v1 = d1.challenger?.version as string;
    assert.ok(v1, d1.reason);
    // Promoted whatever the gate said: the point here is what the next retraining trains on.
    if (d1.verdict !== "promoted") await fx.registry.setAlias("champion", v1);
    assert.equal(d1.data.base_rows, fx.rows.length, "round 1: the champion's own data");
    assert.equal(d1.data.base_dataset, lineageData(fx.version).dataset.sha256);
    assert.equal(d1.data.production_rows, 1400, "70 % of 2,000 labels train, 30 % are held out");
    assert.deepEqual(readdirSync(join(fx.dir, "work")), [], "the temporary CSV is gone");
    const ds1 = lineageData(v1).dataset.sha256;
    assert.ok(existsSync(datasets.verifiedPath(ds1)), "but its content is kept");
    assert.equal(lineageData(v1).rows, fx.rows.length + 3 * 1400);

    assert.ok(production.length >= 2600);
    await label(store, production.slice(2000, 2600));
    const d2 = await retrain(2);
    assert.equal(d2.data.base_dataset, ds1, "round 2 starts from round 1's stored data");
    assert.equal(d2.data.base_rows, fx.rows.length + 3 * 1400, "not 0, as when the temp file was gone");
    // 2,600 labels: 1,820 train; 1,400 of them the champion already had, so 420 are new.
    assert.equal(d2.data.production_rows, 420);
    assert.equal(lineageData(d2.challenger?.version as string).rows, fx.rows.length + 3 * 1400 + 3 * 420);
  });

  test("the same bytes are stored once; a damaged copy is refused; unreferenced data is pruned after the grace period", () => {
    const before = datasets.list().length;
    const v = trainAndRegister(
      fx.registry,
      { rows: fx.rows, data: { file: fx.dataFile, sha256: "x" } },
      { seed: 9, params: { nEstimators: 10 } },
    ).version;
    assert.equal(datasets.list().length, before, "the champion's data again: no second copy");
    assert.equal(lineageData(v).dataset.sha256, lineageData(fx.version).dataset.sha256);

    const orphan = datasets.putBytes(Buffer.from("type,machine_failure\nL,0\n"));
    const old = (Date.now() - 48 * 3600_000) / 1000;
    utimesSync(join(fx.registry.dir, orphan.path), old, old);
    const referenced = new Set(datasets.list().filter((s) => s !== orphan.sha256));
    for (const s of referenced) utimesSync(join(fx.registry.dir, "datasets", "sha256", `${s}.csv`), old, old);
    assert.deepEqual(datasets.prune(referenced), [orphan.sha256]);
    assert.equal(datasets.list().length, referenced.size, "every referenced dataset is kept, however old");

    const sha = lineageData(fx.version).dataset.sha256;
    writeFileSync(join(fx.registry.dir, "datasets", "sha256", `${sha}.csv`), "tampered");
    assert.throws(() => datasets.verifiedPath(sha), /is damaged/);
  });
});

// Retraining a contract model whose telemetry is a historian's long export (shop B: `long:` with
// buckets, held values, a quality column and two makes' tag names). The challenger keeps the stored
// contract, so the files retraining writes must be long again and read back to the same rows.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { retrainFiles } from "../../src/retrain/contract-data.js";
import type { LogEntry } from "../../src/store/history/types.js";
import { readRetrainFiles, rowKey } from "../helpers/retrain-files.js";
import { writeShopPi } from "../helpers/shop-pi-files.js";

test("retraining a long-export contract writes its telemetry long and reads back the same rows", () => {
  const shop = writeShopPi({ machines: 6, days: 30, seed: 3 }, "mw-retrain-long-");
  try {
    const { contract, text } = loadContract(shop.contract);
    const data = readContractData(contract, { learn: true, labels: "require" });
    const registry = new ModelRegistry(join(shop.dir, "models"));
    const champion = trainHistoryAndRegister(registry, data, text, {
      seed: 1,
      split: { by: "time", testFrom: null },
      params: { nEstimators: 2, maxDepth: 2 },
    }).version;
    const m = data.telemetry;
    const next = shop.end + 3_600_000;
    const logged: LogEntry = {
      type: "reading",
      reading: {
        id: "r1",
        machine: "CNC02",
        time: next,
        values: [9000, 61.5, 40.25, 22, 1.75],
        modelVersion: champion,
        predictedAt: next,
        failureProbability: 0.1,
        heads: {},
      },
    };
    const files = retrainFiles(registry, champion, data.contract, [logged], join(shop.dir, "retrain"));
    assert.equal(files.production_rows, 1);
    const lines = readFileSync(files.telemetry, "utf8").split("\n");
    // The machine written back into the tag, as the export wrote it (long.split).
    assert.equal(lines[0], "Timestamp,Tag,Value,Quality");
    assert.match(lines[1], /^2026-03-02T00:00:00Z,CNC01\.SPINDLE\.SPEED_RPM,\d+,Good$/);
    const t = readRetrainFiles(files).telemetry;
    assert.equal(t.n, m.n + 1);
    const after = new Set(Array.from({ length: t.n }, (_, i) => rowKey(t, i)));
    for (let i = 0; i < m.n; i++)
      assert.ok(after.has(rowKey(m, i)), `row ${i} (${rowKey(m, i)}) did not come back`);
    assert.ok(after.has(`CNC02 ${next} 9000,61.5,40.25,22,1.75`));
  } finally {
    rmSync(shop.dir, { recursive: true, force: true });
  }
});

// Retraining a row-labelled contract (the AI4I example: no failures table, each row's label in the
// row, told to the server by POST /v1/feedback): the files retraining writes hold the champion's
// stored rows with their labels, then each logged reading a label names with that label, in log
// order; a reading no label has named yet, or one not later than the stored rows, is left out.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { retrainFiles } from "../../src/retrain/contract-data.js";
import type { LogEntry } from "../../src/store/history/types.js";
import { trainAi4iContract } from "../helpers/ai4i-contract.js";
import { readRetrainFiles } from "../helpers/retrain-files.js";

test("a row-labelled contract retrains on its stored rows plus the logged readings a label names", () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-rows-"));
  try {
    const { registry, version, data } = trainAi4iContract(dir, { machines: 6, days: 4 });
    const stored = data.telemetry;
    // The live counter goes on after the stored rows' (the model's lineage says where they end); a
    // reading at a counter the stored rows already passed ("z", a client that started again from 1)
    // is not later than every row before it, so it is left out like an unlabelled one.
    const last = stored.time[stored.n - 1];
    const lineage = registry.readJson(version, "lineage.json") as { time_range: unknown };
    assert.deepEqual(lineage.time_range, { from: stored.time[0], to: last });
    const entries: LogEntry[] = [];
    const live = [
      { id: "z", machine: "M04", values: [0, 300, 310, 1500, 40, 100], at: 1 },
      { id: "a", machine: "M01", values: [0, 300, 310, 1500, 40, 200], at: last + 1 },
      { id: "b", machine: "M02", values: [1, 299, 309, 1400, 65, 230], at: last + 2 },
      { id: "c", machine: "M03", values: [2, 301, 311, 1600, 30, 10], at: last + 3 },
    ];
    for (const { at, ...r } of live) {
      const reading = {
        ...r,
        time: at,
        modelVersion: version,
        predictedAt: 0,
        failureProbability: 0.5,
        heads: {},
      };
      entries.push({ type: "reading", reading });
    }
    const label = (id: string, y: 0 | 1, modes: Record<string, 0 | 1>): LogEntry => ({
      type: "label",
      label: { id, label: y, modes, machine: "M01", time: 0, receivedAt: 0 },
    });
    // "b" was a tool-wear failure, "c" no failure; "a" has no label yet.
    entries.push(label("c", 0, {}), label("b", 1, { twf: 1 }), label("z", 1, { twf: 1 }));

    const champion = registry.historyModel(version).contract;
    const files = retrainFiles(registry, version, champion, entries, join(dir, "run"));
    assert.equal(files.base_rows, stored.n);
    assert.equal(
      files.production_rows,
      2,
      "the labelled readings after the stored ones, not the one without a label",
    );
    const back = readRetrainFiles(files).telemetry;
    assert.equal(back.n, stored.n + 2);
    assert.deepEqual(
      [back.time[stored.n], back.time[stored.n + 1]],
      [last + 2, last + 3],
      "b and c, in log order",
    );
    const y = (h: string, i: number) => back.labels?.get(h)?.[i];
    assert.deepEqual(
      ["machine_failure", "twf", "hdf"].map((h) => y(h, stored.n)),
      [1, 1, 0],
      "b: a failure of the tool-wear mode",
    );
    assert.deepEqual(
      ["machine_failure", "twf"].map((h) => y(h, stored.n + 1)),
      [0, 0],
    );
    assert.equal(back.values[5][stored.n], 230, "b's tool wear");
    // The stored rows keep their own labels.
    const failures = (l: typeof back.labels, n: number) =>
      Array.from(l?.get("machine_failure") ?? [])
        .slice(0, n)
        .reduce((a, b) => a + b, 0);
    assert.equal(failures(back.labels, stored.n), failures(stored.labels, stored.n));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The export of a failure-event contract's history log (examples/contracts/historian.yaml, horizon
// 24h), read back through the read-only reader: a reading's label is 1 when its machine failed
// within the horizon after it, 0 once the machine was seen past the horizon without one, and
// empty while neither is known, as the monitor's realised quality counts them. The row-labelled
// case (labels by prediction id) runs on a real server in test/cli/ops-history.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { PACKAGE_ROOT } from "../../src/core/version.js";
import { historyExport } from "../../src/monitor/predictions-export.js";
import { historyLogFile, openHistoryReader } from "../../src/store/history/reader.js";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import type { LoggedReading } from "../../src/store/history/types.js";
import type { HistoryModel } from "../../src/train/history-model.js";

const { contract } = loadContract(join(PACKAGE_ROOT, "examples", "contracts", "historian.yaml"));
/** What the export reads of a model: its contract and head names (no trees needed). */
const model = { contract, headNames: ["machine_failure", "spindle"] } as unknown as HistoryModel;
const H = 3_600_000;
const T0 = Date.UTC(2027, 0, 1);
let dir: string;

const reading = (id: string, machine: string, hour: number): LoggedReading => ({
  id,
  machine,
  time: T0 + hour * H,
  values: [8000, 40, null, 20, 10, 30],
  modelVersion: "1.0.0",
  predictedAt: T0 + hour * H + 1000,
  failureProbability: hour / 100,
  heads: { spindle: 0.5 },
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "mw-hexport-"));
  const log = new SqliteHistoryLog(historyLogFile(dir, contract.name), { writerThread: false });
  await log.init();
  await log.appendReadings([
    reading("a0", "M01", 0),
    reading("a10", "M01", 10),
    reading("b0", "M02", 0),
    reading("b5", "M02", 5),
  ]);
  await log.appendEvents([
    { id: "f1", table: "failures", machine: "M01", time: T0 + 20 * H, kind: "", receivedAt: T0 + 20 * H },
  ]);
  await log.appendReadings([reading("a30", "M01", 30), reading("a50", "M01", 50), reading("b30", "M02", 30)]);
  await log.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function exported(opts: { since?: number; labelled: boolean }) {
  const log = await openHistoryReader({ dataDir: dir }, contract.name);
  try {
    const x = historyExport(log, model, { ...opts, where: log.where });
    const rows: unknown[][] = [];
    for await (const r of x.rows) rows.push(r);
    return { header: x.header, rows };
  } finally {
    await log.close();
  }
}

test("a failure-event contract: labels from the failures within the horizon, empty while unknown", async () => {
  const { header, rows } = await exported({ labelled: false });
  assert.deepEqual(header, [
    "prediction_id",
    "predicted_at",
    "model_version",
    "machine_id",
    "timestamp",
    "spindle_speed",
    "spindle_load",
    "vibration",
    "coolant_temp",
    "x_axis_load",
    "spindle_temp",
    "failure_probability",
    "spindle_probability",
    "label",
  ]);
  const by = (k: string) => header.indexOf(k);
  const labels = Object.fromEntries(rows.map((r) => [r[by("prediction_id")], r[by("label")]]));
  // M01 failed at hour 20: hours 0 and 10 warned rightly; 30 and 50 are not known (seen to 50 < 54).
  // M02 never failed and was seen to hour 30: hours 0 and 5 are known negatives, 30 is not known.
  assert.deepEqual(labels, { a0: 1, a10: 1, b0: 0, b5: 0, a30: null, a50: null, b30: null });
  const a0 = rows[0];
  assert.equal(a0[by("timestamp")], "2027-01-01T00:00:00.000Z");
  assert.equal(a0[by("machine_id")], "M01");
  assert.equal(a0[by("vibration")], null);
  assert.equal(a0[by("spindle_probability")], 0.5);
});

test("--labelled keeps the known rows, --since those predicted from then on", async () => {
  const labelled = await exported({ labelled: true });
  assert.deepEqual(
    labelled.rows.map((r) => r[0]),
    ["a0", "a10", "b0", "b5"],
  );
  const since = await exported({ labelled: false, since: T0 + 10 * H });
  assert.deepEqual(
    since.rows.map((r) => r[0]),
    ["a10", "a30", "a50", "b30"],
  );
});

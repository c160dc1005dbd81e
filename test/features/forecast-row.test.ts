// The planner's forecast row against the real feature builder: on a hand-made history whose load
// rises 1 %/h, the row carried forward by `trend` is the row the builder makes hours later (a linear
// signal moves its windows' mean, min and max by slope × time), `since` features age by exactly the
// offset under both methods, a slope is extrapolated no further than its window, and a planned
// event restarts its `since`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { buildFeatures } from "../../src/features/build.js";
import { eventColumns, type ForecastMethod, forecastRow } from "../../src/features/forecast-row.js";
import { featurePlan, MS_PER_HOUR } from "../../src/features/plan.js";
import { ALARMS, FAILURES, MACHINES, MAINTENANCE, writeShop } from "../contract/helpers.js";

const HOUR0 = Date.UTC(2026, 0, 1);

function ramp(hours: number): string {
  const lines = ["ts,machine,Load [%],vib_rms"];
  for (let h = 0; h < hours; h++)
    for (const m of ["M1", "M2"]) {
      const t = new Date(HOUR0 + h * MS_PER_HOUR).toISOString().replace(".000Z", "Z");
      lines.push(`${t},${m},${40 + h},${(1 + 0.05 * h).toFixed(2)}`);
    }
  return `${lines.join("\n")}\n`;
}

const shop = writeShop({
  "telemetry.csv": ramp(48),
  "machines.csv": MACHINES,
  "alarms.csv": ALARMS,
  "maintenance.csv": MAINTENANCE,
  "failures.csv": FAILURES,
});
const data = readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
const plan = featurePlan(data.contract);
const cols = eventColumns(plan);
const X = buildFeatures(plan, data);
const name = (j: number) => plan.features[j].name;
function rowAt(hour: number): Float64Array {
  const t = HOUR0 + hour * MS_PER_HOUR;
  for (let i = 0; i < data.telemetry.n; i++)
    if (data.telemetry.time[i] === t && data.telemetry.machines[data.telemetry.machine[i]] === "M1")
      return X.data.slice(i * X.nCols, (i + 1) * X.nCols);
  throw new Error(`no row at hour ${hour}`);
}
// Hour 26: both windows (3 h, 24 h) are full, so a linear signal moves their statistics exactly.
const state = { time: HOUR0 + 26 * MS_PER_HOUR, row: rowAt(26), later: [] };
function forecast(hours: number, method: ForecastMethod, effect?: Parameters<typeof forecastRow>[6]) {
  const out = new Float64Array(plan.features.length);
  forecastRow(plan, cols, state, state.time + hours * MS_PER_HOUR, out, 0, effect, undefined, method);
  return out;
}
const col = (n: string) => plan.features.findIndex((f) => f.name === n);

test("trend: 3 h ahead on a linear signal, the forecast row is the row the builder makes at that hour", () => {
  const real = rowAt(29);
  const got = forecast(3, "trend");
  for (let j = 0; j < plan.features.length; j++) {
    const same = Number.isNaN(real[j]) ? Number.isNaN(got[j]) : Math.abs(got[j] - real[j]) < 1e-6;
    assert.ok(same, `${name(j)}: forecast ${got[j]}, built ${real[j]}`);
  }
  // Persistence holds the load where it was: 3 % short of what happened.
  const held = forecast(3, "persistence");
  assert.equal(held[col("load")], 66);
  assert.equal(real[col("load")], 69);
  assert.equal(held[col("load_mean_3h")], state.row[col("load_mean_3h")]);
});

test("since features age by exactly the offset under both methods; slopes move no further than their window", () => {
  const since = col("maintenance_since_spindle");
  assert.equal(state.row[since], 24); // maintenance at 02:00, row at 02:00 the next day
  for (const m of ["persistence", "trend"] as const) {
    assert.equal(forecast(24, m)[since], 48);
    assert.equal(forecast(24 * 6.5, m)[since], 24 + 156);
  }
  const far = forecast(30, "trend");
  const row = state.row;
  assert.ok(
    Math.abs(far[col("load_mean_3h")] - (row[col("load_mean_3h")] + 3)) < 1e-9,
    "3h mean: 3 h of slope",
  );
  assert.ok(Math.abs(far[col("load_mean_24h")] - (row[col("load_mean_24h")] + 24)) < 1e-9, "24h mean: 24 h");
  assert.ok(
    Math.abs(far[col("load")] - (row[col("load")] + 24)) < 1e-9,
    "the reading: its longest window's 24 h",
  );
  assert.equal(far[col("load_std_24h")], row[col("load_std_24h")]);
  assert.equal(far[col("load_slope_24h")], row[col("load_slope_24h")]);
  // The derived feature follows the moved reading (load / (age + 1), M1 is 3 years old).
  assert.ok(Math.abs(far[col("load_per_year")] - far[col("load")] / 4) < 1e-9);
});

test("a planned maintenance event restarts its since feature from the event on", () => {
  const table = data.contract.events.findIndex((e) => e.name === "maintenance");
  const event = { table, kind: "spindle", time: state.time + 10 * MS_PER_HOUR };
  const since = col("maintenance_since_spindle");
  assert.equal(forecast(9, "persistence", { event })[since], 33); // before the event: still the old one
  assert.equal(forecast(24, "persistence", { event })[since], 14);
});

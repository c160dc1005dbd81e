// History features: hand-checked values on a tiny shop, no look-ahead (changing the future never
// changes a past row's features), labels from failures within the horizon, censoring at the end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { buildFeatures } from "../../src/features/build.js";
import { failuresBehind, horizonLabels } from "../../src/features/labels.js";
import { featurePlan } from "../../src/features/plan.js";
import { FAILURES, shopFiles, telemetry, writeShop } from "../contract/helpers.js";

function build(files: Record<string, string>) {
  const shop = writeShop(files);
  const d = readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
  const plan = featurePlan(d.contract);
  const X = buildFeatures(plan, d);
  const col = (name: string) => {
    const j = plan.features.findIndex((f) => f.name === name);
    assert.ok(j >= 0, `no feature ${name} in ${plan.features.map((f) => f.name).join(", ")}`);
    return (row: number) => X.data[row * X.nCols + j];
  };
  const row = (m: string, hour: number) => {
    const t = Date.UTC(2026, 0, 1, hour);
    for (let i = 0; i < d.telemetry.n; i++)
      if (d.telemetry.time[i] === t && d.telemetry.machines[d.telemetry.machine[i]] === m) return i;
    throw new Error(`no row ${m} ${hour}`);
  };
  return { d, plan, X, col, row };
}

test("feature names and order come from the contract", () => {
  const { plan } = build(shopFiles());
  const names = plan.features.map((f) => f.name);
  assert.deepEqual(names.slice(0, 5), ["load", "vib", "model", "age", "load_per_year"]);
  assert.ok(
    names.includes("load_mean_3h") &&
      names.includes("vib_slope_24h") &&
      names.includes("load_per_year_max_24h") === false,
  );
  assert.deepEqual(names.slice(-3), [
    "alarms_count_24h",
    "maintenance_since_pump",
    "maintenance_since_spindle",
  ]);
  assert.equal(plan.features.find((f) => f.name === "load_mean_3h")?.words, "spindle load, mean over 3h");
  // The failures reset the maintenance table's clock: its words say a failure restarts it (trial 7).
  const since = plan.features.find((f) => f.name === "maintenance_since_pump")?.words;
  assert.equal(since, "time since maintenance or failure of pump");
});

test("values: windows cover (t − w, t], counts and time-since see only events at or before t", () => {
  const { col, row } = build(shopFiles());
  const load = (h: number) => 50 + ((h * 13) % 17);
  const i = row("M1", 10);
  assert.equal(col("load_mean_3h")(i), (load(8) + load(9) + load(10)) / 3);
  assert.equal(col("load_min_3h")(i), Math.min(load(8), load(9), load(10)));
  assert.equal(col("load_per_year")(i), load(10) / 4);
  assert.equal(col("model")(i), 0);
  assert.equal(col("age")(row("M2", 0)), 11);
  // Alarms at 05:30 and 06:00 on M1: at 05:00 none, at 06:00 both (an event at t counts); the next
  // day at 05:00 both are still inside (05:00, 05:00], at 06:00 both have left (06:00, 06:00].
  assert.equal(col("alarms_count_24h")(row("M1", 5)), 0);
  assert.equal(col("alarms_count_24h")(row("M1", 6)), 2);
  assert.equal(col("alarms_count_24h")(row("M1", 29)), 2);
  assert.equal(col("alarms_count_24h")(row("M1", 30)), 0);
  // Spindle maintenance at 02:00 on M1; the spindle failure at 36:00 (Jan 2, 12:00) resets it too.
  assert.ok(Number.isNaN(col("maintenance_since_spindle")(row("M1", 1))));
  assert.equal(col("maintenance_since_spindle")(row("M1", 2)), 0);
  assert.equal(col("maintenance_since_spindle")(row("M1", 35)), 33);
  assert.equal(col("maintenance_since_spindle")(row("M1", 37)), 1);
  assert.ok(Number.isNaN(col("maintenance_since_pump")(row("M1", 40))));
});

test("no look-ahead: rewriting the future leaves every earlier row's features as they were", () => {
  const a = build(shopFiles());
  const later = telemetry(72).replace(/\n(2026-01-02T1[2-9]:00:00Z,M1),\d+,[\d.]+/g, "\n$1,199,99");
  const b = build({
    ...shopFiles(),
    "telemetry.csv": later,
    "alarms.csv":
      "ts,machine,code\n2026-01-01 05:30:00,M1,SV0401\n2026-01-01 06:00:00,M1,SV0401\n2026-01-02 01:00:00,M2,OT0500\n2026-01-02 12:00:00,M1,X\n",
  });
  const cut = Date.UTC(2026, 0, 2, 12);
  let compared = 0;
  let changedAfter = 0;
  for (let i = 0; i < a.d.telemetry.n; i++) {
    const same = a.X.data
      .subarray(i * a.X.nCols, (i + 1) * a.X.nCols)
      .every((v, j) => Object.is(v, b.X.data[i * a.X.nCols + j]));
    if (a.d.telemetry.time[i] < cut) {
      assert.ok(same, `row ${i} changed`);
      compared++;
    } else if (!same) changedAfter++;
  }
  assert.ok(
    compared > 60 && changedAfter > 0,
    `${compared} rows before the cut, ${changedAfter} changed after it`,
  );
});

test("labels: a failure in (t, t + horizon] per kind; rows whose horizon passes the data's end are censored unless a failure falls in it", () => {
  const { d, row } = build(shopFiles(72));
  const l = horizonLabels(
    d.telemetry,
    d.failures as NonNullable<typeof d.failures>,
    ["pump", "spindle"],
    24 * 3_600_000,
  );
  const spindle = l.heads.get("spindle") as Uint8Array;
  const any = l.heads.get("machine_failure") as Uint8Array;
  // M1's spindle fails at hour 36: rows 12..35 are positive, 36 itself is not (the horizon is (t, t+h]).
  assert.equal(spindle[row("M1", 11)], 0);
  assert.equal(spindle[row("M1", 12)], 1);
  assert.equal(spindle[row("M1", 35)], 1);
  assert.equal(spindle[row("M1", 36)], 0);
  assert.equal(spindle[row("M2", 20)], 0);
  assert.equal(any[row("M2", 26)], 0); // M2's pump fails at hour 51
  assert.equal(any[row("M2", 27)], 1);
  assert.equal(l.censored[row("M1", 47)], 0);
  assert.equal(l.censored[row("M1", 48)], 1); // 48 + 24 > 71, the last hour
  // A failure inside a horizon that runs past the end makes the row a known positive, not censored.
  assert.equal(any[row("M2", 50)], 1);
  assert.equal(l.censored[row("M2", 50)], 0);
  assert.equal(l.censored[row("M2", 51)], 1); // the failure hour itself: (51, 75] holds nothing known
  assert.ok(FAILURES.includes("2026-01-03 03:00:00,M2,pump"));
});

test("failures behind a part's rows: each failure once, not its positive rows", () => {
  const { d, row } = build(shopFiles(72));
  const failures = d.failures as NonNullable<typeof d.failures>;
  const h = 24 * 3_600_000;
  const any = horizonLabels(d.telemetry, failures, ["pump", "spindle"], h).heads.get(
    "machine_failure",
  ) as Uint8Array;
  const from = (hour: number) => [
    ...Array.from({ length: 72 - hour }, (_, k) => row("M1", hour + k)),
    ...Array.from({ length: 72 - hour }, (_, k) => row("M2", hour + k)),
  ];
  // From hour 30: M1's spindle (hour 36) and M2's pump (hour 51) are both ahead of some rows.
  const part = from(30);
  const positives = part.reduce((s, i) => s + any[i], 0);
  assert.equal(positives, 6 + 21, "hours 30–35 of M1, 30–50 of M2");
  assert.deepEqual(failuresBehind(d.telemetry, failures, ["pump", "spindle"], h, part), {
    machine_failure: 2,
    pump: 1,
    spindle: 1,
  });
  // From hour 36 on, M1's failure is behind no row of the part: only the pump's is counted.
  assert.deepEqual(failuresBehind(d.telemetry, failures, ["pump", "spindle"], h, from(36)), {
    machine_failure: 1,
    pump: 1,
    spindle: 0,
  });
});

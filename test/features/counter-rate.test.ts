// A counter reading (`kind: counter`): the model, its history windows, the reference sample and
// `check` see its rate per hour between a machine's consecutive readings, never the count itself;
// the first reading of a machine and a reset (the count went down) have no rate; a column in
// another unit is converted before the rate is taken; the server's pipeline (JSON → columns →
// FleetHistory) makes the same feature rows as training; and the contract's mistakes name the key.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { readContractData } from "../../src/data/contract-data.js";
import { profileContractData } from "../../src/data/profile.js";
import { buildFeatures } from "../../src/features/build.js";
import { counterRate } from "../../src/features/counter-rate.js";
import { featurePlan } from "../../src/features/plan.js";
import { toColumns } from "../../src/pipeline/readings.js";
import { FleetHistory } from "../../src/pipeline/scorer.js";
import { referenceSample } from "../../src/registry/reference-sample.js";
import type { HistoryModel } from "../../src/train/history-model.js";
import { writeShop } from "../contract/helpers.js";

const CONTRACT = `version: 1
name: counter-readings
telemetry: [m1.csv, m2.csv]
time: { column: ts }
machine: { column: machine }
readings:
  - { name: load, column: load, unit: "%", min: 0, max: 200 }
  - { name: strokes, column: [StrokeCount, { column: kStrokes, scale: 1000 }], kind: counter, unit: strokes,
      min: 0, optional: true, words: stroke count }
history: { windows: [3h], stats: [mean, max], readings: all }
failures: { file: failures.csv, time: ts, machine: machine, horizon: 24h }
`;

const ts = (h: number) => new Date(Date.UTC(2026, 0, 1, h)).toISOString();
// M1 counts strokes; at 03:00 the counter was reset, at 05:00 the cell is empty.
const M1 = [1000, 1100, 1300, 50, 150, "", 350, 450];
// M2's controller writes thousands of strokes: 500 an hour once read into strokes.
const M2 = [2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5];
const FILES = {
  "m1.csv": `ts,machine,load,StrokeCount\n${M1.map((c, h) => `${ts(h)},M1,${50 + h},${c}`).join("\n")}\n`,
  "m2.csv": `ts,machine,load,kStrokes\n${M2.map((c, h) => `${ts(h)},M2,${60 + h},${c}`).join("\n")}\n`,
  "failures.csv": `ts,machine\n${ts(7)},M1\n`,
};

function shop(contract = CONTRACT, files: Record<string, string> = FILES) {
  const s = writeShop(files, contract);
  const d = readContractData(loadContract(s.contract).contract, { learn: true, labels: "require" });
  const plan = featurePlan(d.contract);
  return { d, plan, X: buildFeatures(plan, d) };
}

/** A feature's values of one machine's rows, hour by hour (null: missing). */
function values(name: string, machine: string, s = shop()) {
  const j = s.plan.features.findIndex((f) => f.name === name);
  assert.ok(j >= 0, name);
  const t = s.d.telemetry;
  const out: (number | null)[] = [];
  for (let i = 0; i < t.n; i++)
    if (t.machines[t.machine[i]] === machine) {
      const v = s.X.data[i * s.X.nCols + j];
      out.push(Number.isNaN(v) ? null : v);
    }
  return out;
}

test("counterRate: per unit of time between readings; none for a first reading, a reset or a missing value", () => {
  assert.equal(counterRate(1000, 1, 1300, 3), 150);
  assert.equal(counterRate(1000, 1, 1000, 3), 0);
  assert.ok(Number.isNaN(counterRate(Number.NaN, Number.NaN, 1000, 1)), "first reading");
  assert.ok(Number.isNaN(counterRate(1300, 2, 50, 3)), "reset: not −1250");
  assert.ok(Number.isNaN(counterRate(1000, 1, Number.NaN, 2)), "missing");
});

test("the model sees the rate per hour, converted first; its windows are windows of the rate", () => {
  const s = shop();
  assert.deepEqual(values("strokes", "M1", s), [null, 100, 200, null, 100, null, 100, 100]);
  // kStrokes × 1000 first: 500 strokes an hour, not 0.5.
  assert.deepEqual(values("strokes", "M2", s), [null, 500, 500, 500, 500, 500, 500, 500]);
  // (t − 3h, t]: the rates of 01:00 and 02:00 at 02:00; the reset's hour and the empty cell have none.
  assert.deepEqual(values("strokes_mean_3h", "M1", s), [null, 100, 150, 150, 150, 100, 100, 100]);
  assert.deepEqual(values("strokes_max_3h", "M1", s).slice(0, 3), [null, 100, 200]);
  const f = s.plan.features.find((x) => x.name === "strokes");
  assert.deepEqual([f?.words, f?.unit], ["stroke count per hour", "strokes/h"]);
  assert.equal(
    s.plan.features.find((x) => x.name === "strokes_mean_3h")?.words,
    "stroke count per hour, mean over 3h",
  );
});

test("on a counter time (cycles), the rate is per step of the time counter", () => {
  const contract = CONTRACT.replace("time: { column: ts }", "time: { column: cycle, counter: true }")
    .replace("windows: [3h]", "windows: [3]")
    .replace("horizon: 24h", "horizon: 2")
    .replace("time: ts,", "time: cycle,");
  const files = {
    "m1.csv": "cycle,machine,load,StrokeCount\n1,M1,50,100\n3,M1,50,160\n4,M1,50,190\n",
    "m2.csv": "cycle,machine,load,kStrokes\n1,M2,50,1\n2,M2,50,1.5\n",
    "failures.csv": "cycle,machine\n4,M1\n",
  };
  const s = shop(contract, files);
  assert.deepEqual(values("strokes", "M1", s), [null, 30, 30]);
  assert.deepEqual(values("strokes", "M2", s), [null, 500]);
  assert.equal(s.plan.features.find((x) => x.name === "strokes")?.unit, "strokes/step");
});

test("served as trained: the server's pipeline (JSON readings → FleetHistory) makes training's feature rows", () => {
  const s = shop();
  const fleet = new FleetHistory({ contract: s.d.contract } as HistoryModel, null);
  const t = s.d.telemetry;
  const items = Array.from({ length: t.n }, (_, i) => ({
    machine_id: t.machines[t.machine[i]],
    timestamp: new Date(t.time[i]).toISOString(),
    load: t.values[0][i],
    // The raw count as the controller reads it (M2 in strokes: the server takes the contract's unit).
    strokes: Number.isNaN(t.values[1][i]) ? null : t.values[1][i],
  }));
  const cols = toColumns(s.d.contract, items, false);
  fleet.check(cols, false);
  assert.deepEqual(fleet.push(cols).data, s.X.data);
});

test("the drift reference holds the counter's rates; check lists the counter with its rates and resets", () => {
  const s = shop();
  const ref = referenceSample(s.d, { test: { p: new Float64Array(), y: new Uint8Array() } } as never, 1);
  const rates = ref.columns.strokes.filter((v) => v !== null).sort((a, b) => Number(a) - Number(b));
  assert.deepEqual([...new Set(rates)], [100, 200, 500]);
  const p = profileContractData(s.d);
  const r = p.readings.find((x) => x.name === "strokes");
  assert.equal(r?.max, 5500, "the count as read");
  assert.deepEqual(r?.counter, { unit: "strokes/h", min: 100, max: 500, mean: 4100 / 12, resets: 1 });
});

function contractError(text: string, pattern: RegExp): void {
  const s = writeShop(FILES, text);
  assert.throws(
    () => loadContract(s.contract),
    (e: unknown) =>
      isMillwrightError(e) &&
      e.code === "MW_CONFIG" &&
      e.message.includes("shop.yaml") &&
      pattern.test(e.message),
  );
}

test("a counter's mistakes name the file and key", () => {
  contractError(
    CONTRACT.replace("kind: counter", "kind: cumulative"),
    /readings\[1\]\.kind: must be number, category or counter, got 'cumulative'/,
  );
  contractError(
    CONTRACT.replace("kind: counter,", "kind: counter, levels: [a, b],"),
    /readings\[1\]\.levels: a counter is a number that grows: it has no levels/,
  );
  contractError(
    CONTRACT.replace("time: { column: ts }\n", "")
      .replace("history: { windows: [3h], stats: [mean, max], readings: all }\n", "")
      .replace(/failures: .*\n/, "labels: { column: failed }\n"),
    /readings\[1\]\.kind: a counter's rate is per hour between a machine's readings: it needs time/,
  );
  contractError(
    `${CONTRACT}attributes:\n  file: machines.csv\n  key: machine\n  columns:\n    - { name: hours, column: Hours, kind: counter }\n`,
    /attributes\.columns\[0\]\.kind: counter is a reading's kind/,
  );
  contractError(
    `${CONTRACT.replace("failures: { file: failures.csv, time: ts, machine: machine, horizon: 24h }", "failures: { file: failures.csv, time: ts, machine: machine, kind: part, horizon: 24h }")}tasks:\n  heads:\n    press:\n      failure: { downtime_hours: 1, cost_per_hour: 1, repair_cost: 1 }\n      task: { name: reset, words: reset, hours: 1, parts_cost: 0, skills: ["*"], event: { reading: strokes, value: 0 } }\n`,
    /tasks\.heads\.press\.task\.event\.reading: 'strokes' is a counter: the model sees its rate/,
  );
  // A counter on a column of words: the cell, and the contract key that wants a count.
  const words = { ...FILES, "m2.csv": FILES["m2.csv"].replace(",2\n", ",roughing\n") };
  assert.throws(
    () => shop(CONTRACT, words),
    (e: unknown) =>
      isMillwrightError(e) &&
      /m2\.csv row 2, kStrokes: 'roughing' is not a number \(.*shop\.yaml: readings\[1\] is a counter/.test(
        e.message,
      ),
  );
});

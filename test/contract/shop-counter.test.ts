// A counter time (shop C1: spindle units counted in cycles): each unit's counter is its own clock,
// so labels are censored at that unit's last row, not the fleet's; and a row's counter is a whole number,
// refused with the file, row and column (CSV) or the field (JSON) when it is not.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { spanWords } from "../../src/contract/spans.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { readContractData } from "../../src/data/contract-data.js";
import { horizonLabels } from "../../src/features/labels.js";
import { featurePlan } from "../../src/features/plan.js";
import { toColumns } from "../../src/pipeline/readings.js";
import { writeShop } from "./helpers.js";

const CONTRACT = `version: 1
name: counter-shop
telemetry: telemetry.csv
time: { column: cycle, counter: true }
machine: { column: unit }
readings:
  - { name: vib, column: vib, min: 0, max: 100, words: vibration }
history: { windows: [1, 3], stats: [mean] }
failures: { file: failures.csv, time: cycle, machine: unit, horizon: 5 }
`;

/** U1 runs to failure at cycle 10, U2 is still running at cycle 30, U3 fails at cycle 40. */
function files(): Record<string, string> {
  const lines = ["unit,cycle,vib"];
  for (const [u, last] of [
    ["U1", 10],
    ["U2", 30],
    ["U3", 40],
  ] as const)
    for (let c = 1; c <= last; c++) lines.push(`${u},${c},${(1 + c / 10).toFixed(1)}`);
  return {
    "telemetry.csv": `${lines.join("\n")}\n`,
    "failures.csv": "unit,cycle\nU1,10\nU3,40\n",
  };
}

function read(f: Record<string, string>) {
  const shop = writeShop(f, CONTRACT);
  return readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
}

function rejects(f: Record<string, string>, pattern: RegExp): void {
  assert.throws(
    () => read(f),
    (e: unknown) => isMillwrightError(e) && pattern.test(e.message),
  );
}

test("counter labels: each unit's end censors its own last rows; a still-running unit's are unknown, not negative", () => {
  const d = read(files());
  const t = d.telemetry;
  const l = horizonLabels(t, d.failures as NonNullable<typeof d.failures>, [], 5, true);
  const any = l.heads.get("machine_failure") as Uint8Array;
  const at = (u: string, c: number) => {
    for (let i = 0; i < t.n; i++) if (t.machines[t.machine[i]] === u && t.time[i] === c) return i;
    throw new Error(`no row ${u} ${c}`);
  };
  // U1: cycles 5..9 see the failure at 10; cycle 10 itself looks past the unit's end: unknown.
  assert.equal(any[at("U1", 4)], 0);
  assert.equal(l.censored[at("U1", 4)], 0);
  assert.deepEqual(
    [5, 6, 7, 8, 9].map((c) => any[at("U1", c)]),
    [1, 1, 1, 1, 1],
  );
  assert.equal(l.censored[at("U1", 10)], 1);
  // U2 was never seen past cycle 30: its last 5 cycles' labels are not known (the fleet's end, 40, is U3's).
  assert.equal(l.censored[at("U2", 25)], 0);
  assert.deepEqual(
    [26, 27, 28, 29, 30].map((c) => l.censored[at("U2", c)]),
    [1, 1, 1, 1, 1],
  );
  // U3's last rows before its failure are known positives, as in run-to-failure data.
  assert.equal(any[at("U3", 39)], 1);
  assert.equal(l.censored[at("U3", 39)], 0);
  // The clock rule stays as it was: without perMachineEnd only the fleet's end censors.
  const clock = horizonLabels(t, d.failures as NonNullable<typeof d.failures>, [], 5);
  assert.equal(clock.censored[at("U2", 30)], 0);
});

test("a counter cell that is not a whole number is refused, naming the file, row and column", () => {
  const f = files();
  f["telemetry.csv"] = f["telemetry.csv"].replace("U1,4,", "U1,4.5,");
  rejects(
    f,
    /telemetry\.csv row 5, cycle: '4\.5' is not a whole number \(the contract's time is a counter\)/,
  );
});

test("a failures file's counter cell is checked as a counter, not as a date; an event may fall between rows", () => {
  const f = files();
  f["failures.csv"] = "unit,cycle\nU1,10\nU3,forty\n";
  rejects(f, /failures\.csv row 3, cycle: 'forty' is not a number \(the contract's time is a counter\)/);
  // An hours meter read at a failure says 9.5: the failure comes after row 9 (an event's counter
  // is not a row's).
  f["failures.csv"] = "unit,cycle\nU1,9.5\n";
  const shop = writeShop(f, CONTRACT);
  const d = readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
  assert.deepEqual([...(d.failures?.time ?? [])], [9.5]);
});

test("a reading's counter sent as JSON must be a whole number, and the error names the field", () => {
  const { contract } = loadContract(writeShop(files(), CONTRACT).contract);
  const ok = toColumns(contract, [{ machine_id: "U1", timestamp: 11, vib: 2 }], true);
  assert.equal(ok.time[0], 11);
  for (const bad of [11.5, "11", null])
    assert.throws(
      () => toColumns(contract, [{ machine_id: "U1", timestamp: bad, vib: 2 }], true),
      (e: unknown) =>
        isMillwrightError(e) &&
        e.code === "MW_VALIDATION" &&
        // null is a missing timestamp: said as required, with what it must be.
        new RegExp(
          `timestamp: ${bad === null ? "is required: " : ""}must be a whole number \\(the contract's time is a counter\\)`,
        ).test(e.message),
      `timestamp ${JSON.stringify(bad)}`,
    );
});

test("a counter's spans read as rows in words, and stay compact in feature names", () => {
  const { contract } = loadContract(writeShop(files(), CONTRACT).contract);
  const f = featurePlan(contract).features.filter((x) => x.name.startsWith("vib_mean"));
  assert.deepEqual(
    f.map((x) => [x.name, x.words]),
    [
      ["vib_mean_1rows", "vibration, mean over 1 row"],
      ["vib_mean_3rows", "vibration, mean over 3 rows"],
    ],
  );
  assert.equal(spanWords("24h"), "24h");
});

test("a counter that starts again under one id is refused with the likely cause: a new unit needs its own id", () => {
  const f = files();
  // The shop logged position U1's replacement unit under the position's id: cycles 1..10, then 1, 2.
  f["telemetry.csv"] = f["telemetry.csv"].replace("U2,1,", "U1,1,").replace("U2,2,", "U1,2,");
  rejects(
    f,
    /telemetry\.csv row 12, cycle: time goes backwards for machine 'U1' \(rows of a machine must be in time order\): 1 after 10\. A counter that starts again \(a new unit after a replacement\) needs its own machine id/,
  );
});

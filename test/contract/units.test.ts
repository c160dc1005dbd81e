// A reading's columns in other units (trial G: 22 makes, °F beside °C, in/s beside mm/s, kW beside
// a load %): each column entry may say its unit (or scale and offset) and the machines it holds
// for; values are read into the reading's unit before min/max, in training, check and predict.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { unitConversion } from "../../src/contract/units.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { readContractData } from "../../src/data/contract-data.js";
import { CONTRACT, shopFiles, writeShop } from "./helpers.js";

// Two makes' files: M1 writes "Load [%]" and vibration in mm/s, M2 (a US make) "LOAD" and in/s;
// both write "Temp", M1 in °C and M2 in °F.
const TWO = CONTRACT.replace("telemetry: telemetry.csv", "telemetry: [m1.csv, m2.csv]")
  .replace(
    "  - { name: vib, column: vib_rms, unit: mm/s, min: 0, max: 100, optional: true }",
    `  - { name: vib, unit: mm/s, min: 0, max: 100, optional: true, column: [vib_rms, { column: vib_ips, unit: in/s }] }
  - { name: temp, unit: "°C", min: 0, max: 100, column: [temp, Temp, { column: Temp, unit: "°F", machines: [M2] }] }
  - { name: power, unit: "%", min: 0, max: 150, optional: true, column: [power, { column: kW, scale: 2, offset: -1 }] }`,
  )
  .replace('column: "Load [%]"', 'column: ["Load [%]", LOAD]');

function files(m2Temp = "104.0"): Record<string, string> {
  return {
    ...shopFiles(),
    "m1.csv":
      "ts,machine,Load [%],vib_rms,Temp\n2026-01-01T00:00:00Z,M1,50,2.54,40.0\n2026-01-01T01:00:00Z,M1,51,2.60,41.0\n",
    "m2.csv": `ts,machine,LOAD,vib_ips,Temp,kW\n2026-01-01T00:00:00Z,M2,60,0.1,${m2Temp},30\n2026-01-01T01:00:00Z,M2,61,0.2,212,31\n`,
  };
}

test("known units convert both ways; unknown or unlike units do not", () => {
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  const f = unitConversion("°F", "°C");
  assert.ok(f);
  close(212 * f.scale + f.offset, 100);
  close(32 * f.scale + f.offset, 0);
  const k = unitConversion("°C", "K");
  close(20 * (k?.scale ?? 0) + (k?.offset ?? 0), 293.15);
  const v = unitConversion("in/s", "mm/s");
  close(0.1 * (v?.scale ?? 0) + (v?.offset ?? 0), 2.54);
  assert.equal(unitConversion("kW", "%"), null);
  assert.equal(unitConversion("°F", "mm/s"), null);
});

test("each column's values are read into the reading's unit, per machine where it says so", () => {
  const shop = writeShop(files(), TWO);
  const { contract } = loadContract(shop.contract);
  const d = readContractData(contract, { learn: true, labels: "no" });
  const col = (name: string) =>
    Array.from(d.telemetry.values[contract.readings.findIndex((r) => r.name === name)]);
  const round = (xs: number[]) => xs.map((x) => (Number.isNaN(x) ? x : Math.round(x * 1e9) / 1e9));
  // Rows in file order: M1's two, then M2's two.
  assert.deepEqual(round(col("vib")), [2.54, 2.6, 2.54, 5.08]);
  assert.deepEqual(round(col("temp")), [40, 41, 40, 100]);
  assert.deepEqual(round(col("power")), [Number.NaN, Number.NaN, 59, 61]);
  assert.deepEqual(round(col("load")), [50, 51, 60, 61]);
});

test("min and max hold in the reading's unit, and the message gives both figures", () => {
  const shop = writeShop(files("250"), TWO);
  const { contract } = loadContract(shop.contract);
  assert.throws(
    () => readContractData(contract, { learn: true, labels: "no" }),
    (e: unknown) =>
      isMillwrightError(e) &&
      /m2\.csv row 2, Temp: 250 °F, read as 121\.1\d* °C is outside 0–100/.test(e.message),
  );
});

test("contract mistakes in a converted column name the key path", () => {
  const bad = (from: string, to: string, pattern: RegExp) => {
    const shop = writeShop(files(), TWO.replace(from, to));
    assert.throws(
      () => loadContract(shop.contract),
      (e: unknown) => isMillwrightError(e) && e.code === "MW_CONFIG" && pattern.test(e.message),
    );
  };
  // Retraining writes the reading back under its first name, already converted: it may not convert.
  bad(
    "column: [temp, Temp,",
    "column: [Temp,",
    /readings\[2\]\.column\[1\]: the first column name is the one retraining writes/,
  );
  bad(
    "column: [vib_rms, { column: vib_ips",
    "column: [{ column: vib_ips",
    /readings\[1\]\.column\[0\]: the first column name/,
  );
  bad(
    "{ column: vib_ips, unit: in/s }",
    '{ column: vib_ips, unit: "%" }',
    /column\[1\]\.unit: no known conversion from '%' to the reading's unit 'mm\/s'/,
  );
  bad(
    "{ column: vib_ips, unit: in/s }",
    "{ column: vib_ips, unit: in/s, scale: 25.4 }",
    /give unit, or scale and offset, not both/,
  );
  bad(
    "{ column: vib_ips, unit: in/s }",
    "{ column: vib_ips }",
    /give the column's unit \(it is read into mm\/s\)/,
  );
  bad("scale: 2,", "scale: 0,", /column\[1\]\.scale: must be a non-zero number/);
  bad("machines: [M2]", "machines: M2", /machines/);
});

// Contract errors name the file, the key path and what was expected; data errors name the file,
// row and column (and the contract key that wants a missing column).
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { readContractData } from "../../src/data/contract-data.js";
import { ALARMS, CONTRACT, contractError, FAILURES, shopFiles, writeShop } from "./helpers.js";

test("the example contract loads, with paths resolved against its folder", () => {
  const shop = writeShop(shopFiles());
  const { contract } = loadContract(shop.contract);
  assert.equal(contract.name, "tiny-shop");
  assert.deepEqual(contract.telemetry, [`${shop.dir}/telemetry.csv`]);
  assert.deepEqual(
    contract.history?.windows.map((w) => w.size),
    [3 * 3_600_000, 24 * 3_600_000],
  );
  assert.equal(contract.readings[1].optional, true);
  assert.equal(contract.readings[0].words, "spindle load");
});

test("contract mistakes are errors naming the key path", () => {
  contractError(
    CONTRACT.replace("stats: [mean, std, min, max, slope]", "stats: [mean, median]"),
    /history\.stats\[1\]: unknown stat 'median'/,
  );
  contractError(
    CONTRACT.replace("windows: [3h, 24h]", "windows: [3h, soon]"),
    /history\.windows\[1\]: must be a duration/,
  );
  contractError(CONTRACT.replace("horizon: 24h", "horizon: 24"), /failures\.horizon: must be a duration/);
  contractError(CONTRACT.replace("version: 1", "version: 2"), /version: must be 1/);
  contractError(CONTRACT.replace("name: tiny-shop", "name: tiny-shop\nflavour: x"), /flavour: unknown key/);
  contractError(
    CONTRACT.replace('expr: "load / (age + 1)"', 'expr: "load / (agee + 1)"'),
    /derived\[0\]\.expr: .*unknown name 'agee'/,
  );
  contractError(
    CONTRACT.replace("resets: maintenance", "resets: alarms"),
    /failures\.resets: 'alarms' is not an event table with since: true/,
  );
  contractError(
    CONTRACT.replace("name: vib,", "name: load,"),
    /readings\[1\]\.name: 'load' is already the name of readings\[0\]\.name/,
  );
  contractError(
    CONTRACT.replace("name: vib,", "name: Vib,"),
    /readings\[1\]\.name: 'Vib' must be snake_case/,
  );
  contractError(
    CONTRACT.replace("min: 0, max: 200", "min: 10, max: 2"),
    /readings\[0\]\.max: 2 is below min 10/,
  );
  contractError("version: 1\nname: x\nreadings: [{ name: a, column: A }]\n", /says nothing to predict/);
  contractError(CONTRACT.replace("time: { column: ts }\n", ""), /history: needs a time column/);
  contractError("version: 1\nname: [x\n", /not valid YAML/);
});

function dataError(files: Record<string, string>, pattern: RegExp): void {
  const shop = writeShop({ ...shopFiles(), ...files });
  const { contract } = loadContract(shop.contract);
  assert.throws(
    () => readContractData(contract, { learn: true, labels: "require" }),
    (e: unknown) => isMillwrightError(e) && e.code === "MW_CSV" && pattern.test(e.message),
  );
}

test("data mistakes are errors naming file, row and column", () => {
  const ok = shopFiles()["telemetry.csv"];
  dataError(
    { "telemetry.csv": ok.replace("vib_rms", "vibration") },
    /telemetry\.csv: missing column 'vib_rms' \(.*shop\.yaml: readings\[1\]\.column\)/,
  );
  dataError(
    { "telemetry.csv": ok.replace(/\n2026-01-01T01:00:00Z,M1,(\d+)/, "\n2026-01-01T01:00:00Z,M1,250") },
    /telemetry\.csv row 4, Load \[%\]: 250 % is outside 0–200/,
  );
  dataError(
    { "telemetry.csv": ok.replace(/\n2026-01-01T01:00:00Z,M1,(\d+),/, "\n2026-01-01T01:00:00Z,M1,lots,") },
    /row 4, Load \[%\]: 'lots' is not a number/,
  );
  dataError(
    { "telemetry.csv": ok.replace(/\n2026-01-01T01:00:00Z,M1,(\d+),[\d.]+/, "\n2026-01-01T01:00:00Z,M1,,1") },
    /row 4, Load \[%\]: empty \(load is not optional/,
  );
  dataError(
    { "telemetry.csv": ok.replace("2026-01-01T02:00:00Z,M1", "2026-01-01T00:30:00Z,M1") },
    /row 6, ts: time goes backwards for machine 'M1'/,
  );
  dataError(
    { "telemetry.csv": ok.replace("2026-01-01T01:00:00Z,M1", "2026-01-01T00:00:00Z,M1") },
    /row 4, ts: a second row for machine 'M1' at the same time/,
  );
  dataError(
    { "telemetry.csv": ok.replace("2026-01-01T01:00:00Z,M1", "2026-01-01T1,M1") },
    /row 4, ts: '2026-01-01T1' is not an ISO 8601 time/,
  );
  dataError(
    { "alarms.csv": "ts,machine,code\n2026-01-01 05:30:00,,SV0401\n" },
    /alarms\.csv row 2, machine: empty machine id/,
  );
  dataError(
    { "machines.csv": "machine,make_model,age_years\nM1,Haas VF-2,3\n" },
    /machines\.csv: no row for machine 'M2' \(key column '\w+'\), which the telemetry names: add its row here, or correct the machine id in the telemetry/,
  );
  dataError({ "failures.csv": "" }, /failures\.csv \(failures\): the file is empty/);
  // A failure of no kind would train a head named "" (POST /v1/events refuses it too).
  dataError(
    { "failures.csv": FAILURES.replace("M2,pump", "M2, ") },
    /failures\.csv row 3, component: empty failure kind: fill it in, or leave the row out \(where:\)/,
  );
});

test("an event of an empty kind is one kind more, and said (POST /v1/events refuses one)", () => {
  const files = shopFiles();
  const d = readContractData(
    loadContract(writeShop({ ...files, "alarms.csv": `${ALARMS}2026-01-02 02:00:00,M2,\n` }).contract)
      .contract,
    { learn: true, labels: "require" },
  );
  assert.ok(
    d.warnings.some((w) =>
      /alarms\.csv \(events\[0\]\): 1 row with an empty code \(line 5\) count as one kind of their own, ''/.test(
        w,
      ),
    ),
    d.warnings.join("\n"),
  );
});

test("an optional reading may be missing; the value is NaN", () => {
  const shop = writeShop({
    ...shopFiles(),
    "telemetry.csv": shopFiles()["telemetry.csv"].replace(/(M2,\d+),[\d.]+/g, "$1,"),
  });
  const { contract } = loadContract(shop.contract);
  const d = readContractData(contract, { learn: true, labels: "require" });
  const m2 = d.telemetry.machines.indexOf("M2");
  for (let i = 0; i < d.telemetry.n; i++)
    assert.equal(Number.isNaN(d.telemetry.values[1][i]), d.telemetry.machine[i] === m2);
});

test("learning fills in levels and kinds from the data", () => {
  const shop = writeShop(shopFiles());
  const d = readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
  assert.deepEqual(d.contract.attributes?.columns[0].levels, ["Haas VF-2", "Okuma LB3000"]);
  assert.deepEqual(d.contract.failures?.kinds, ["pump", "spindle"]);
  // maintenance's since features cover its own kinds and the failures that reset it.
  assert.deepEqual(d.contract.events[1].kinds, ["pump", "spindle"]);
});

/** The shop's files as a spreadsheet in much of Europe writes them: `;` between fields, `1,5`. */
function european(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(files))
    out[name] = text
      .split("\n")
      .map((line) =>
        line
          .split(",")
          .map((c) => (/^-?\d+\.\d+$/.test(c) ? c.replace(".", ",") : c))
          .join(";"),
      )
      .join("\r\n");
  return out;
}

test("csv: semicolons and decimal commas read as the same numbers; a decimal point is refused by row", () => {
  const EU = CONTRACT.replace(
    "telemetry: telemetry.csv",
    'telemetry: telemetry.csv\ncsv: { delimiter: ";", decimal: "," }',
  );
  const plain = readContractData(loadContract(writeShop(shopFiles()).contract).contract, {
    learn: true,
    labels: "require",
  });
  const files = european(shopFiles());
  assert.match(files["telemetry.csv"], /;M1;\d+;1,\d+\r\n/);
  const eu = readContractData(loadContract(writeShop(files, EU).contract).contract, {
    learn: true,
    labels: "require",
  });
  assert.equal(eu.telemetry.n, plain.telemetry.n);
  assert.deepEqual(eu.telemetry.values, plain.telemetry.values);
  assert.deepEqual(eu.telemetry.time, plain.telemetry.time);
  assert.deepEqual(eu.attributes, plain.attributes);
  assert.deepEqual(eu.failures?.time, plain.failures?.time);
  assert.deepEqual(eu.contract.csv, { delimiter: ";", decimal: "," });

  const mixed = { ...files, "telemetry.csv": files["telemetry.csv"].replace(/;1,(\d+)\r\n/, ";1.$1\r\n") };
  assert.throws(
    () =>
      readContractData(loadContract(writeShop(mixed, EU).contract).contract, {
        learn: true,
        labels: "require",
      }),
    (e: unknown) =>
      isMillwrightError(e) &&
      /telemetry\.csv row 2, vib_rms: '1\.\d+' is not a number \(csv\.decimal is ","/.test(e.message),
  );
  contractError(
    CONTRACT.replace("telemetry: telemetry.csv", 'telemetry: telemetry.csv\ncsv: { decimal: "," }'),
    /csv\.decimal: a decimal comma needs another delimiter/,
  );
  contractError(
    CONTRACT.replace("telemetry: telemetry.csv", 'telemetry: telemetry.csv\ncsv: { delimiter: "::" }'),
    /csv\.delimiter: must be ",", ";", "\|" or "\\t"/,
  );
});

test("the README's complete contract is a valid contract, every key as documented", async () => {
  const { readFileSync } = await import("node:fs");
  const { parse } = await import("yaml");
  const { validateContract } = await import("../../src/contract/validate.js");
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const block = /A complete contract[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, "README: the complete contract's yaml block");
  const c = validateContract(parse(block[1]), "README.md");
  assert.equal(c.name, "traumware-cnc");
  assert.deepEqual(c.csv, { delimiter: ",", decimal: "." });
  assert.equal(c.readings.length, 6);
  assert.equal(c.readings[5].kind, "counter");
  assert.deepEqual(c.readings[3].missing, [-9999, 9999]);
  // A column in another unit, for every machine or for some (trial G).
  assert.deepEqual(
    c.readings[2].convert?.map((x) => [x.column, x.unit, x.machines]),
    [
      ["LUBE_OIL_F", "°F", null],
      ["Oil", "°F", ["R-01", "R-02"]],
    ],
  );
  assert.equal(c.failures?.horizon.label, "24h");
  // A task per make, model or machine: keys left out are the head's own.
  const bearing = c.tasks?.heads[0];
  assert.deepEqual(
    bearing?.for?.map((o) => [o.label, o.task?.hours, o.task?.partsCost, o.failure.repairCost]),
    [
      ["model Okuma LB3000", 7, 5200, 14000],
      ["age ≥ 15", 4, 1800, 6500],
      ["machine VF2-07", 6, 1800, 6500],
    ],
  );
  assert.deepEqual(c.monitor, { driftBy: ["model"] });
  assert.deepEqual(c.training, {
    nEstimators: 100,
    learningRate: 0.05,
    maxDepth: 3,
    minSamplesLeaf: 200,
    earlyStoppingRounds: 50,
  });
});

test("events of machines the telemetry does not have are skipped and counted, not errors (a plant-wide log)", () => {
  const files = shopFiles();
  const alarms = `ts,machine,code\n2026-01-01 05:30:00,M9,SV0401\n2026-01-01 06:30:00,M9,SV0401\n2026-01-01 07:30:00,LATHE-2,X1\n${files["alarms.csv"].split("\n").slice(1).join("\n")}`;
  const shop = writeShop({ ...files, "alarms.csv": alarms });
  const plain = readContractData(loadContract(writeShop(files).contract).contract, {
    learn: true,
    labels: "require",
  });
  const d = readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
  assert.equal(d.events[0].n, plain.events[0].n);
  assert.ok(
    d.warnings.some((w) =>
      /alarms\.csv: 3 rows of 2 machines not in the telemetry skipped \(M9, LATHE-2\)/.test(w),
    ),
    d.warnings.join("\n"),
  );
});

test("monitor.drift_by names category attributes of the machine table; absent, the fleet's test only", () => {
  const shop = writeShop(shopFiles());
  assert.equal(loadContract(shop.contract).contract.monitor, null);
  const by = (v: string) => CONTRACT.replace("\nderived:", `\nmonitor: { drift_by: ${v} }\nderived:`);
  const ok = writeShop(shopFiles(), by("[model]"));
  assert.deepEqual(loadContract(ok.contract).contract.monitor, { driftBy: ["model"] });
  contractError(
    by("[make]"),
    /monitor\.drift_by\[0\]: 'make' is not an attribute of the machine table \(known: model, age\)/,
  );
  contractError(by("[model, age]"), /monitor\.drift_by\[1\]: 'age' is a number/);
  contractError(by("[model, model]"), /monitor\.drift_by: names an attribute twice/);
  contractError(
    by("[model]")
      .replace(/attributes:\n(.*\n){5}/, "")
      .replace(/derived:\n.*\n/, ""),
    /monitor\.drift_by: groups machines by the machine table/,
  );
  contractError(
    CONTRACT.replace("\nderived:", "\nmonitor: { drift: [model] }\nderived:"),
    /monitor\.drift: unknown key/,
  );
});

// Telemetry from several files, one per make, each with its own column names: a reading lists every
// name it goes by, `telemetry:` takes a list or a pattern, and errors still name the right file and row.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { readContractData } from "../../src/data/contract-data.js";
import { CONTRACT, shopFiles, writeShop } from "./helpers.js";

const MULTI = CONTRACT.replace("telemetry: telemetry.csv", 'telemetry: ["exports/*.csv"]').replace(
  'column: "Load [%]"',
  'column: ["Load [%]", S_LOAD]',
);

/** The tiny shop's telemetry split by machine: M1 as before, M2 as another controller writes it. */
function split(dir: string, m2: (line: string) => string, m2Header = "ts,machine,S_LOAD"): void {
  const lines = shopFiles()["telemetry.csv"].trim().split("\n");
  mkdirSync(join(dir, "exports"), { recursive: true });
  const m1 = lines.filter((l, i) => i === 0 || l.includes(",M1,"));
  const other = lines.filter((l) => l.includes(",M2,")).map(m2);
  writeFileSync(join(dir, "exports", "a-haas.csv"), `${m1.join("\n")}\n`);
  writeFileSync(join(dir, "exports", "b-siemens.csv"), `${[m2Header, ...other].join("\n")}\n`);
}

const dropVib = (l: string) => l.split(",").slice(0, 3).join(",");

test("one file per make: columns by any of their names, a sensor a make lacks is missing there", () => {
  const one = readContractData(loadContract(writeShop(shopFiles()).contract).contract, {
    learn: true,
    labels: "require",
  });
  const shop = writeShop(shopFiles(), MULTI);
  split(shop.dir, dropVib);
  const d = readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
  assert.equal(d.telemetry.n, one.telemetry.n);
  const rowsOf = (x: typeof d, m: string) => {
    const k = x.telemetry.machines.indexOf(m);
    const out: number[][] = [];
    for (let i = 0; i < x.telemetry.n; i++)
      if (x.telemetry.machine[i] === k)
        out.push([x.telemetry.time[i], ...x.telemetry.values.map((v) => v[i])]);
    return out;
  };
  assert.deepEqual(rowsOf(d, "M1"), rowsOf(one, "M1"));
  const m2 = rowsOf(d, "M2");
  assert.deepEqual(
    m2.map((r) => r.slice(0, 2)),
    rowsOf(one, "M2").map((r) => r.slice(0, 2)),
  );
  assert.ok(
    m2.every((r) => Number.isNaN(r[2])),
    "the Siemens file has no vibration column",
  );
  assert.deepEqual(
    d.files.filter((f) => f.role === "telemetry").map((f) => f.file.slice(shop.dir.length + 1)),
    ["exports/a-haas.csv", "exports/b-siemens.csv"],
  );
  assert.ok(
    d.warnings.some((w) =>
      /b-siemens\.csv: no column for reading 'vib' \('vib_rms'\): missing in its 72 rows/.test(w),
    ),
  );
});

test("several files: errors name the file and its own row; a name no file has, or two at once, are errors", () => {
  const fails = (
    m2: (l: string) => string,
    header: string | undefined,
    pattern: RegExp,
    contract = MULTI,
  ) => {
    const shop = writeShop(shopFiles(), contract);
    split(shop.dir, m2, header);
    assert.throws(
      () => readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" }),
      (e: unknown) => isMillwrightError(e) && pattern.test(e.message),
    );
  };
  // The second row of the Siemens file (line 3 in it) has a load beyond max.
  let n = 0;
  fails(
    (l) => (++n === 2 ? dropVib(l).replace(/,M2,\d+/, ",M2,250") : dropVib(l)),
    undefined,
    /exports\/b-siemens\.csv row 3, S_LOAD: 250 % is outside 0–200/,
  );
  fails(dropVib, "ts,machine,S_LOAD_TYPO", /b-siemens\.csv: missing column 'Load \[%\]' or 'S_LOAD'/);
  fails(
    (l) => `${dropVib(l)},${l.split(",")[2]}`,
    "ts,machine,S_LOAD,Load [%]",
    /columns 'Load \[%\]' and 'S_LOAD' are both/,
  );
  fails(
    dropVib,
    undefined,
    /no telemetry file has column 'vibration'/,
    MULTI.replace("column: vib_rms", "column: vibration"),
  );
  fails(
    dropVib,
    undefined,
    /exports\/\*\.txt \(telemetry\): no file matches/,
    MULTI.replace("exports/*.csv", "exports/*.txt"),
  );
});

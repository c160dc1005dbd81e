// `millwright check` on a shop with one export per make (trial 2): `--data` one make's file is read
// as predict and evaluate read it (an optional reading it has no column for is a warning), a
// failing check under --json still prints JSON, and a category reading lists its levels.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { CONTRACT, shopFiles, writeShop } from "../contract/helpers.js";

// Two makes: the Haas file has the vibration, an operating mode and a program; the Siemens file
// calls the load S_LOAD and has none of the three (all optional).
const MULTI = CONTRACT.replace("telemetry: telemetry.csv", 'telemetry: ["exports/*.csv"]')
  .replace('column: "Load [%]"', 'column: ["Load [%]", S_LOAD]')
  .replace(
    "attributes:",
    `  - { name: mode, column: op_mode, kind: category, levels: [AUTO, MDI], optional: true }
  - { name: program, column: program, kind: category, optional: true }
attributes:`,
  );

/** Op modes of the Haas rows: 54 AUTO, 12 MDI, 6 JOG (not in the contract's levels). */
const mode = (i: number) => (i % 12 === 0 ? "JOG" : i % 4 === 0 ? "MDI" : "AUTO");
/** Programs: P01–P11 one row each, P12 the other 61: more levels than are named. */
const program = (i: number) => `P${String(Math.min(i, 11) + 1).padStart(2, "0")}`;

function shop(siemens: (line: string, i: number) => string = (l) => l, header = "ts,machine,S_LOAD") {
  const s = writeShop(shopFiles(), MULTI);
  const lines = shopFiles()["telemetry.csv"].trim().split("\n");
  mkdirSync(join(s.dir, "exports"));
  const haas = lines.filter((l) => l.includes(",M1,")).map((l, i) => `${l},${mode(i)},${program(i)}`);
  const other = lines
    .filter((l) => l.includes(",M2,"))
    .map((l, i) => siemens(l.split(",").slice(0, 3).join(","), i));
  writeFileSync(
    join(s.dir, "exports", "a-haas.csv"),
    `${[`${lines[0]},op_mode,program`, ...haas].join("\n")}\n`,
  );
  writeFileSync(join(s.dir, "exports", "b-siemens.csv"), `${[header, ...other].join("\n")}\n`);
  return {
    ...s,
    haas: join(s.dir, "exports", "a-haas.csv"),
    siemens: join(s.dir, "exports", "b-siemens.csv"),
  };
}

test("check --data one make's file that lacks optional readings: read as predict reads it, with a warning", async () => {
  const s = shop();
  const r = await runCli(["check", "--contract", s.contract, "--data", s.siemens]);
  // Was exit 2: "missing columns 'vib_rms' (…readings[1].column), 'op_mode' …, 'program' …".
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /warning: .*b-siemens\.csv: no column for reading 'vib' \('vib_rms'\), reading 'mode' \('op_mode'\), reading 'program' \('program'\): missing in its 72 rows/,
  );
  assert.match(r.stdout, /vib\s+0\.0 %\s+no column in the file read/);
  // The make's lack is the warning: no "no value in any row" problem, so --strict does not stop on it.
  const json = await runCli(["check", "--contract", s.contract, "--data", s.siemens, "--json", "--strict"]);
  const p = JSON.parse(json.stdout);
  assert.ok(!p.problems.some((x: string) => /no value in any row/.test(x)), p.problems.join("\n"));
  assert.deepEqual(
    p.readings.filter((x: { no_column?: boolean }) => x.no_column).map((x: { name: string }) => x.name),
    ["vib", "mode", "program"],
  );
  assert.equal(json.code, p.problems.length > 0 ? 1 : 0);
  // A column present but empty in every row is still a problem (--strict: 1).
  const empty = shop((l) => `${l},`, "ts,machine,S_LOAD,vib_rms");
  const e = await runCli(["check", "--contract", empty.contract, "--data", empty.siemens, "--strict"]);
  assert.equal(e.code, 1, e.stderr);
  assert.match(e.stdout, /- vib \('vib_rms'\): no value in any row/);
  // A reading that is not optional is still an error, as in predict: exit 2 naming the key.
  const typo = shop((l) => l, "ts,machine,S_LOAD_TYPO");
  const t = await runCli(["check", "--contract", typo.contract, "--data", typo.siemens]);
  assert.equal(t.code, 2);
  assert.match(
    t.stderr,
    /b-siemens\.csv: missing column 'Load \[%\]' or 'S_LOAD' \(.*shop\.yaml: readings\[0\]\.column\)/,
  );
  // The contract's whole telemetry: a column no file has is still an error (a misspelt name).
  const whole = await runCli(["check", "--contract", s.contract]);
  assert.equal(whole.code, 0, whole.stderr);
});

test("check: a category reading lists its levels by rows, the top 10, and marks those not in levels:", async () => {
  const s = shop();
  const r = await runCli(["check", "--contract", s.contract]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /mode\s+45\.8 %\s+levels AUTO 54, MDI 12, JOG 6 \(not in levels:, read as missing\)\s+\('op_mode'\)/,
  );
  assert.match(
    r.stdout,
    /program\s+50\.0 %\s+levels P12 61, P01 1, P02 1, P03 1, P04 1, P05 1, P06 1, P07 1, P08 1, P09 1, … 2 more \(2 rows\)/,
  );
  const p = JSON.parse((await runCli(["check", "--contract", s.contract, "--json"])).stdout);
  const byName = (n: string) => p.readings.find((x: { name: string }) => x.name === n);
  assert.deepEqual(byName("mode").levels, [
    { level: "AUTO", rows: 54, listed: true },
    { level: "MDI", rows: 12, listed: true },
    { level: "JOG", rows: 6, listed: false },
  ]);
  assert.equal(byName("program").levels.length, 10);
  assert.deepEqual(byName("program").more_levels, { levels: 2, rows: 2 });
  assert.equal(byName("load").levels, undefined);
});

test("check --json on data that cannot be read: a JSON error on stdout with each file's errors by kind, exit 2", async () => {
  // Every Siemens row has an epoch time; the Haas file has 25 loads beyond max before it.
  const s = shop((l, i) => l.replace(/^[^,]+/, String(1767225600 + i * 3600)));
  const haas = join(s.dir, "exports", "a-haas.csv");
  const { readFileSync } = await import("node:fs");
  let n = 0;
  writeFileSync(
    haas,
    readFileSync(haas, "utf8").replace(/,M1,\d+,/g, (m) => (++n <= 25 ? ",M1,250," : m)),
  );
  const r = await runCli(["check", "--contract", s.contract, "--json"]);
  assert.equal(r.code, 2);
  const e = JSON.parse(r.stdout).error;
  assert.equal(e.code, "MW_CSV");
  assert.equal(e.error_count, 25 + 72);
  assert.match(e.message, /^2 telemetry files: 97 errors\n/);
  assert.deepEqual(
    e.by_file.map((f: { file: string; count: number; kinds: unknown }) => [
      f.file.slice(s.dir.length + 1),
      f.count,
      f.kinds,
    ]),
    [
      ["exports/a-haas.csv", 25, [{ kind: "Load [%]: outside 0–200 %", count: 25 }]],
      ["exports/b-siemens.csv", 72, [{ kind: "ts: not an ISO 8601 time", count: 72 }]],
    ],
  );
  // The Siemens file's first error is among the 20 lines, though the Haas file's 25 come first.
  assert.ok(
    e.errors.some((x: string) => /b-siemens\.csv row 2, ts: '1767225600' is not an ISO 8601 time/.test(x)),
  );
  // A person still reads it on stderr, with the summary.
  assert.match(
    r.stderr,
    /errors by file:\n {2}.*a-haas\.csv: 25 errors \(25 × Load \[%\]: outside 0–200 %\)\n {2}.*b-siemens\.csv: 72 errors \(72 × ts: not an ISO 8601 time\)/,
  );
  // Without --json, stdout stays empty.
  const text = await runCli(["check", "--contract", s.contract]);
  assert.equal(text.code, 2);
  assert.equal(text.stdout, "");
});

// Export quirks a shop's files have, read by contract options instead of preprocessing scripts
// (trial 2): epoch times, "no value" sentinels (-9999), rows an exporter wrote twice, and a time or
// machine column that each make's file names its own way. Known answers throughout.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keptRows } from "../../src/cli/prediction-csv.js";
import { loadContract } from "../../src/contract/load.js";
import { contractFromJSON, contractToJSON } from "../../src/contract/serialize.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { readContractData } from "../../src/data/contract-data.js";
import { parseCsv } from "../../src/data/csv.js";
import { epochHint, formatProblem, notATime, timeParser, timeWords } from "../../src/data/time-format.js";
import { toColumns } from "../../src/pipeline/readings.js";
import { CONTRACT, contractError, shopFiles, writeShop } from "../contract/helpers.js";

const utc = (s: string) => Date.parse(s);

/** The tiny shop's contract labelled by a column (no event files), with `time` as given. */
const labelled = (time = "time: { column: ts }") =>
  CONTRACT.replace("time: { column: ts }", time).replace(
    /\n(attributes|derived|history|events|failures):[\s\S]*$/,
    "\nlabels: { column: failed }\n",
  );

const HEADER = "ts,machine,Load [%],vib_rms,failed";

/** The files read, with the shop's folder left out of the warnings (they name files by path). */
function read(contract: string, files: Record<string, string>) {
  const shop = writeShop(files, contract);
  const d = readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
  return { ...d, warnings: d.warnings.map((w) => w.replaceAll(`${shop.dir}/`, "")) };
}

function readError(contract: string, files: Record<string, string>): string {
  const shop = writeShop(files, contract);
  try {
    readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
  } catch (e) {
    if (isMillwrightError(e)) return e.message.replaceAll(`${shop.dir}/`, "");
    throw e;
  }
  assert.fail("the files were read");
}

test("time.format epoch and epoch_ms: known instants, a fraction, ISO too, a zone does not move them", () => {
  const s = timeParser({ format: "epoch" });
  assert.equal(s("1767619040"), utc("2026-01-05T13:17:20Z"));
  assert.equal(s(" 1767619040.25 "), utc("2026-01-05T13:17:20.250Z"));
  assert.equal(s("1767619040,5"), utc("2026-01-05T13:17:20.500Z"), "a decimal comma's fraction");
  assert.equal(s("2026-01-05T13:17:20Z"), utc("2026-01-05T13:17:20Z"), "ISO 8601 is read too");
  for (const bad of ["", "abc", "1767619040x", "-1767619040", "1767619040000", "12345"])
    assert.ok(Number.isNaN(s(bad)), `'${bad}' is refused (milliseconds and 1970 are outside 1980–2100)`);
  const ms = timeParser({ format: "epoch_ms" });
  assert.equal(ms("1767619040123"), utc("2026-01-05T13:17:20.123Z"));
  assert.ok(Number.isNaN(ms("1767619040")), "seconds read as milliseconds would be January 1970");
  // An epoch time is an instant: the zone reads only an ISO time without an offset.
  const chicago = timeParser({ format: "epoch", zone: "America/Chicago" });
  assert.equal(chicago("1767619040"), utc("2026-01-05T13:17:20Z"));
  assert.ok(Number.isNaN(chicago.later("1767619040")));
  assert.equal(chicago("2026-01-05 07:17:20"), utc("2026-01-05T13:17:20Z"), "CST, −6");
  assert.equal(formatProblem("epoch"), null);
  assert.equal(formatProblem("epoch_ms"), null);
  assert.match(formatProblem("unix") ?? "", /give epoch \(Unix seconds, 1767619040\) or epoch_ms/);
  assert.match(formatProblem("EPOCH") ?? "", /give epoch/);
  assert.equal(
    timeWords({ format: "epoch" }),
    "Unix epoch seconds (such as 1767619040, 1980–2100) or an ISO 8601 time",
  );
});

test("a refused time cell of digits hints at the epoch format that reads it", () => {
  assert.equal(
    notATime("1767619040", null, "time.format"),
    "'1767619040' is not an ISO 8601 time; it looks like Unix epoch seconds: time.format: epoch",
  );
  assert.match(
    notATime("1767619040000", null, "time.format"),
    /looks like Unix epoch milliseconds: time\.format: epoch_ms$/,
  );
  assert.match(notATime("1767619040000", { format: "epoch" }, "time.format"), /epoch_ms$/);
  assert.match(
    notATime("1767619040", { format: "epoch_ms" }, "time.format"),
    /seconds: time\.format: epoch$/,
  );
  // Digits that are no epoch time of 1980–2100 (a date written 20260105, a count): no hint.
  for (const s of ["20260105", "20260105131720", "42", "2026-01-05 xx"])
    assert.equal(epochHint(s, null, "time.format"), "");
});

test("epoch telemetry reads; a cell that is not a number is an error naming file, row and column", () => {
  const contract = labelled("time: { column: ts, format: epoch }");
  const rows = [0, 1, 2].map((h) => `${1767619040 + h * 3600},M1,${50 + h},1.5,0`);
  const d = read(contract, { "telemetry.csv": `${HEADER}\n${rows.join("\n")}\n` });
  assert.deepEqual(
    [...d.telemetry.time].map((t) => new Date(t).toISOString()),
    ["2026-01-05T13:17:20.000Z", "2026-01-05T14:17:20.000Z", "2026-01-05T15:17:20.000Z"],
  );
  const bad = [rows[0], "n/a,M1,51,1.5,0", rows[2]];
  assert.match(
    readError(contract, { "telemetry.csv": `${HEADER}\n${bad.join("\n")}\n` }),
    /telemetry\.csv row 3, ts: 'n\/a' is not Unix epoch seconds \(such as 1767619040, 1980–2100\) or an ISO 8601 time/,
  );
  // The same file under an ISO contract: the hint names the format that reads it.
  assert.match(
    readError(labelled(), { "telemetry.csv": `${HEADER}\n${rows.join("\n")}\n` }),
    /telemetry\.csv row 2, ts: '1767619040' is not an ISO 8601 time; it looks like Unix epoch seconds: time\.format: epoch/,
  );
  // Rows out of order show the instants, since the digits say nothing to a reader.
  assert.match(
    readError(contract, { "telemetry.csv": `${HEADER}\n${[rows[1], rows[0]].join("\n")}\n` }),
    /'1767619040' \(2026-01-05 13:17 UTC\) comes after '1767622640' \(2026-01-05 14:17 UTC\) \(row 2\)/,
  );
});

test("an event table's own epoch time, and the hint naming that table's key", () => {
  const contract = CONTRACT.replace(
    "time: ts, machine: machine, kind: code",
    "time: { column: ts, format: epoch }, machine: machine, kind: code",
  );
  const alarms = "ts,machine,code\n1767225600,M1,SV0401\n1767227400,M1,SV0401\n";
  const d = read(contract, { ...shopFiles(), "alarms.csv": alarms });
  assert.deepEqual(
    [...d.events[0].time].map((t) => new Date(t).toISOString()),
    ["2026-01-01T00:00:00.000Z", "2026-01-01T00:30:00.000Z"],
  );
  assert.match(
    readError(CONTRACT, { ...shopFiles(), "alarms.csv": alarms }),
    /alarms\.csv row 2, ts: '1767225600' is not an ISO 8601 time; it looks like Unix epoch seconds: events\[0\]\.time\.format: epoch/,
  );
});

test("the API reads a posted timestamp by the same rules: epoch digits as text, or ISO", () => {
  const c = loadContract(
    writeShop(shopFiles(), labelled("time: { column: ts, format: epoch }")).contract,
  ).contract;
  const cols = toColumns(
    c,
    [
      { machine_id: "M1", timestamp: "1767619040", load: 50 },
      { machine_id: "M1", timestamp: "2026-01-05T14:17:20Z", load: 50 },
    ],
    false,
  );
  assert.deepEqual([...cols.time], [utc("2026-01-05T13:17:20Z"), utc("2026-01-05T14:17:20Z")]);
  assert.throws(
    () => toColumns(c, [{ machine_id: "M1", timestamp: "soon", load: 50 }], false),
    /readings\[0\]\.timestamp: must be Unix epoch seconds \(such as 1767619040, 1980–2100\) or an ISO 8601 time/,
  );
});

test("missing: a sentinel cell is an empty cell, compared as written before conversion", () => {
  const contract = labelled().replace(
    "{ name: vib, column: vib_rms, unit: mm/s, min: 0, max: 100, optional: true }",
    '{ name: vib, column: [vib_rms, { column: VIB_F, unit: "in/s", missing: [999] }], unit: mm/s, min: 0, max: 100, optional: true, missing: [-9999, 9999] }',
  );
  const stamp = (h: number) => `2026-01-01T0${h}:00:00Z`;
  const rows = [`${stamp(0)},M1,50,-9999,0`, `${stamp(1)},M1,50,9999.0,0`, `${stamp(2)},M1,50,2.5,0`];
  const d = read(contract, { "telemetry.csv": `${HEADER}\n${rows.join("\n")}\n` });
  const vib = [...d.telemetry.values[1]];
  assert.ok(Number.isNaN(vib[0]) && Number.isNaN(vib[1]));
  assert.equal(vib[2], 2.5);
  assert.ok(
    d.warnings.includes(
      "telemetry.csv: 2 cells of vib hold a missing value (-9999, 9999, 999; shop.yaml: readings[1].missing): read as missing",
    ),
    d.warnings.join("\n"),
  );
  // The °F-like column's own 999 (in/s, as written) is missing there; in the mm/s column it is a value.
  const other = `ts,machine,Load [%],VIB_F,failed\n${stamp(0)},M2,50,999,0\n${stamp(1)},M2,50,0.1,0\n`;
  const two = contract.replace("telemetry: telemetry.csv", "telemetry: [a.csv, b.csv]");
  const both = read(two, { "a.csv": `${HEADER}\n${rows.join("\n")}\n`, "b.csv": other });
  const m2 = both.telemetry.machines.indexOf("M2");
  const m2vib = [...both.telemetry.values[1]].filter((_, i) => both.telemetry.machine[i] === m2);
  assert.ok(Number.isNaN(m2vib[0]));
  assert.ok(Math.abs(m2vib[1] - 2.54) < 1e-9, "0.1 in/s is 2.54 mm/s");
  assert.match(
    readError(contract, { "telemetry.csv": `${HEADER}\n${stamp(0)},M1,50,999,0\n` }),
    /row 2, vib_rms: 999 mm\/s is outside 0–100/,
  );
  // Not optional: the error an empty cell gives, naming the sentinel.
  const required = contract.replace("max: 100, optional: true, missing", "max: 100, missing");
  assert.match(
    readError(required, { "telemetry.csv": `${HEADER}\n${rows.join("\n")}\n` }),
    /telemetry\.csv row 2, vib_rms: empty: '-9999' is a missing value \(shop\.yaml: readings\[1\]\.missing\), and vib is not optional/,
  );
});

test("a converted value out of range is said to 6 significant digits", () => {
  const contract = labelled().replace(
    "{ name: vib, column: vib_rms, unit: mm/s, min: 0, max: 100, optional: true }",
    '{ name: temp, column: [temp_c, { column: COOLANT_F, unit: "°F" }], unit: "°C", min: 0, max: 80 }',
  );
  assert.match(
    readError(contract, {
      "telemetry.csv": `ts,machine,Load [%],COOLANT_F,failed\n2026-01-01T00:00:00Z,M1,50,-9999,0\n`,
    }),
    /row 2, COOLANT_F: -9999 °F, read as -5572\.78 °C is outside 0–80 \(shop\.yaml: readings\[1\]\)$/m,
  );
});

test("missing: mistakes name the key", () => {
  const vib = "{ name: vib, column: vib_rms, unit: mm/s, min: 0, max: 100, optional: true }";
  contractError(
    CONTRACT.replace(vib, "{ name: vib, column: vib_rms, missing: [n/a] }"),
    /readings\[1\]\.missing\[0\]: must be a number as the file writes it \(such as -9999\), got 'n\/a'/,
  );
  contractError(
    CONTRACT.replace(vib, "{ name: vib, column: vib_rms, missing: [] }"),
    /readings\[1\]\.missing: must not be empty/,
  );
  contractError(
    CONTRACT.replace(vib, "{ name: vib, column: vib_rms, kind: category, missing: [-1] }"),
    /readings\[1\]\.missing: is for numbers/,
  );
  contractError(
    CONTRACT.replace(vib, "{ name: vib, column: [vib_rms, { column: V2, missing: [-1] }] }"),
    /readings\[1\]\.column\[1\]: give the column's unit.*takes the reading's missing:/,
  );
  // One number is a list of one.
  const one = loadContract(
    writeShop(shopFiles(), CONTRACT.replace(vib, "{ name: vib, column: vib_rms, missing: -9999 }")).contract,
  );
  assert.deepEqual(one.contract.readings[1].missing, [-9999]);
});

test("a row written twice: the message names both rows and says so; two different rows at one time say how", () => {
  const stamp = (h: number) => `2026-01-01T0${h}:00:00Z`;
  const rows = [
    `${stamp(0)},M1,50,1.5,0`,
    `${stamp(1)},M1,51,1.5,0`,
    `${stamp(1)},M1,51,1.5,0`,
    `${stamp(2)},M1,52,1.5,0`,
  ];
  const file = { "telemetry.csv": `${HEADER}\n${rows.join("\n")}\n` };
  assert.match(
    readError(labelled(), file),
    /telemetry\.csv row 4, ts: a second row for machine 'M1' at the same time as row 3: the same row twice \(the exporter repeated it\): drop one, or give csv: \{ duplicates: drop \}/,
  );
  const differ = [rows[0], rows[1], `${stamp(1)},M1,57,1.5,0`, rows[3]];
  assert.match(
    readError(labelled(), { "telemetry.csv": `${HEADER}\n${differ.join("\n")}\n` }),
    /row 4, ts: a second row for machine 'M1' at the same time as row 3 \(Load \[%\]: '51' there, '57' here\): which one is right\?/,
  );
  // csv.duplicates: drop leaves the repeat out, counted; two different rows stay an error.
  const drop = labelled().replace(
    "telemetry: telemetry.csv",
    "telemetry: telemetry.csv\ncsv: { duplicates: drop }",
  );
  const d = read(drop, file);
  assert.equal(d.telemetry.n, 3);
  assert.deepEqual([...d.telemetry.values[0]], [50, 51, 52]);
  assert.deepEqual([...d.telemetry.line], [2, 3, 5]);
  assert.deepEqual([...(d.telemetry.labels?.get("machine_failure") ?? [])], [0, 0, 0]);
  assert.ok(
    d.warnings.includes(
      "telemetry.csv: 1 row repeating its machine's row before, cell for cell, left out (shop.yaml: csv.duplicates: drop; the first: telemetry.csv row 4)",
    ),
    d.warnings.join("\n"),
  );
  // predict writes the rows it scored: the file's, less the repeat.
  const scored = keptRows(parseCsv(file["telemetry.csv"]), d.telemetry);
  assert.deepEqual(
    scored.rows,
    [rows[0], rows[1], rows[3]].map((r) => r.split(",")),
  );
  assert.match(
    readError(drop, { "telemetry.csv": `${HEADER}\n${differ.join("\n")}\n` }),
    /which one is right\?/,
  );
  contractError(
    CONTRACT.replace("telemetry: telemetry.csv", "telemetry: telemetry.csv\ncsv: { duplicates: keep }"),
    /csv\.duplicates: must be drop .* or error, got 'keep'/,
  );
});

test("time and machine columns named per file: the first name the file has; both in one file is an error", () => {
  const contract = labelled("time: { column: [ts, DateTimeUTC] }")
    .replace("machine: { column: machine }", "machine: { column: [machine, MachineNo] }")
    .replace("telemetry: telemetry.csv", "telemetry: [a.csv, b.csv]");
  const a = `${HEADER}\n2026-01-01T00:00:00Z,M1,50,1.5,0\n2026-01-01T01:00:00Z,M1,51,1.5,0\n`;
  const b =
    "DateTimeUTC,MachineNo,Load [%],vib_rms,failed\n2026-01-01T00:00:00Z,L1,60,2,0\n2026-01-01T01:00:00Z,L1,61,2,1\n";
  const d = read(contract, { "a.csv": a, "b.csv": b });
  assert.deepEqual(d.telemetry.machines, ["M1", "L1"]);
  assert.deepEqual([...d.telemetry.values[0]], [50, 51, 60, 61]);
  const c = loadContract(writeShop({}, contract).contract).contract;
  assert.deepEqual(
    [c.time?.column, c.time?.aliases, c.machine?.column, c.machine?.aliases],
    ["ts", ["DateTimeUTC"], "machine", ["MachineNo"]],
  );
  // Stored with a model and read back: the names stay.
  assert.deepEqual(contractFromJSON(JSON.parse(JSON.stringify(contractToJSON(c))), "m").time?.aliases, [
    "DateTimeUTC",
  ]);
  // Errors name the file's own time column.
  assert.match(
    readError(contract, { "a.csv": a, "b.csv": b.replace("2026-01-01T01:00:00Z,L1", "yesterday,L1") }),
    /b\.csv row 3, DateTimeUTC: 'yesterday' is not an ISO 8601 time/,
  );
  assert.match(
    readError(contract, {
      "a.csv": a,
      "b.csv": b
        .replace("DateTimeUTC,MachineNo", "DateTimeUTC,machine,MachineNo")
        .replace(/,L1,/g, ",L1,L1,"),
    }),
    /b\.csv: columns 'machine' and 'MachineNo' are both shop\.yaml: machine\.column; keep one name per file/,
  );
  assert.match(
    readError(contract, { "a.csv": a, "b.csv": b.replace("DateTimeUTC", "When") }),
    /b\.csv: missing column 'ts' or 'DateTimeUTC' \(shop\.yaml: time\.column\)/,
  );
  contractError(labelled("time: { column: [] }"), /time\.column: must not be empty/);
  // An event table's time is one column (its own file): a list there is still an error.
  contractError(
    CONTRACT.replace(
      "time: ts, machine: machine, kind: code",
      "time: { column: [ts, t] }, machine: machine, kind: code",
    ),
    /events\[0\]\.time\.column: must be a non-empty string, got a list/,
  );
});

test("a long export's time column by any of its names", () => {
  const contract = `version: 1
name: pi
telemetry: [a.csv, b.csv]
long: { tag: Tag, value: Value }
time: { column: [Timestamp, Zeit] }
machine: { column: Machine }
readings:
  - { name: load, column: LOAD }
labels: { column: FAILED }
`;
  const a = "Timestamp,Machine,Tag,Value\n2026-01-01T00:00:00Z,M1,LOAD,5\n2026-01-01T00:00:00Z,M1,FAILED,0\n";
  const b = "Zeit,Machine,Tag,Value\n2026-01-01T00:00:00Z,M2,LOAD,7\n2026-01-01T00:00:00Z,M2,FAILED,1\n";
  const d = read(contract, { "a.csv": a, "b.csv": b });
  assert.deepEqual(d.telemetry.machines, ["M1", "M2"]);
  assert.deepEqual([...d.telemetry.values[0]], [5, 7]);
});

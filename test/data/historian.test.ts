// The historian simulation's files: same seed same bytes, per-model sensor sets, every cell within
// the example contract's limits, events sorted and for known machines, every failure repaired, and
// the committed sample still what the generator writes. Reads the CSV text, as a user's tool would.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { MillwrightError } from "../../src/core/errors.js";
import { parseCsv } from "../../src/data/csv.js";
import { simulateHistorian } from "../../src/data/historian.js";
import { HISTORIAN_FILES, historianToCsv } from "../../src/data/historian-csv.js";
import { COMPONENTS, HISTORIAN_MODELS, HISTORIAN_SENSORS } from "../../src/data/historian-spec.js";

const OPTS = { machines: 24, days: 60, seed: 7 };
const t0 = performance.now();
const files = historianToCsv(simulateHistorian(OPTS));
const elapsedMs = performance.now() - t0;
const tables = Object.fromEntries(HISTORIAN_FILES.map((f) => [f, parseCsv(files[f])]));
const tel = tables["telemetry.csv"];
const machines = tables["machines.csv"];
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** The repo root: two levels up from test/data (tsx), three from dist/test/data (compiled). */
function repoRoot(): string {
  for (const rel of ["../..", "../../.."]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(p, "examples", "contracts", "historian.yaml"))) return p;
  }
  throw new Error("cannot find examples/contracts/historian.yaml from the test file");
}
const CONTRACT_PATH = join(repoRoot(), "examples", "contracts", "historian.yaml");
const contract = parseYaml(readFileSync(CONTRACT_PATH, "utf8"));

test("24 machines × 60 days: one row per machine and hour", () => {
  assert.equal(tel.rows.length, 24 * 60 * 24);
  // Speed is a benchmark's job, not a test's (a loaded box took 3 s once): printed, not asserted.
  console.log(`historian: 24 machines × 60 days generated in ${elapsedMs.toFixed(0)} ms`);
});

test("same seed gives the same bytes in every file; another seed gives other bytes", () => {
  const again = historianToCsv(simulateHistorian(OPTS));
  for (const f of HISTORIAN_FILES) assert.equal(again[f], files[f], f);
  const other = historianToCsv(simulateHistorian({ ...OPTS, seed: 8 }));
  assert.notEqual(other["telemetry.csv"], files["telemetry.csv"]);
  assert.notEqual(other["failures.csv"], files["failures.csv"]);
  assert.equal(other["telemetry.csv"].split("\n")[0], files["telemetry.csv"].split("\n")[0]);
});

test("bad options are MW_BAD_INPUT", () => {
  for (const o of [{ machines: 0 }, { days: 0 }, { start: "yesterday" }, { start: "2026-01-05T00:30:00Z" }])
    assert.throws(
      () => simulateHistorian({ ...OPTS, ...o }),
      (e: unknown) => e instanceof MillwrightError && e.code === "MW_BAD_INPUT",
    );
});

test("telemetry: LF, header as documented, sorted by time then machine, UTC times without zone", () => {
  assert.ok(!files["telemetry.csv"].includes("\r"));
  assert.deepEqual(tel.header, ["timestamp", "machine_id", ...HISTORIAN_SENSORS.map((s) => s.column)]);
  const ids = machines.rows.map((r) => r[0]);
  for (let i = 0; i < tel.rows.length; i++) {
    const [ts, id] = tel.rows[i];
    assert.match(ts, TIME);
    assert.equal(id, ids[i % ids.length], `row ${i}`);
    if (i >= ids.length) assert.ok(ts > tel.rows[i - ids.length][0], `row ${i}: time not rising`);
  }
  assert.equal(tel.rows[0][0], "2026-01-05 00:00:00");
});

test("machines: at least 4 makes and models, each exporting its own sensor set; empty cells exactly where a model lacks a sensor", () => {
  assert.deepEqual(machines.header, ["machine_id", "make_model", "age_years"]);
  const modelOf = new Map(machines.rows.map((r) => [r[0], r[1]]));
  const sets = new Map(HISTORIAN_MODELS.map((m) => [m.name, new Set<string>(m.sensors)]));
  assert.ok(new Set(modelOf.values()).size >= 4);
  assert.ok(new Set([...sets.values()].map((s) => [...s].sort().join())).size >= 4, "sensor sets differ");
  for (const r of machines.rows) assert.ok(Number(r[2]) >= 1 && Number(r[2]) <= 40, `age ${r[2]}`);
  for (const row of tel.rows) {
    const has = sets.get(modelOf.get(row[1]) ?? "");
    assert.ok(has, `unknown machine ${row[1]}`);
    HISTORIAN_SENSORS.forEach((s, k) => {
      assert.equal(row[2 + k] === "", !has.has(s.name), `${row[1]} ${row[0]} ${s.column}`);
    });
  }
});

test("the example contract describes these files: every cell within its min/max, empty cells only where optional", () => {
  assert.equal(contract.version, 1);
  assert.deepEqual(contract.history, {
    windows: ["6h", "24h"],
    stats: ["mean", "std", "min", "max", "slope"],
    readings: "all",
  });
  const col = new Map(tel.header.map((h, i) => [h, i]));
  for (const r of contract.readings) {
    const i = col.get(r.column);
    assert.ok(i !== undefined, `contract column '${r.column}' not in telemetry.csv`);
    let empty = 0;
    for (const row of tel.rows) {
      if (row[i] === "") {
        empty++;
        continue;
      }
      const v = Number(row[i]);
      assert.ok(v >= r.min && v <= r.max, `${r.column} = ${row[i]} outside [${r.min}, ${r.max}]`);
    }
    // optional: true exactly for the columns some model leaves empty.
    assert.equal(r.optional === true, empty > 0, `${r.name}: optional ${r.optional}, ${empty} empty cells`);
  }
  assert.equal(contract.attributes.key, "machine_id");
  for (const c of contract.attributes.columns) assert.ok(machines.header.includes(c.column), c.column);
  const dir = dirname(CONTRACT_PATH);
  const paths = [contract.telemetry, contract.attributes.file, contract.failures.file];
  for (const e of contract.events) paths.push(e.file);
  for (const p of paths) assert.ok(existsSync(join(dir, p)), `${p} (relative to the contract) is missing`);
});

test("the committed sample is what the generator writes (regenerate with the command in the contract)", () => {
  const sample = historianToCsv(simulateHistorian({ machines: 12, days: 45, seed: 7 }));
  const dir = join(repoRoot(), "examples", "historian");
  for (const f of HISTORIAN_FILES) assert.equal(readFileSync(join(dir, f), "utf8"), sample[f], f);
});

test("events: sorted by time then machine, known machines, known codes, components and reasons", () => {
  const order = new Map(machines.rows.map((r, i) => [r[0], i]));
  const components = new Set(COMPONENTS.map((c) => c.name));
  const heads: Record<string, string[]> = {
    "alarms.csv": ["timestamp", "machine_id", "code"],
    "maintenance.csv": ["timestamp", "machine_id", "component", "reason"],
    "failures.csv": ["timestamp", "machine_id", "component"],
  };
  for (const [f, header] of Object.entries(heads)) {
    const t = tables[f as keyof typeof tables];
    assert.deepEqual(t.header, header);
    assert.ok(t.rows.length > 0, f);
    let prev: [string, number] = ["", -1];
    for (const r of t.rows) {
      assert.match(r[0], TIME, f);
      const m = order.get(r[1]);
      assert.ok(m !== undefined, `${f}: unknown machine ${r[1]}`);
      assert.ok(r[0] > prev[0] || (r[0] === prev[0] && m >= prev[1]), `${f}: ${r[0]} ${r[1]} out of order`);
      prev = [r[0], m];
      if (f === "alarms.csv") assert.match(r[2], /^[A-Z]{2}\d{4}$/);
      else assert.ok(components.has(r[2] as never), `${f}: component ${r[2]}`);
      if (f === "maintenance.csv") assert.ok(r[3] === "scheduled" || r[3] === "failure", r[3]);
    }
  }
});

test("every failure has its telemetry row and is followed within hours by a failure replacement of that part", () => {
  const rowsAt = new Set(tel.rows.map((r) => `${r[0]}|${r[1]}`));
  const repairs = tables["maintenance.csv"].rows.filter((r) => r[3] === "failure");
  const fails = tables["failures.csv"].rows;
  assert.equal(repairs.length, fails.length);
  for (const [ts, id, comp] of fails) {
    assert.ok(rowsAt.has(`${ts}|${id}`), `no telemetry row at failure ${ts} ${id}`);
    const failMs = Date.parse(`${ts}Z`);
    const fix = repairs.find((r) => r[1] === id && r[2] === comp && r[0] > ts);
    assert.ok(fix, `failure ${ts} ${id} ${comp} never repaired`);
    const hours = (Date.parse(`${fix[0]}Z`) - failMs) / 3_600_000;
    assert.ok(hours >= 1 && hours <= 6, `repair after ${hours} h`);
  }
  // Scheduled replacements happen too, for every component.
  const scheduled = new Set(
    tables["maintenance.csv"].rows.filter((r) => r[3] === "scheduled").map((r) => r[2]),
  );
  assert.equal(scheduled.size, COMPONENTS.length);
});

// `millwright simulate --format historian --out DIR` as a real process: creates DIR, writes the five
// files whole (no temp files left), the bytes the library makes; an unknown --format exits 2.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { simulateHistorian } from "../../src/data/historian.js";
import { HISTORIAN_FILES, historianToCsv } from "../../src/data/historian-csv.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mw-hist-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("simulate --format historian writes the five files into a new directory", async () => {
  const out = join(dir, "nested", "fleet");
  const args = ["simulate", "--format", "historian", "--out", out, "--machines", "5", "--days", "3"];
  const r = await runCli([...args, "--seed", "11", "--start", "2026-03-02T06:00:00Z"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /360 hourly readings of 5 machines/);
  assert.deepEqual(readdirSync(out).sort(), [...HISTORIAN_FILES].sort());
  const want = historianToCsv(
    simulateHistorian({ machines: 5, days: 3, seed: 11, start: "2026-03-02T06:00:00Z" }),
  );
  for (const f of HISTORIAN_FILES) assert.equal(readFileSync(join(out, f), "utf8"), want[f], f);
  assert.ok(want["telemetry.csv"].startsWith("timestamp,machine_id,Spindle speed [rpm],"));
  assert.ok(want["telemetry.csv"].split("\n")[1].startsWith("2026-03-02 06:00:00,M01,"));
});

test("an unknown --format, a --start off the hour and --scenario with historian exit 2 and say why", async () => {
  const bad = await runCli(["simulate", "--format", "parquet", "--out", join(dir, "x")]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format: unknown 'parquet'; one of ai4i, historian/);
  const off = await runCli([
    "simulate",
    "--format",
    "historian",
    "--out",
    join(dir, "y"),
    "--start",
    "2026-03-02T06:30:00Z",
  ]);
  assert.equal(off.code, 2);
  assert.match(off.stderr, /whole hour/);
  const sc = await runCli([
    "simulate",
    "--format",
    "historian",
    "--out",
    join(dir, "z"),
    "--scenario",
    "hot-summer",
  ]);
  assert.equal(sc.code, 2);
  assert.match(sc.stderr, /ai4i only/);
});

// `millwright check --contract`: what a contract reads, said before any training (the real CLI).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { CONTRACT as SHOP_CONTRACT, writeShop } from "../contract/helpers.js";

const CONTRACT = join(process.cwd(), "examples", "contracts", "historian.yaml");

test("check: rows, machines, each sensor's presence and range, failures by kind, problems; --json", async () => {
  const text = await runCli(["check", "--contract", CONTRACT]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /contract historian-fleet: 12960 telemetry rows, 12 machines, 2026-01-05T00:00:00Z to/,
  );
  assert.match(text.stdout, /vibration\s+83\.3 %\s+[\d.]+ – [\d.]+ mm\/s/);
  assert.match(text.stdout, /failures: 12 \(/);
  assert.match(text.stdout, /failure kind 'coolant_pump': 2 failures, too few for a head of its own/);
  // Said as training decides it (rows within the horizon in the fit part and in validation), not
  // by a count of failures: the tool changer's 2 failures get a head, as `train` prints (trial G).
  assert.match(
    text.stdout,
    /failure kind 'tool_changer': only 2 failures, and train --contract gives it a head \(24 rows within its horizon in the fit part and 18 in validation/,
  );
  assert.doesNotMatch(text.stdout, /'tool_changer': 2 failures, too few/);
  // The task each group of machines gets (this contract has no for: overrides: one group a head).
  assert.match(
    text.stdout,
    /spindle_bearing own: spindle_bearing_replacement 6 h, parts 1,800, skills spindle; a failure costs 22,700; 12 machines \(Haas VF-2 3, /,
  );
  const json = await runCli(["check", "--contract", CONTRACT, "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const p = JSON.parse(json.stdout);
  assert.equal(p.rows, 12960);
  assert.equal(p.readings.length, 6);
  const kinds = p.failures.kinds as Record<string, number>;
  assert.equal(
    Object.values(kinds).reduce((a, b) => a + b, 0),
    12,
  );
  // Known answer: 12 failures, each labels the 24 hourly rows before it (none overlap in the sample).
  assert.equal(p.failures.positive_rows, 24 * 12);
  for (const r of p.readings)
    assert.ok(r.present > 0 && r.present <= 1 && r.min <= r.mean && r.mean <= r.max);
  // --strict: the same profile, and exit 1 because it lists a problem (the rare coolant pump).
  const strict = await runCli(["check", "--contract", CONTRACT, "--json", "--strict"]);
  assert.equal(strict.code, 1, strict.stderr);
  assert.deepEqual(JSON.parse(strict.stdout).problems, p.problems);
  assert.ok(p.problems.length > 0);
});

test("check: a contract naming a column the file lacks is exit 2 naming the file, column and key", async () => {
  const { mkdtempSync, readFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "mw-check-"));
  const bad = join(dir, "bad.yaml");
  writeFileSync(
    bad,
    readFileSync(CONTRACT, "utf8")
      .replace(/\.\.\/historian\//g, `${join(process.cwd(), "examples", "historian")}/`)
      .replace("column: vib_rms", "column: vibration_rms"),
  );
  const r = await runCli(["check", "--contract", bad]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /telemetry\.csv: missing column 'vibration_rms' \(.*bad\.yaml: readings\[2\]\.column\)/,
  );
});

test("check: rows out of order on an ordinary day with explicit offsets: the rows and sorting, no daylight-saving hint", async () => {
  // A trial's export: a swapped pair on a June day, times with +02:00, a zone in the contract.
  const contract = SHOP_CONTRACT.replace(
    "time: { column: ts }",
    "time: { column: ts, zone: Europe/Berlin }",
  ).replace(/\n(attributes|derived|history|events|failures):[\s\S]*$/, "\nlabels: { column: failed }\n");
  const stamps = ["2026-06-10T13:00:00+02:00", "2026-06-10T15:00:00+02:00", "2026-06-10T14:00:00+02:00"];
  const rows = stamps.map((t, i) => `${t},M1,${50 + i},1.5,0`);
  const shop = writeShop(
    { "telemetry.csv": `ts,machine,Load [%],vib_rms,failed\n${rows.join("\n")}\n` },
    contract,
  );
  const r = await runCli(["check", "--contract", shop.contract]);
  assert.equal(r.code, 2, r.stdout);
  assert.match(
    r.stderr,
    /telemetry\.csv row 4, ts: time goes backwards for machine 'M1' \(rows of a machine must be in time order\): '2026-06-10T14:00:00\+02:00' comes after '2026-06-10T15:00:00\+02:00' \(row 3\), so the rows are out of order; sort the file by time/,
  );
  assert.doesNotMatch(r.stderr, /clocks go forward|daylight saving/);
});

test("check: a kind that does not apply to a make (applies: false) is said so for its machines", async () => {
  const { mkdtempSync, readFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "mw-check-"));
  const file = join(dir, "lathes.yaml");
  writeFileSync(
    file,
    readFileSync(CONTRACT, "utf8")
      .replace(/\.\.\/historian\//g, `${join(process.cwd(), "examples", "historian")}/`)
      .replace(
        /(\n {4}tool_changer:\n(?: {6}.*\n)+)/,
        "$1      for:\n        - { match: { model: [Okuma LB3000, Mazak QTN-200] }, applies: false }\n",
      ),
  );
  const r = await runCli(["check", "--contract", file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /tool_changer for\[0\]: model Okuma LB3000 or Mazak QTN-200: does not apply \(applies: false\): no task, risk or failure cost planned; 4 machines \((Okuma LB3000 2, Mazak QTN-200 2|Mazak QTN-200 2, Okuma LB3000 2)\)/,
  );
  assert.match(r.stdout, /tool_changer own: tool_changer_service 3 h, .*; 8 machines/);
});

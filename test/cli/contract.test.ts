// The data-contract commands as a user runs them (the real CLI, spawned): train --contract, then
// predict and evaluate with no contract (it travels with the version), and every bad input an
// exit code 2 with a message naming the file, key or option.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { parseCsv } from "../../src/data/csv.js";
import { datasetsOf } from "../../src/registry/datasets.js";
import { runCli } from "../helpers/cli.js";
import { historianShop } from "../helpers/historian.js";

let dir: string;
let contract: string;
let data: string;

before(() => {
  const shop = historianShop({ machines: 16, days: 60, seed: 11 }, "mw-cli-contract-");
  dir = shop.dir;
  contract = shop.contract;
  data = shop.telemetry;
});

test("train --contract, then predict and evaluate without it", async () => {
  const reg = join(dir, "models");
  const t = await runCli(["train", "--contract", contract, "--registry", reg, "--json"]);
  assert.equal(t.code, 0, t.stderr);
  const res = JSON.parse(t.stdout);
  assert.equal(res.version, "1.0.0");
  assert.equal(res.contract, "historian-fleet");
  assert.ok(res.split.test > 0 && res.split.fit > res.split.test);
  assert.ok("machine_failure" in res.heads);
  // Every file trained on is kept by content beside the registry, and the lineage names it.
  const lineage = JSON.parse(readFileSync(join(reg, "versions", "1.0.0", "lineage.json"), "utf8"));
  assert.deepEqual(lineage.data.map((d: { role: string }) => d.role).sort(), [
    "alarms",
    "attributes",
    "failures",
    "maintenance",
    "telemetry",
  ]);
  for (const d of lineage.data) {
    const kept = readFileSync(join(reg, d.dataset.path));
    assert.equal(createHash("sha256").update(kept).digest("hex"), d.sha256);
  }
  assert.deepEqual(datasetsOf(lineage).sort(), lineage.data.map((d: { sha256: string }) => d.sha256).sort());
  const card = readFileSync(join(reg, "versions", "1.0.0", "card.md"), "utf8");
  assert.match(card, /historian-fleet/);
  assert.match(card, /spindle vibration/); // the contract's words, not ours
  assert.doesNotMatch(card, /tool wear/);

  const out = join(dir, "scored.csv");
  const p = await runCli(["predict", "--data", data, "--out", out, "--registry", reg]);
  assert.equal(p.code, 0, p.stderr);
  const scored = parseCsv(readFileSync(out, "utf8"));
  const input = parseCsv(readFileSync(data, "utf8"));
  assert.equal(scored.rows.length, input.rows.length);
  assert.deepEqual(scored.header.slice(0, input.header.length), input.header);
  assert.ok(
    scored.header.includes("failure_probability") && scored.header.includes("spindle_bearing_probability"),
  );

  const e = await runCli(["evaluate", "--data", data, "--registry", reg, "--json"]);
  assert.equal(e.code, 0, e.stderr);
  const ev = JSON.parse(e.stdout);
  assert.ok(ev.pr_auc > 0 && ev.pr_auc <= 1);
  assert.ok(ev.censored > 0, "the last horizon of rows has no known label");
  assert.ok("spindle_bearing" in ev.heads);
});

test("--test-from splits where asked; --split machine holds out machines", async () => {
  const a = await runCli([
    "train",
    "--contract",
    contract,
    "--registry",
    join(dir, "m2"),
    "--test-from",
    "2026-02-01",
    "--json",
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(JSON.parse(a.stdout).split.testFrom, Date.UTC(2026, 1, 1));
  const b = await runCli([
    "train",
    "--contract",
    contract,
    "--registry",
    join(dir, "m3"),
    "--split",
    "machine",
    "--json",
  ]);
  assert.equal(b.code, 0, b.stderr);
  assert.match(JSON.parse(b.stdout).split.describe, /by machine: 3 of 16 machines held out/);
});

test("train says positive rows and the failures behind them, not positive rows as failures", async () => {
  const reg = join(dir, "m5");
  const t = await runCli(["train", "--contract", contract, "--registry", reg, "--test-from", "2026-02-01"]);
  assert.equal(t.code, 0, t.stderr);
  assert.doesNotMatch(t.stdout, /failures in test/);
  const m = t.stdout.match(
    /machine_failure\s+PR-AUC \S+\s+ROC-AUC \S+\s+recall \S+\s+test: ([\d,]+) positive rows \(([\d,]+) failures\)/,
  );
  assert.ok(m, t.stdout);
  const [positives, failures] = [Number(m[1].replace(/,/g, "")), Number(m[2].replace(/,/g, ""))];
  // The failures file's failures in the test part (from the cut on, hourly readings before each).
  const cut = Date.UTC(2026, 1, 1);
  const inFile = parseCsv(readFileSync(join(dir, "historian", "failures.csv"), "utf8")).rows.filter(
    (r) => Date.parse(`${r[0].replace(" ", "T")}Z`) > cut,
  ).length;
  assert.equal(failures, inFile);
  assert.ok(positives > 10 * failures, `${positives} positive rows, ${failures} failures`);
  const metrics = JSON.parse(readFileSync(join(reg, "versions", "1.0.0", "metrics.json"), "utf8"));
  assert.equal(metrics.test_failures.machine_failure, failures);
  const card = readFileSync(join(reg, "versions", "1.0.0", "card.md"), "utf8");
  assert.match(card, /\| head \| n \| positive rows \| failures \|/);
  assert.match(card, new RegExp(`\\| machine_failure \\| \\d+ \\| ${positives} \\| ${failures} \\|`));
  // The data's dates and the cuts, the base rate beside PR-AUC, and Brier (trial 7: none on the card).
  const lineage = JSON.parse(readFileSync(join(reg, "versions", "1.0.0", "lineage.json"), "utf8"));
  const iso = (t: number) => new Date(t).toISOString();
  assert.ok(card.includes(`, ${iso(lineage.time_range.from)} to ${iso(lineage.time_range.to)};`), card);
  assert.ok(card.includes(`test from ${iso(cut)}.`), card);
  assert.match(card, /validation from \d{4}-\d\d-\d\dT/);
  assert.match(
    card,
    /\| head \| n \| positive rows \| failures \| base rate \| PR-AUC \| ROC-AUC \| Brier \|/,
  );
  const row = card
    .split("\n")
    .find((l) => l.startsWith("| machine_failure |"))
    ?.split("|")
    .map((x) => x.trim());
  assert.ok(row);
  assert.ok(
    Math.abs(Number(row[5]) - metrics.heads.machine_failure.positives / metrics.heads.machine_failure.n) <
      1e-3,
  );
  assert.ok(Math.abs(Number(row[8]) - metrics.heads.machine_failure.brier) < 1e-3, row.join("|"));
});

test("bad input: exit 2 and a message that names the file, key or option", async () => {
  const bad = join(dir, "contracts", "bad.yaml");
  writeFileSync(
    bad,
    readFileSync(contract, "utf8").replace("stats: [mean, std, min, max, slope]", "stats: [mean, average]"),
  );
  const noCol = join(dir, "contracts", "nocol.yaml");
  writeFileSync(noCol, readFileSync(contract, "utf8").replace("column: vib_rms", "column: vibration_rms"));
  const cases: [string[], RegExp][] = [
    [
      ["train", "--contract", join(dir, "nope.yaml")],
      /nope\.yaml: cannot read the contract \(no such file\)/,
    ],
    [["train", "--contract", bad], /bad\.yaml: history\.stats\[1\]: unknown stat 'average'/],
    [
      ["train", "--contract", noCol],
      /telemetry\.csv: missing column 'vibration_rms' \(.*nocol\.yaml: readings\[2\]\.column\)/,
    ],
    [
      ["train", "--contract", contract, "--events", "coffee=x.csv"],
      /--events: no event table named 'coffee'/,
    ],
    [["train", "--contract", contract, "--events", "alarms"], /--events: 'alarms' is not NAME=FILE/],
    [["train", "--contract", contract, "--test-from", "soon"], /--test-from: 'soon' is not an ISO 8601 time/],
    [
      ["train", "--contract", contract, "--split", "machine", "--test-from", "2026-02-01"],
      /--test-from splits by time/,
    ],
    [["train", "--contract", contract, "--split", "random"], /--split: 'random' is not time or machine/],
    // Without --contract the AI4I example's contract: its time is a counter.
    [["train", "--data", data, "--test-from", "2026-02-01"], /--test-from: '2026-02-01' is not a number/],
    [
      ["train", "--contract", contract, "--test-from", "2030-01-01", "--registry", join(dir, "m4")],
      /the test part has 0 rows/,
    ],
    [
      ["train", "--contract", contract, "--data", join(dir, "historian", "machines.csv")],
      /machines\.csv: missing column/,
    ],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(" "));
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
});

// Telemetry written long (one row per machine, time and tag, as historians export it) through the
// contract's `long:` key: the shipped historian example rewritten long, in tag order and with a tag
// the contract does not read, reads to exactly what the wide file reads to; tags sampled at their
// own instants fall into `every` buckets; a duplicate, a missing tag and a bad layout are errors
// naming the row, the machine and time, or the contract key.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { type ContractData, readContractData } from "../../src/data/contract-data.js";
import { parseCsv } from "../../src/data/csv.js";
import { runCli } from "../helpers/cli.js";
import { exampleLongShop } from "../helpers/historian-long.js";
import { CONTRACT, shopFiles, writeShop } from "../contract/helpers.js";

const EXAMPLE = join(process.cwd(), "examples");

/** The example fleet's wide telemetry as long rows: tag-major (every row of one tag, then the next). */
function toLong(wideCsv: string, opts: { jitterMin?: boolean } = {}): string {
  const t = parseCsv(wideCsv);
  const out = ["timestamp,machine_id,TagName,Value"];
  for (let j = 2; j < t.header.length; j++)
    t.rows.forEach((r, i) => {
      if (r[j] === "") return; // a sensor this make lacks: no row at all
      let ts = r[0];
      // Each tag sampled a few minutes after the hour, at its own offset (the bucket is the hour).
      if (opts.jitterMin) ts = `${ts.slice(0, 14)}${String((j * 7 + i) % 50).padStart(2, "0")}:13`;
      out.push(`${ts},${r[1]},${t.header[j]},${r[j]}`);
    });
  // A tag no reading names: skipped and counted.
  for (const r of t.rows.slice(0, 30)) out.push(`${r[0]},${r[1]},door_open,0`);
  return `${out.join("\n")}\n`;
}

const exampleShop = (longKey: string, telemetry: string) => exampleLongShop(longKey, telemetry);

const read = (contract: string): ContractData =>
  readContractData(loadContract(contract).contract, { learn: true, labels: "require" });

function assertSameTelemetry(a: ContractData, b: ContractData): void {
  assert.deepEqual(a.telemetry.machines, b.telemetry.machines);
  assert.equal(a.telemetry.n, b.telemetry.n);
  // Machine by machine in time order: the wide file interleaves machines, the long one groups them.
  const rowsOf = (d: ContractData) =>
    d.telemetry.machines.map((_, m) =>
      [...d.telemetry.machine.keys()]
        .filter((i) => d.telemetry.machine[i] === m)
        .map((i) => [d.telemetry.time[i], ...d.telemetry.values.map((v) => v[i])]),
    );
  assert.deepEqual(rowsOf(a), rowsOf(b)); // NaN equals NaN under deepEqual
  assert.deepEqual(a.contract.readings, b.contract.readings);
  assert.equal(a.failures?.machine.length, b.failures?.machine.length);
}

test("the historian example written long, tag by tag, reads to what the wide file reads to", () => {
  const wideText = readFileSync(join(EXAMPLE, "historian", "telemetry.csv"), "utf8");
  const wide = read(join(EXAMPLE, "contracts", "historian.yaml"));
  const shop = exampleShop("long: { tag: TagName, value: Value }", toLong(wideText));
  try {
    const long = read(shop.contract);
    assertSameTelemetry(long, wide);
    assert.ok(
      long.warnings.some((w) =>
        /telemetry-long\.csv: 30 rows of 1 tag the contract does not read skipped \('door_open'\)/.test(w),
      ),
      long.warnings.join("\n"),
    );
    // Tags sampled at their own minute within the hour: `every: 1h` puts them back together.
    const jittered = exampleShop(
      "long: { tag: TagName, value: Value, every: 1h }",
      toLong(wideText, { jitterMin: true }),
    );
    try {
      assertSameTelemetry(read(jittered.contract), wide);
    } finally {
      rmSync(jittered.dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(shop.dir, { recursive: true, force: true });
  }
});

test("`millwright check` and `train` take a long export", async () => {
  const wideText = readFileSync(join(EXAMPLE, "historian", "telemetry.csv"), "utf8");
  const shop = exampleShop("long: { tag: TagName, value: Value }", toLong(wideText));
  try {
    const check = await runCli(["check", "--contract", shop.contract]);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout + check.stderr, /door_open/);
    const train = await runCli([
      "train",
      "--contract",
      shop.contract,
      "--registry",
      join(shop.dir, "models"),
    ]);
    assert.equal(train.code, 0, train.stderr);
    const stored = readFileSync(join(shop.dir, "models", "versions", "1.0.0", "contract.yaml"), "utf8");
    assert.match(stored, /long: \{ tag: TagName, value: Value \}/);
  } finally {
    rmSync(shop.dir, { recursive: true, force: true });
  }
});

const LONG_CONTRACT = CONTRACT.replace(
  "telemetry: telemetry.csv",
  "telemetry: telemetry.csv\nlong: { tag: tag, value: value }",
);

test("a long export's errors name the row, the machine and time, or the contract key", () => {
  const files = (rows: string[]) => ({
    ...shopFiles(),
    "telemetry.csv": `ts,machine,tag,value\n${rows.join("\n")}\n`,
  });
  const throwsLike = (rows: string[], pattern: RegExp, contract = LONG_CONTRACT) => {
    const shop = writeShop(files(rows), contract);
    try {
      assert.throws(
        () => read(shop.contract),
        (e: unknown) => isMillwrightError(e) && pattern.test(e.message),
      );
    } finally {
      rmSync(shop.dir, { recursive: true, force: true });
    }
  };
  const t0 = "2026-01-01T00:00:00Z";
  const t1 = "2026-01-01T01:00:00Z";
  // The same tag twice at one machine and time.
  throwsLike(
    [`${t0},M1,Load [%],50`, `${t0},M1,vib_rms,1.2`, `${t0},M1,Load [%],51`],
    /telemetry\.csv row 4, value: a second 'Load \[%\]' for machine 'M1' at 2026-01-01T00:00:00Z \(the first is row 2\)/,
  );
  // A required reading with no row at one time: the machine and time are named.
  throwsLike(
    [`${t0},M1,Load [%],50`, `${t1},M1,vib_rms,1.2`],
    /telemetry\.csv: machine 'M1' at 2026-01-01T01:00:00Z \(from row 3\) has no 'Load \[%\]' row: empty \(load is not optional/,
  );
  // A value outside the reading's range names the tag's own row.
  throwsLike(
    [`${t0},M1,Load [%],500`],
    /telemetry\.csv row 2, value \(tag 'Load \[%\]'\): 500 % is outside 0–200/,
  );
  // The layout's columns are missing from the file: the contract key is named.
  throwsLike(
    [`${t0},M1,Load [%],50`],
    /missing column 'TagName' \(.*long\.tag\)/,
    LONG_CONTRACT.replace("tag: tag", "tag: TagName"),
  );
  // No row holds a tag the contract reads.
  throwsLike([`${t0},M1,spindle_rpm,50`], /no row holds a tag .* reads .*the tag column holds spindle_rpm/);
  // The layout itself.
  for (const [text, pattern] of [
    [
      LONG_CONTRACT.replace("value: value", "value: tag"),
      /long\.value: must be another column than long\.tag/,
    ],
    [LONG_CONTRACT.replace("tag: tag", "tag: ts"), /long\.tag: 'ts' is already time\.column/],
    [
      LONG_CONTRACT.replace("value: value }", "value: value, every: soon }"),
      /long\.every: must be a duration/,
    ],
    [LONG_CONTRACT.replace("{ tag: tag, value: value }", "{ tag: tag }"), /long.*value/],
  ] as const) {
    const bad = writeShop(shopFiles(), text);
    try {
      assert.throws(
        () => loadContract(bad.contract),
        (e: unknown) => isMillwrightError(e) && pattern.test(e.message),
      );
    } finally {
      rmSync(bad.dir, { recursive: true, force: true });
    }
  }
});

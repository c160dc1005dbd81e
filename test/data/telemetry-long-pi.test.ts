// A historian's long export as a plant writes it (shop B): two makes tag the same reading under
// their own names, samples of bad quality carry a state instead of a value, tags stored only on
// change leave buckets without a sample, and a clock goes back. Each is read as `long:` documents
// (`tag` aliases, `quality`, `hold`) or refused with one error naming the file, row, machine or key.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { type ContractData, readContractData } from "../../src/data/contract-data.js";
import { CONTRACT, shopFiles, writeShop } from "../contract/helpers.js";

const LONG = (extra: string) =>
  CONTRACT.replace(
    "telemetry: telemetry.csv",
    `telemetry: telemetry.csv\nlong: { tag: tag, value: value${extra} }`,
  ).replace('column: "Load [%]"', 'column: ["Load [%]", SP1.LOAD]');

/** Hour h's ISO time plus `min` minutes (a tag sampled at its own instant). */
const at = (h: number, min = 0) => new Date(Date.UTC(2026, 0, 1, h, min)).toISOString();

/** 72 hours: M1 tags its load 'Load [%]', M2 'SP1.LOAD'; both vib_rms; quality column last. */
function rows(
  opts: { skipLoad?: (m: string, h: number) => boolean; bad?: (m: string, h: number) => boolean } = {},
) {
  const out: string[] = [];
  for (const m of ["M1", "M2"])
    for (let h = 0; h < 72; h++) {
      const tag = m === "M1" ? "Load [%]" : "SP1.LOAD";
      if (!opts.skipLoad?.(m, h))
        out.push(
          opts.bad?.(m, h)
            ? `${at(h, 7)},${m},${tag},I/O Timeout,Bad`
            : `${at(h, 7)},${m},${tag},${50 + (h % 17)},Good`,
        );
      out.push(`${at(h, 31)},${m},vib_rms,${(1 + (h % 5) / 10).toFixed(2)},Good`);
    }
  return out;
}

function read(contract: string, lines: string[]): ContractData {
  const shop = writeShop(
    { ...shopFiles(), "telemetry.csv": `ts,machine,tag,value,quality\n${lines.join("\n")}\n` },
    contract,
  );
  try {
    return readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
  } finally {
    rmSync(shop.dir, { recursive: true, force: true });
  }
}

function throwsLike(contract: string, lines: string[], pattern: RegExp): void {
  assert.throws(
    () => read(contract, lines),
    (e: unknown) => isMillwrightError(e) && e.code !== "MW_INTERNAL" && pattern.test(e.message),
  );
}

const loadOf = (d: ContractData, m: string) =>
  [...d.telemetry.values[0]].filter((_, i) => d.telemetry.machines[d.telemetry.machine[i]] === m);

test("two makes' tag names for one reading feed that reading, one name per machine", () => {
  const d = read(LONG(", every: 1h, quality: { column: quality }"), rows());
  assert.equal(d.telemetry.n, 144);
  assert.deepEqual(loadOf(d, "M1").slice(0, 3), [50, 51, 52]);
  assert.deepEqual(loadOf(d, "M2").slice(0, 3), [50, 51, 52]);
  // A machine that sends one reading under both names is a mistake, said once per row.
  throwsLike(
    LONG(", every: 1h, quality: { column: quality }"),
    [...rows(), `${at(80)},M1,SP1.LOAD,50,Good`],
    /row 290, tag: machine 'M1' sends 'Load \[%\]' as 'Load \[%\]' \(row 2\) and as 'SP1\.LOAD'/,
  );
});

test("rows of bad quality are skipped and counted; without `quality` their state is a bad cell", () => {
  const bad = (m: string, h: number) => m === "M2" && h % 10 === 3;
  const d = read(LONG(", every: 1h, hold: 2h, quality: { column: quality, good: [Good] }"), rows({ bad }));
  assert.ok(
    d.warnings.some((w) => /7 rows of quality other than 'Good' skipped \('Bad': 7\)/.test(w)),
    d.warnings.join("\n"),
  );
  // The hour whose load was Bad holds the hour before's value (hold: 2h).
  assert.equal(loadOf(d, "M2")[3], loadOf(d, "M2")[2]);
  throwsLike(
    LONG(", every: 1h"),
    rows({ bad }),
    /row \d+, value \(tag 'SP1\.LOAD'\): 'I\/O Timeout' is not a number/,
  );
  // Every load row of M2 bad: one error naming the machine and its tag, not one per hour.
  throwsLike(
    LONG(", every: 1h, hold: 2h, quality: { column: quality }"),
    rows({ bad: (m) => m === "M2" }),
    /1 error\n.*machine 'M2': all 72 'SP1\.LOAD' rows have a quality other than 'Good' \(load is not optional/,
  );
});

test("`hold` fills buckets a tag stored on change has no sample in, for at most its span", () => {
  // M2's load stored only every third hour: hold 2h fills the two hours after each sample.
  const sparse = rows({ skipLoad: (m, h) => m === "M2" && h % 3 !== 0 });
  const d = read(LONG(", every: 1h, hold: 2h, quality: { column: quality }"), sparse);
  assert.deepEqual(loadOf(d, "M2").slice(0, 7), [50, 50, 50, 53, 53, 53, 56]);
  // 1h is too short: the bucket two hours on has no value, named with the machine's own tag.
  throwsLike(
    LONG(", every: 1h, hold: 1h, quality: { column: quality }"),
    sparse,
    /machine 'M2' at 2026-01-01T02:00:00\.000Z \(from row \d+\) has no 'SP1\.LOAD' row: empty/,
  );
  assert.throws(
    () => read(LONG(", hold: 2h"), sparse),
    (e: unknown) => isMillwrightError(e) && /long\.hold: needs long\.every/.test(e.message),
  );
});

test("with `hold`, a machine's buckets before each reading's first sample are left out and counted", () => {
  // M2's load starts at hour 2 (a tag's first sample after the others').
  const late = rows({ skipLoad: (m, h) => m === "M2" && h < 2 });
  const d = read(LONG(", every: 1h, hold: 2h, quality: { column: quality }"), late);
  assert.equal(loadOf(d, "M2").length, 70);
  assert.equal(loadOf(d, "M1").length, 72);
  assert.ok(
    d.warnings.some((w) =>
      /2 first rows of 1 machine left out, before each reading's first sample \(M2: 2\)/.test(w),
    ),
    d.warnings.join("\n"),
  );
  // Without hold every bucket must have its own sample: the first one is an error.
  throwsLike(
    LONG(", every: 1h, quality: { column: quality }"),
    late,
    /machine 'M2' at 2026-01-01T00:00:00\.000Z \(from row \d+\) has no 'SP1\.LOAD' row: empty/,
  );
});

test("a reading no row holds is one error naming its key; an optional one a warning", () => {
  throwsLike(
    LONG(", every: 1h, quality: { column: quality }"),
    rows().map((r) => r.replace(",Load [%],", ",LOAD_PCT,").replace(",SP1.LOAD,", ",LOAD_PCT,")),
    /no row holds tag 'Load \[%\]' or 'SP1\.LOAD' \(.*shop\.yaml: readings\[0\]\.column, load, not optional\); the tag column's other tags: 'LOAD_PCT'/,
  );
  const d = read(
    LONG(", every: 1h, quality: { column: quality }"),
    rows().filter((r) => !r.includes(",vib_rms,")),
  );
  assert.ok(
    d.warnings.some((w) => /no row holds tag 'vib_rms' \(optional vib\)/.test(w)),
    d.warnings.join("\n"),
  );
});

test("a tag's clock going back within a machine is an error naming the row and both times", () => {
  const lines = rows();
  // M1's load at hour 10 written as hour 5's (a controller clock set back).
  const i = lines.findIndex((r) => r.startsWith(`${at(10, 7)},M1,Load`));
  lines[i] = lines[i].replace(at(10, 7), at(5, 8));
  throwsLike(
    LONG(", every: 1h, quality: { column: quality }"),
    lines,
    /row \d+, ts: time goes backwards for tag 'Load \[%\]' of machine 'M1' \(2026-01-01T05:08:00\.000Z after row \d+ at 2026-01-01T09:07:00\.000Z/,
  );
});

test("`split`: the raw PI export names the machine first in the tag (CNC07.SPINDLE.LOAD_PCT)", () => {
  const raw = (lines: string[]) =>
    lines.map((r) => {
      const [ts, m, tag, ...rest] = r.split(",");
      return [ts, `${m}.${tag}`, ...rest].join(",");
    });
  const split = LONG(', every: 1h, quality: { column: quality }, split: "."').replace(
    "machine: { column: machine }",
    "machine: { column: tag }",
  );
  const pi = (lines: string[]) => {
    const shop = writeShop(
      { ...shopFiles(), "telemetry.csv": `ts,tag,value,quality\n${lines.join("\n")}\n` },
      split,
    );
    try {
      return readContractData(loadContract(shop.contract).contract, { learn: true, labels: "require" });
    } finally {
      rmSync(shop.dir, { recursive: true, force: true });
    }
  };
  // A plant tag with no machine before the split is skipped and counted like any other.
  const d = pi([
    ...raw(rows()),
    "2026-01-01T00:10:00.000Z,SITE_POWER_KW,412,Good",
    // A plant tag split like a machine's is named whole (trial 4 read 'COMPRESSOR.PRESS', as if a
    // machine PLANT sent it); a tag two machines send, by its own part.
    "2026-01-01T00:10:00.000Z,PLANT.COMPRESSOR.PRESS,6.1,Good",
    "2026-01-01T00:10:00.000Z,M1.DOOR_OPEN,1,Good",
    "2026-01-01T00:20:00.000Z,M2.DOOR_OPEN,0,Good",
  ]);
  const asset = read(LONG(", every: 1h, quality: { column: quality }"), rows());
  assert.deepEqual(d.telemetry.machines, ["M1", "M2"]);
  assert.deepEqual([...d.telemetry.values[0]], [...asset.telemetry.values[0]]);
  assert.deepEqual([...d.telemetry.time], [...asset.telemetry.time]);
  assert.ok(
    d.warnings.some((w) =>
      /4 rows of 3 tags the contract does not read skipped \('SITE_POWER_KW', 'PLANT\.COMPRESSOR\.PRESS', 'DOOR_OPEN'\)/.test(
        w,
      ),
    ),
    d.warnings.join("\n"),
  );
  // split reads the machine from the tag column, so machine.column must be that column.
  const shop = writeShop(shopFiles(), LONG(', every: 1h, split: "."'));
  try {
    assert.throws(
      () => loadContract(shop.contract),
      (e: unknown) =>
        isMillwrightError(e) &&
        /long\.split: the machine is read from the tag column: give machine: \{ column: tag \}/.test(
          e.message,
        ),
    );
  } finally {
    rmSync(shop.dir, { recursive: true, force: true });
  }
});

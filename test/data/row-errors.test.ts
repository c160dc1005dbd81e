// Row errors over several files read as one table: the lines shown start with each file's first
// error, and when lines are left out a summary counts each file's errors by kind (trial 2: 20
// lines of one file hid 4,242 errors of another, every row of which had an epoch time).
import assert from "node:assert/strict";
import { test } from "node:test";
import { isMillwrightError } from "../../src/core/errors.js";
import { MAX_REPORTED, RowErrors } from "../../src/data/errors.js";

/** Lines 1–1000 are a.csv's, 1001 on b.csv's, and so on: as a joined table's `fileOf` says. */
const FILES = ["a.csv", "b.csv", "c.csv"];
const joined = (files = FILES) => ({
  fileOf: (line: number) => files[Math.floor((line - 1) / 1000)],
  locate: (line: number, column: string | null) =>
    `${files[Math.floor((line - 1) / 1000)]} row ${((line - 1) % 1000) + 1}${column === null ? "" : `, ${column}`}`,
});

function thrown(errors: RowErrors) {
  try {
    errors.throwIfAny();
  } catch (e) {
    assert.ok(isMillwrightError(e) && e.code === "MW_CSV");
    return e;
  }
  assert.fail("no error thrown");
}

/** a.csv's 30 non-numbers and 3 short rows, then an error on every row of b.csv (4,242). */
function filled(): RowErrors {
  const errors = new RowErrors("3 telemetry files", joined());
  for (let i = 0; i < 30; i++) errors.add(2 + i, "load", `'x${i}' is not a number`, "not a number");
  for (let i = 0; i < 3; i++)
    errors.add(2 + i, null, "4 cells, the header has 3", "not the header's 3 cells");
  // Every row of b.csv: its first error must show although a.csv's 33 come first.
  for (let i = 0; i < 4242; i++)
    errors.add(
      1002 + (i % 998),
      "DateTimeUTC",
      `'${1767619040 + i}' is not an ISO 8601 time`,
      "not an ISO 8601 time",
    );
  return errors;
}

test("each file's first error is among the lines shown, and a summary counts each file's errors by kind", () => {
  const errors = filled();
  const e = thrown(errors);
  const lines = e.message.split("\n");
  assert.equal(lines[0], "3 telemetry files: 4275 errors");
  const shown = lines.slice(1, 1 + MAX_REPORTED);
  assert.equal(shown.length, MAX_REPORTED);
  assert.equal(shown[0], "a.csv row 2, load: 'x0' is not a number");
  // In reading order: 19 of a.csv, then b.csv's first.
  assert.equal(shown[MAX_REPORTED - 1], "b.csv row 2, DateTimeUTC: '1767619040' is not an ISO 8601 time");
  assert.deepEqual(lines.slice(1 + MAX_REPORTED), [
    "… and 4255 more",
    "errors by file:",
    "  a.csv: 33 errors (30 × load: not a number; 3 × not the header's 3 cells)",
    "  b.csv: 4,242 errors (4,242 × DateTimeUTC: not an ISO 8601 time)",
  ]);
  assert.deepEqual(e.details?.by_file, [
    {
      file: "a.csv",
      count: 33,
      kinds: [
        { kind: "load: not a number", count: 30 },
        { kind: "not the header's 3 cells", count: 3 },
      ],
    },
    { file: "b.csv", count: 4242, kinds: [{ kind: "DateTimeUTC: not an ISO 8601 time", count: 4242 }] },
  ]);
  assert.equal(e.details?.error_count, 4275);
  // The same errors give the same message.
  const again = filled();
  assert.equal(thrown(again).message, e.message);
});

test("row errors: all shown is no summary; kinds past five are counted together; more files than lines", () => {
  const few = new RowErrors("a.csv");
  few.add(2, "load", "empty");
  few.add(3, "load", "empty");
  assert.equal(thrown(few).message, "a.csv: 2 errors\na.csv row 2, load: empty\na.csv row 3, load: empty");

  const many = new RowErrors("a.csv");
  for (let k = 0; k < 7; k++) for (let i = 0; i <= k; i++) many.add(2 + i, `c${k}`, `bad ${i}`, "bad");
  assert.match(
    thrown(many).message,
    /\n {2}a\.csv: 28 errors \(7 × c6: bad; 6 × c5: bad; 5 × c4: bad; 4 × c3: bad; 3 × c2: bad; 3 more of 2 other kinds\)$/,
  );

  // 25 files with one error each: the first 20 files' lines, the rest in the summary.
  const names = Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, "0")}.csv`);
  const wide = new RowErrors("25 telemetry files", joined(names));
  for (let k = 0; k < 25; k++) wide.add(k * 1000 + 2, "t", "empty time");
  const lines = thrown(wide).message.split("\n");
  assert.equal(lines[MAX_REPORTED], "f19.csv row 2, t: empty time");
  assert.equal(lines[MAX_REPORTED + 1], "… and 5 more");
  assert.equal(lines.at(-1), "  f24.csv: 1 error (1 × t: empty time)");
});

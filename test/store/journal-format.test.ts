// The journal's format version (store/sqlite/journal-codec.ts JOURNAL_FORMAT): rows written before
// the format had a version byte (format 1: text as a BLOB or as TEXT) are still moved, value for
// value; a row of a format this version does not know is refused with MW_STORE_FORMAT naming the
// row, and stays in the journal (nothing acknowledged is lost). Real SQLite files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { MillwrightError } from "../../src/core/errors.js";
import { JOURNAL_FORMAT, storedGroup } from "../../src/store/sqlite/journal-codec.js";
import { countLoggedRecords, encodeGroup } from "../../src/store/sqlite/journal.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { collect, makeRecord, range } from "./records.js";

const dir = mkdtempSync(join(tmpdir(), "mw-journal-format-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A journal row as the given format writes it: `version` null = format 1 (no version byte). */
function row(ids: number[], version: number | null, asText = false) {
  const g = encodeGroup(ids.map((i) => makeRecord(i)));
  const nums = Buffer.from(g.buf, 0, g.numsBytes);
  const text = Buffer.from(g.buf, g.numsBytes, g.textBytes);
  assert.equal(text[0], JOURNAL_FORMAT, "this version writes its format first");
  const body = text.subarray(1);
  const strs =
    version === null ? (asText ? body.toString("utf8") : body) : Buffer.concat([Buffer.of(version), body]);
  return { n: g.n, nums, strs };
}

async function fileWith(name: string, rows: ReturnType<typeof row>[]): Promise<string> {
  const path = join(dir, name);
  const first = new SqliteStore({ path });
  await first.init(); // the schema
  await first.close();
  const raw = new Database(path);
  const insert = raw.prepare("INSERT INTO prediction_journal (n, nums, strs) VALUES (?, ?, ?)");
  for (const r of rows) insert.run(r.n, r.nums, r.strs);
  raw.close();
  return path;
}

test("journal rows of format 1 (no version byte; BLOB or TEXT) are moved value for value, both modes", async () => {
  for (const writerThread of [false, true]) {
    const path = await fileWith(`v1-${writerThread}.db`, [
      row([0, 1], null),
      row([2], null, true),
      row([3], 2),
    ]);
    const s = new SqliteStore({ path, writerThread });
    await s.init();
    const got = await collect(s.queryPredictions({}));
    assert.deepEqual(
      got.map((p) => p.id),
      range(4).map((i) => makeRecord(i).id),
    );
    for (const i of range(4))
      assert.deepEqual(await s.getPrediction(makeRecord(i).id), { ...makeRecord(i), label: null });
    await s.close();
  }
});

test("a journal row of an unknown format is refused with MW_STORE_FORMAT naming the row, and kept", async () => {
  const e = (() => {
    try {
      storedGroup(1, new Uint8Array(8 * 12), Uint8Array.of(9, 0x7b, 0x7d), 42);
    } catch (err) {
      return err;
    }
  })();
  assert.ok(e instanceof MillwrightError);
  assert.equal(e.code, "MW_STORE_FORMAT");
  assert.match(e.message, /prediction_journal row 42: journal format 9/);
  assert.deepEqual(e.details, { table: "prediction_journal", seq: 42, format: 9 });

  for (const writerThread of [false, true]) {
    const path = await fileWith(`v9-${writerThread}.db`, [row([5], 9)]);
    const s = new SqliteStore({ path, writerThread });
    const failed = await s
      .init()
      .then(() => s.countPredictions())
      .then(
        () => null,
        (err: unknown) => err,
      );
    assert.ok(failed instanceof Error, `${writerThread}: the row is not read as if it were known`);
    assert.match(String((failed as Error).message), /journal format 9/);
    await s.close().catch(() => undefined);
    const raw = new Database(path, { readonly: true });
    assert.equal(countLoggedRecords(raw), 1, "the row stays in the journal");
    raw.close();
  }
});

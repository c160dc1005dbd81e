// The history log's writer thread opens its connection through store/sqlite/writer-open.ts: a file that cannot
// be opened for writing, or whose statements cannot be prepared, fails SqliteWriter.start() with
// SQLite's own reason (sent in the ready message), not a bare "exited with code 1".
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { SqliteWriter } from "../../src/store/sqlite/writer.js";

const dir = mkdtempSync(join(tmpdir(), "mw-writer-open-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
const WORKERS = {
  history: new URL(`../../src/store/history/sqlite-writer-worker.${ext}`, import.meta.url),
};

for (const [name, url] of Object.entries(WORKERS)) {
  test(`${name} writer thread: an unopenable file rejects start() with SQLite's reason`, async () => {
    const path = join(dir, "no-such-dir", `${name}.db`);
    await assert.rejects(SqliteWriter.start({ path, busyTimeoutMs: 100 }, url), (e: Error) => {
      assert.match(e.message, /directory does not exist|unable to open/i);
      return true;
    });
  });

  test(`${name} writer thread: a file without the schema rejects start() with the failing statement's reason`, async () => {
    const path = join(dir, `${name}.db`);
    new Database(path).close(); // exists, but nobody created the tables the thread prepares statements for
    await assert.rejects(SqliteWriter.start({ path, busyTimeoutMs: 100 }, url), /no such table/);
    // The connection was closed before the thread ended: the file is not left locked.
    const db = new Database(path);
    db.exec("BEGIN IMMEDIATE; COMMIT");
    db.close();
  });
}

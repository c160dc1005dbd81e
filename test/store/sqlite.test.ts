// The store contract against a real SQLite file, plus SQLite-only properties (durability pragmas,
// schema versioning).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { SQLITE_MIGRATIONS } from "../../src/store/sqlite-schema.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { runStoreContract } from "./contract.js";
import { makeRecord } from "./records.js";

const dir = mkdtempSync(join(tmpdir(), "mw-sqlite-"));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract("SQLite", {
  fresh: async () => join(dir, `store-${++n}`, "predictions.db"),
  open: (path, opts) => new SqliteStore({ path, pageSize: opts?.pageSize }),
});

test("SQLite: WAL, synchronous=FULL, schema version recorded; a newer schema is refused", async () => {
  const path = join(dir, "pragmas.db");
  const s = new SqliteStore({ path });
  await s.init();
  await s.logPredictions([makeRecord(1)]);
  await s.close();
  const db = new Database(path);
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  assert.equal(db.pragma("user_version", { simple: true }), SQLITE_MIGRATIONS.length);
  const idx = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'predictions'")
    .all();
  assert.ok(idx.some((r) => (r as { name: string }).name === "predictions_predicted_at"));
  db.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
  db.close();
  const s2 = new SqliteStore({ path });
  await assert.rejects(s2.init(), { code: "MW_CONFIG" });
  // synchronous is per connection: check what the store sets on its own.
  const s3 = new SqliteStore({ path: join(dir, "sync.db") });
  await s3.init();
  const conn = (s3 as unknown as { db: Database.Database }).db;
  assert.equal(conn.pragma("synchronous", { simple: true }), 2, "FULL");
  await s3.close();
});

test("SQLite: a poisoned record fails only its own call; the others in its group commit land", async () => {
  const s = new SqliteStore({ path: join(dir, "fail.db") });
  await s.init();
  const conn = (s as unknown as { db: Database.Database }).db;
  // A trigger that aborts the whole transaction when a poisoned id arrives.
  conn.exec(
    "CREATE TRIGGER poison BEFORE INSERT ON predictions WHEN NEW.id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
  );
  const results = await Promise.allSettled([
    s.logPredictions([makeRecord(1)]),
    s.logPredictions([makeRecord(2), makeRecord(3, { id: "poison" })]),
    s.logPredictions([makeRecord(4)]),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ["fulfilled", "rejected", "fulfilled"],
  );
  assert.match(String((results[1] as PromiseRejectedResult).reason), /poisoned/);
  assert.equal(await s.countPredictions(), 2, "nothing of the poisoned call was committed");
  assert.equal(await s.getPrediction(makeRecord(2).id), null);
  // One shared flush failed, then three separate ones: two committed, one failed.
  assert.deepEqual(s.stats(), { flushes: 4, records: 2, failedFlushes: 2 });
  await s.close();
});

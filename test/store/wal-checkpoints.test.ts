// The history log's WAL copied off the commit path (src/store/history/sqlite-checkpoints.ts), on a
// real SQLite file: a thread of its own copies the committed frames into the database file while the
// writer's connection does nothing; the writer's own short top-up lets SQLite restart the WAL, so it
// stays bounded under steady writes; closing ends the thread before the writer's connection closes.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import {
  CHECKPOINT_BYTES,
  TOP_UP_BYTES,
  WalCheckpoints,
} from "../../src/store/history/sqlite-checkpoints.js";

const dir = mkdtempSync(join(tmpdir(), "mw-wal-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function open() {
  const path = join(dir, `log-${++n}.db`);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE log (seq INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  const insert = db.prepare("INSERT INTO log (v) VALUES (?)");
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  return { path, db, insert, dbBytes: () => size(path), walBytes: () => size(`${path}-wal`) };
}

const tick = () => new Promise((r) => setImmediate(r));

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("the checkpoint thread copies the committed WAL into the database file; the writer's connection does not", async () => {
  const f = open();
  const wal = new WalCheckpoints(f.db, f.path);
  const blob = Buffer.alloc(64 * 1024, 7);
  for (let i = 0; i < 40; i++) f.insert.run(blob); // 2.5 MiB, each its own transaction
  const before = f.dbBytes();
  assert.ok(before < 64 * 1024, `nothing copied yet (the database file is ${before} B)`);
  wal.grew(CHECKPOINT_BYTES - 1);
  await tick();
  assert.equal(f.dbBytes(), before, "below CHECKPOINT_BYTES nothing is asked for");
  wal.grew(1);
  // The writer's connection ran no checkpoint: the pages reach the file from the other thread.
  await until("the copied pages", () => f.dbBytes() >= 40 * 64 * 1024);
  await wal.close();
  f.db.close();
  assert.equal(existsSync(`${f.path}-wal`), false, "the writer's connection closed last and removed the WAL");
  const reread = new Database(f.path, { readonly: true });
  assert.equal((reread.prepare("SELECT COUNT(*) AS n FROM log").get() as { n: number }).n, 40);
  reread.close();
});

test("under steady writes the WAL restarts from its beginning: it stays near TOP_UP_BYTES, not the bytes written", async () => {
  const f = open();
  const wal = new WalCheckpoints(f.db, f.path);
  const blob = Buffer.alloc(256 * 1024, 3);
  const written = 3 * TOP_UP_BYTES;
  let largest = 0;
  for (let i = 0; i * blob.length < written; i++) {
    f.insert.run(blob); // one transaction, as ThreadCommits commits, then tells `wal`
    wal.grew(blob.length);
    wal.between();
    largest = Math.max(largest, f.walBytes());
    await tick(); // the checkpoint thread's answer is handled between transactions
  }
  assert.ok(
    largest < TOP_UP_BYTES + 4 * CHECKPOINT_BYTES,
    `the WAL grew to ${(largest / 2 ** 20).toFixed(1)} MiB of ${(written / 2 ** 20).toFixed(0)} MiB written`,
  );
  await wal.close();
  f.db.close();
  const reread = new Database(f.path, { readonly: true });
  const rows = (reread.prepare("SELECT COUNT(*) AS n FROM log").get() as { n: number }).n;
  assert.equal(rows, Math.ceil(written / blob.length));
  reread.close();
});

test("without its thread (it could not start) the writer's connection copies the WAL itself", async () => {
  const f = open();
  const wal = new WalCheckpoints(f.db, null);
  const blob = Buffer.alloc(64 * 1024, 9);
  for (let i = 0; i < 20; i++) f.insert.run(blob);
  wal.grew(CHECKPOINT_BYTES);
  assert.ok(f.dbBytes() >= 20 * 64 * 1024, "copied at once, on this connection");
  await wal.close();
  f.db.close();
});

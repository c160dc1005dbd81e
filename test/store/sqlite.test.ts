// The store contract against a real SQLite file, plus SQLite-only properties (durability pragmas,
// schema versioning, the writer thread: no event-loop blocking, crash handling, draining close).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { countLoggedRecords, encodeGroup, Journal } from "../../src/store/sqlite/journal.js";
import { SQLITE_MIGRATIONS } from "../../src/store/sqlite/schema.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { SqliteWriter } from "../../src/store/sqlite/writer.js";
import { isUnavailableError } from "../../src/store/unavailable.js";
import { runStoreContract } from "./contract.js";
import { collect, makeRecord, range } from "./records.js";

const dir = mkdtempSync(join(tmpdir(), "mw-sqlite-"));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

runStoreContract("SQLite", {
  fresh: async () => join(dir, `store-${++n}`, "predictions.db"),
  open: (path, opts) => new SqliteStore({ path, pageSize: opts?.pageSize }),
});

runStoreContract("SQLite, writer thread", {
  fresh: async () => join(dir, `store-${++n}`, "predictions.db"),
  open: (path, opts) => new SqliteStore({ path, pageSize: opts?.pageSize, writerThread: true }),
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
  // A writer thread opens the file itself: an in-memory database cannot be shared with it.
  await assert.rejects(new SqliteStore({ path: ":memory:", writerThread: true }).init(), {
    code: "MW_CONFIG",
  });
  const mem = new SqliteStore({ path: ":memory:" });
  await mem.init();
  await mem.logPredictions([makeRecord(1)]);
  assert.equal(await mem.countPredictions(), 1, "in-thread mode still works in memory");
  await mem.close();
});

test("SQLite, in-thread: a poisoned record fails only its own call; the others in its group commit land", async () => {
  const s = new SqliteStore({ path: join(dir, "fail-inline.db") });
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

for (const writerThread of [false, true])
  test(`SQLite${writerThread ? ", writer thread" : ""}: a record the table would refuse fails its own call, naming the field; the others land`, async () => {
    const s = new SqliteStore({ path: join(dir, `refuse-${writerThread}.db`), writerThread });
    await s.init();
    const results = await Promise.allSettled([
      s.logPredictions([makeRecord(1)]),
      s.logPredictions([makeRecord(2), makeRecord(3, { failureProbability: Number.NaN })]),
      s.logPredictions([makeRecord(4, { id: "" })]),
      s.logPredictions([makeRecord(5)]),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "rejected", "rejected", "fulfilled"],
    );
    const [e1, e2] = [results[1], results[2]].map((r) => (r as PromiseRejectedResult).reason);
    assert.equal(e1.code, "MW_BAD_INPUT");
    assert.match(e1.message, /record 1: failureProbability must be a finite number/);
    assert.match(e2.message, /record 0: id must be a non-empty string/);
    assert.deepEqual(
      (await collect(s.queryPredictions({}))).map((p) => p.id),
      [makeRecord(1).id, makeRecord(5).id],
    );
    await s.close();
  });

test("SQLite, writer thread: groups are journalled, then moved into the table; reads wait for the move", async () => {
  const path = join(dir, "journal.db");
  const s = new SqliteStore({ path, writerThread: true });
  await s.init();
  await Promise.all(range(50).map((i) => s.logPredictions([makeRecord(i)])));
  // Every acknowledged record is in the file (journal or table) the moment its promise resolved.
  const raw = new Database(path, { readonly: true });
  assert.equal(countLoggedRecords(raw), 50);
  // A read sees all of them, moved, each once.
  assert.equal(await s.countPredictions(), 50);
  assert.deepEqual(await s.getPrediction(makeRecord(49).id), { ...makeRecord(49), label: null });
  assert.equal((raw.prepare("SELECT COUNT(*) AS n FROM predictions").get() as { n: number }).n, 50);
  assert.equal((raw.prepare("SELECT COUNT(*) AS n FROM prediction_journal").get() as { n: number }).n, 0);
  // Feedback for a record that is still journalled waits for the move instead of answering "unknown".
  const fb = await Promise.all([
    s
      .logPredictions([makeRecord(50)])
      .then(() => s.addFeedback([{ predictionId: makeRecord(50).id, machineFailure: 1 }])),
  ]);
  assert.deepEqual(fb, [["accepted"]]);
  raw.close();
  await s.close();
});

test("SQLite: journal rows left by a process that died are moved when the file is opened again (both modes)", async () => {
  for (const writerThread of [false, true]) {
    const path = join(dir, `leftover-${writerThread}.db`);
    const first = new SqliteStore({ path });
    await first.init(); // creates the schema
    await first.logPredictions([makeRecord(0)]);
    await first.close();
    // What a killed writer thread leaves: committed journal rows nobody moved yet (one a replay).
    const raw = new Database(path);
    const j = new Journal(raw);
    j.append(encodeGroup(range(3, 1).map((i) => makeRecord(i))));
    j.append(encodeGroup([makeRecord(0), makeRecord(4)]));
    assert.equal(countLoggedRecords(raw), 6, "counted while still journalled (one twice)");
    raw.close();
    const s = new SqliteStore({ path, writerThread });
    await s.init();
    assert.deepEqual(
      (await collect(s.queryPredictions({}))).map((p) => p.id),
      range(5).map((i) => makeRecord(i).id),
      "each record exactly once, exact values",
    );
    assert.deepEqual(await s.getPrediction(makeRecord(2).id), { ...makeRecord(2), label: null });
    await s.close();
  }
});

test("SQLite, writer thread: the mover checkpoints the WAL (automatic checkpoints are off on its connection)", async () => {
  const path = join(dir, "wal.db");
  const s = new SqliteStore({ path, writerThread: true });
  await s.init();
  // ~20,000 records in 200 groups: without checkpoints the WAL would hold every page written
  // (the journal rows, then the table and its two indexes): well over 8 MB.
  for (let g = 0; g < 200; g++) await s.logPredictions(range(100, g * 100).map((i) => makeRecord(i)));
  assert.equal(await s.countPredictions(), 20_000);
  // Once idle, the mover checkpoints: the WAL is restarted from its start and stays small.
  await sleep(200);
  await s.logPredictions([makeRecord(99_999)]);
  await s.countPredictions();
  await sleep(200);
  const walBytes = statSync(`${path}-wal`).size;
  assert.ok(walBytes < 8 * 1024 * 1024, `WAL is ${(walBytes / 1048576).toFixed(1)} MB`);
  const raw = new Database(path, { readonly: true });
  assert.equal((raw.prepare("SELECT COUNT(*) AS n FROM predictions").get() as { n: number }).n, 20_001);
  raw.close();
  await s.close();
});

test("SQLite, writer thread: a move that fails keeps the rows journalled and acknowledged; reads report the error, then recover", async () => {
  const path = join(dir, "move-fails.db");
  const s = new SqliteStore({ path, writerThread: true });
  await s.init();
  const conn = (s as unknown as { db: Database.Database }).db;
  conn.exec(
    "CREATE TRIGGER poison BEFORE INSERT ON predictions WHEN NEW.id = 'p-000007' BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
  );
  await s.logPredictions([makeRecord(6), makeRecord(7)]); // acknowledged: durable in the journal
  await assert.rejects(s.countPredictions(), /poisoned/);
  assert.equal(countLoggedRecords(conn), 2, "nothing acknowledged was lost");
  conn.exec("DROP TRIGGER poison");
  // The thread retries the move (after about a second); the next read then sees both.
  let n = -1;
  for (let i = 0; i < 50 && n !== 2; i++) {
    await sleep(100);
    n = await s.countPredictions().catch(() => -1);
  }
  assert.equal(n, 2);
  await s.close();
});

type ThreadHandle = { worker: { terminate(): Promise<number> } };
/** The store's live writer (store/sqlite/writer.ts LiveWriter): the running thread's handle. */
type Internals = { writer: { now(): ThreadHandle } };

test("SQLite, writer thread: a commit waiting on the file runs on the thread; the event loop keeps turning", async () => {
  const path = join(dir, "blocked.db");
  const s = new SqliteStore({ path, writerThread: true });
  await s.init();
  // Another connection holds the write lock: the store's commit waits (busy_timeout) until it is
  // released. Were the wait on the main thread, the timers below could not run, and the lock
  // would never be released before busy_timeout expired.
  const blocker = new Database(path);
  blocker.exec("BEGIN IMMEDIATE");
  let settled = false;
  const write = s.logPredictions([makeRecord(1)]).finally(() => {
    settled = true;
  });
  let ticks = 0;
  const t = setInterval(() => ticks++, 5);
  await sleep(200);
  clearInterval(t);
  assert.equal(settled, false, "not acknowledged while its transaction cannot commit");
  assert.ok(ticks >= 10, `event loop ran ${ticks} timer ticks while the commit waited`);
  assert.equal(await s.countPredictions(), 0);
  blocker.exec("COMMIT");
  blocker.close();
  await write;
  assert.equal(await s.countPredictions(), 1);
  await s.close();
});

test("SQLite writer: a thread that dies rejects every pending request as unavailable, never resolves", async () => {
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const w = await SqliteWriter.start(
    { path: join(dir, "unused.db"), busyTimeoutMs: 100 },
    new URL(`./silent-writer-worker.${ext}`, import.meta.url),
  );
  const pending = [w.request({ op: "run", sql: "SELECT 1", params: [] }), w.request({ op: "close" })];
  await sleep(20);
  await (w as unknown as ThreadHandle).worker.terminate();
  for (const p of await Promise.allSettled(pending)) {
    assert.equal(p.status, "rejected");
    const e = (p as PromiseRejectedResult).reason;
    assert.equal(isUnavailableError(e), true, `unavailable-class error, got ${e}`);
    assert.match(String(e.message), /writer thread .* gone/);
  }
  assert.equal(w.alive(), false);
  await assert.rejects(w.request({ op: "run", sql: "SELECT 1", params: [] }), /gone/);
  await w.close(); // harmless on a dead thread
});

test("SQLite, writer thread: a store whose thread died starts a new one (healthy(), next write)", async () => {
  const s = new SqliteStore({ path: join(dir, "restart.db"), writerThread: true });
  await s.init();
  await s.logPredictions([makeRecord(0)]);
  // Killed while idle: terminating a thread inside a SQLite call would abort the process.
  await (s as unknown as Internals).writer.now().worker.terminate();
  assert.equal(await s.healthy(), true, "healthy() brings a new writer up");
  await (s as unknown as Internals).writer.now().worker.terminate();
  await s.logPredictions([makeRecord(1)]); // so does the next write
  assert.deepEqual(
    (await collect(s.queryPredictions({}))).map((p) => p.id),
    [makeRecord(0).id, makeRecord(1).id],
  );
  assert.deepEqual(s.stats(), { flushes: 2, records: 2, failedFlushes: 0 });
  await s.close();
});

test("SQLite, writer thread: close() drains every queued write (predictions, feedback, audit) first", async () => {
  const path = join(dir, "drain.db");
  const s = new SqliteStore({ path, maxBatch: 64, writerThread: true });
  await s.init();
  const calls = range(300).map((i) => s.logPredictions([makeRecord(i)]));
  const fb = s.addFeedback([{ predictionId: makeRecord(0).id, machineFailure: 1 }]);
  const audit = s.appendAudit({ at: 5, kind: "k", payload: { a: 1 } });
  await s.close();
  await Promise.all(calls);
  assert.deepEqual(await fb, ["accepted"]);
  await audit;
  await assert.rejects(s.logPredictions([makeRecord(999)]), /closed/);
  const db = new Database(path, { readonly: true });
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM predictions").get() as { n: number }).n, 300);
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM feedback").get() as { n: number }).n, 1);
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM audit").get() as { n: number }).n, 1);
  db.close();
});

// Shadow mode on the AI4I server (store/shadow-rides.ts): with the writer thread, shadow scores ride
// in the predictions' own commits instead of a transaction of their own.
test("SQLite, writer thread: shadow scores ride with the next predictions' commit; a bad one fails alone", async () => {
  const path = join(dir, `store-${++n}`, "predictions.db");
  const s = new SqliteStore({ path, writerThread: true });
  await s.init();
  const score = (i: number) => ({
    predictionId: makeRecord(i).id,
    modelVersion: "v9",
    failureProbability: i / 10,
    championVersion: makeRecord(i).modelVersion,
    championProbability: makeRecord(i).failureProbability,
    scoredAt: 1_700_000_000_000 + i,
  });
  let settled = false;
  const rode = s.logShadow([score(0), score(1), score(2)]).then(() => {
    settled = true;
  });
  await s.logPredictions([makeRecord(10), makeRecord(11)]);
  assert.deepStrictEqual(
    await s.shadowScores(10),
    [score(0), score(1)],
    "two predictions carried two scores",
  );
  assert.equal(settled, false, "the third waits for the next commit");
  await s.logPredictions([makeRecord(12)]);
  await rode;
  assert.deepStrictEqual(await s.shadowScores(10), [score(0), score(1), score(2)]);
  // A value SQLite cannot bind makes the shadow insert throw on the writer thread: the predictions
  // it rode with still commit, and only the shadow call is refused.
  const bad = s.logShadow([{ ...score(3), modelVersion: { not: "a string" } as unknown as string }]);
  await s.logPredictions([makeRecord(13)]);
  await assert.rejects(bad);
  assert.equal(await s.countPredictions(), 4);
  assert.equal((await s.shadowScores(10)).length, 3);
  await s.close();
});

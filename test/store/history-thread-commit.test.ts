// The history writer thread's group commit (sqlite-thread-commit.ts), on a real SQLite file in WAL
// mode, watched from a second connection (what another reader of the file sees): groups that
// arrive together share one transaction, in arrival order; each is answered only once that
// transaction has committed; a group whose rows fail fails alone; a failed COMMIT fails its own
// transaction's groups, and the groups that arrived meanwhile commit in the next one. Then the
// history log through its real writer thread, many batches in flight at once.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import { ThreadCommits } from "../../src/store/history/sqlite-thread-commit.js";
import type { LoggedReading, ReadingGroup } from "../../src/store/history/types.js";
import type { WriterReply } from "../../src/store/sqlite/writer-protocol.js";
import { reading } from "./history-contract.js";

const dir = mkdtempSync(join(tmpdir(), "mw-thread-commit-"));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

/** A group: rows to insert (a `bad` value breaks the CHECK; `orphan` a deferred foreign key). */
type G = { id: number; rows: string[]; during?: () => void };

function setup() {
  const path = join(dir, `log-${++n}.db`);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE log (seq INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL CHECK (v <> 'bad'),
      p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`);
  const reader = new Database(path, { readonly: true });
  const visible = () =>
    (reader.prepare("SELECT v FROM log ORDER BY seq").all() as { v: string }[]).map((r) => r.v);
  const ins = db.prepare("INSERT INTO log (v, p) VALUES (?, ?)");
  const replies: { r: WriterReply; seen: string[] }[] = [];
  const commits = new ThreadCommits<G>({
    db,
    insert: (g) => {
      g.during?.();
      return g.rows.map((v) => Number(ins.run(v, v === "orphan" ? 42 : null).lastInsertRowid));
    },
    bytes: () => 1,
    // What another connection sees when the group is answered.
    reply: (r) => replies.push({ r, seen: visible() }),
  });
  const settled = () => new Promise((r) => setImmediate(() => setImmediate(r)));
  const close = () => {
    reader.close();
    db.close();
  };
  return { commits, replies, visible, settled, close };
}

test("groups that arrive together commit in one transaction, in arrival order, each answered once it is visible", async () => {
  const t = setup();
  const seenMidway: string[][] = [];
  t.commits.add({ id: 1, rows: ["a", "b"] });
  t.commits.add({ id: 2, rows: ["c"], during: () => seenMidway.push(t.visible()) });
  t.commits.add({ id: 3, rows: ["d"] });
  assert.deepEqual(t.replies, [], "nothing answered before the commit");
  await t.settled();
  assert.deepEqual(seenMidway, [[]], "group 1 was not committed before group 2 went in: one transaction");
  assert.deepEqual(
    t.replies.map(({ r }) => r),
    [
      { id: 1, ok: true, result: [1, 2] },
      { id: 2, ok: true, result: [3] },
      { id: 3, ok: true, result: [4] },
    ],
  );
  for (const { seen } of t.replies) assert.deepEqual(seen, ["a", "b", "c", "d"], "answered after the commit");
  t.close();
});

test("a group whose rows fail is rolled back alone; the groups beside it commit", async () => {
  const t = setup();
  t.commits.add({ id: 1, rows: ["a"] });
  t.commits.add({ id: 2, rows: ["b", "bad"] });
  t.commits.add({ id: 3, rows: ["c"] });
  await t.settled();
  const byId = new Map(t.replies.map(({ r }) => [r.id, r as { ok: boolean }]));
  assert.equal(byId.get(1)?.ok, true);
  assert.equal(byId.get(3)?.ok, true);
  const failed = byId.get(2) as { ok: false; error: { code?: string } };
  assert.equal(failed.ok, false);
  assert.equal(failed.error.code, "SQLITE_CONSTRAINT_CHECK");
  assert.deepEqual(t.visible(), ["a", "c"], "none of the failed group's rows, not even its first");
  t.close();
});

test("a failed COMMIT fails its own transaction's groups; a group that arrived meanwhile commits in the next", async () => {
  const t = setup();
  t.commits.add({
    id: 1,
    rows: ["orphan"], // its deferred foreign key fails the COMMIT, not the insert
    // Arrives while the transaction is open (as a message posted during the fsync would).
    during: () => t.commits.add({ id: 3, rows: ["later"] }),
  });
  t.commits.add({ id: 2, rows: ["a"] });
  await t.settled();
  const byId = new Map(t.replies.map(({ r, seen }) => [r.id, { r: r as { ok: boolean }, seen }]));
  for (const id of [1, 2]) {
    const r = byId.get(id)?.r as { ok: false; error: { code?: string } };
    assert.equal(r.ok, false, `group ${id} shared the failed commit`);
    assert.equal(r.error.code, "SQLITE_CONSTRAINT_FOREIGNKEY");
  }
  assert.equal(byId.get(3)?.r.ok, true, "the next transaction's group is not failed with it");
  assert.deepEqual(byId.get(3)?.seen, ["later"]);
  assert.deepEqual(t.visible(), ["later"]);
  t.close();
});

test("flush() commits what is queued at once: a message that must come after the groups sees them", () => {
  const t = setup();
  t.commits.add({ id: 1, rows: ["a"] });
  t.commits.flush();
  assert.deepEqual(t.visible(), ["a"]);
  assert.equal(t.replies.length, 1);
  t.close();
});

/** Readings as a request's columns (appendReadingColumns), predictedAt the first one's. */
function columnsOf(rs: LoggedReading[]): ReadingGroup {
  const kinds = Object.keys(rs[0].heads);
  const col = (f: (r: LoggedReading) => number | null) => Float64Array.from(rs, (r) => f(r) ?? Number.NaN);
  return {
    n: rs.length,
    ids: rs.map((r) => r.id),
    machines: rs.map((r) => r.machine),
    times: col((r) => r.time),
    values: rs[0].values.map((_, j) => col((r) => r.values[j])),
    modelVersion: rs[0].modelVersion,
    predictedAt: rs[0].predictedAt,
    failure: col((r) => r.failureProbability),
    headNames: kinds,
    heads: kinds.map((k) => col((r) => r.heads[k])),
  };
}

// A batch is handed to the writer thread at once, however many are in flight, and the thread commits
// together what arrived while it committed (sqlite-thread-commit.ts): the order and the durability
// of what the callers were told must not change.
test("SQLite history log: batches in flight at once and readings between them commit in call order, each durable when it resolves", async () => {
  const path = join(dir, `history-${++n}.db`);
  const log = new SqliteHistoryLog(path);
  await log.init();
  const reader = new Database(path, { readonly: true });
  const lastSeq = () =>
    (reader.prepare("SELECT MAX(seq) AS s FROM log").get() as { s: number | null }).s ?? 0;
  const calls: { ids: string[]; done: Promise<number[]> }[] = [];
  const notYetVisible: number[] = [];
  for (let k = 0; k < 24; k++) {
    const rs = Array.from({ length: k % 3 === 2 ? 1 : 50 }, (_, i) => reading(k * 100 + i, `M${k % 5}`));
    const done = k % 3 === 2 ? log.appendReadings(rs) : log.appendReadingColumns(columnsOf(rs));
    // What another connection sees when the caller is told: every one of its readings.
    const checked = done.then((seqs) => {
      if (lastSeq() < Math.max(...seqs)) notYetVisible.push(k);
      return seqs;
    });
    calls.push({ ids: rs.map((r) => r.id), done: checked });
  }
  const seqs = (await Promise.all(calls.map((c) => c.done))).flat();
  assert.deepEqual(notYetVisible, [], "resolved before its rows were committed");
  assert.deepEqual(
    seqs,
    [...seqs].sort((a, b) => a - b),
    "seqs follow the calls",
  );
  assert.equal(new Set(seqs).size, seqs.length);
  const got = await log.entriesAfter(0);
  assert.deepEqual(
    got.map((e) => (e.type === "reading" ? e.reading.id : "")),
    calls.flatMap((c) => c.ids),
  );
  assert.deepEqual(
    got.map((e) => e.seq),
    seqs,
  );
  reader.close();
  await log.close();
});

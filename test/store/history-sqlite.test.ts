// The history-log contract against a real SQLite file in a temp dir, with the writer thread (what
// `millwright serve` uses) and without; then how shadow scores share the answers' commits.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import { isMillwrightError } from "../../src/core/errors.js";
import { SHADOW_RIDE_WAIT_MS } from "../../src/store/shadow-rides.js";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import type { ShadowScore } from "../../src/store/history/types.js";
import { event, label, reading, runHistoryLogContract } from "./history-contract.js";

const dir = mkdtempSync(join(tmpdir(), "mw-hlog-"));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

runHistoryLogContract("SQLite", {
  fresh: async () => join(dir, `history-${++n}.db`),
  open: (path, labelled) => new SqliteHistoryLog(path, { labelled }),
});

// MILLWRIGHT_SQLITE_WRITER_THREAD=0: the same log, its groups committed on the main thread.
runHistoryLogContract("SQLite, main-thread writes", {
  fresh: async () => join(dir, `history-${++n}.db`),
  open: (path, labelled) => new SqliteHistoryLog(path, { writerThread: false, labelled }),
});

// Shadow mode (shadow-rides.ts): with the writer thread, shadow scores ride in the answers' commits.
describe("SQLite history log: shadow scores ride with the answers' commits", () => {
  const score = (i: number): ShadowScore => ({
    id: reading(i).id,
    machine: reading(i).machine,
    time: reading(i).time,
    modelVersion: "2.0.0",
    failureProbability: i / 10,
    championVersion: "1.0.0",
    championProbability: reading(i).failureProbability,
    scoredAt: 1_750_000_000_000 + i,
  });

  test("an answers' group takes as many waiting scores as it has answers into its own commit", async () => {
    const log = new SqliteHistoryLog(join(dir, `history-${++n}.db`));
    await log.init();
    const rows = Array.from({ length: 5 }, (_, i) => score(i));
    let settled = false;
    const shadowDone = log.appendShadow(rows).then(() => {
      settled = true;
    });
    await log.appendReadings([reading(0), reading(1)]);
    // Committed with that group: readable at once (no wait for the fallback timer).
    assert.deepEqual(await log.shadowScores(100), rows.slice(0, 2), "two answers carried two scores");
    assert.equal(settled, false, "three still wait");
    await log.appendReadings([reading(2), reading(3), reading(4), reading(5)]);
    await shadowDone;
    assert.deepEqual(await log.shadowScores(100), rows);
    await log.close();
  });

  test("scores nobody takes are committed on their own after the wait", async () => {
    const log = new SqliteHistoryLog(join(dir, `history-${++n}.db`));
    await log.init();
    const t0 = Date.now();
    await log.appendShadow([score(1), score(2)]);
    const waited = Date.now() - t0;
    assert.ok(waited >= SHADOW_RIDE_WAIT_MS - 5, `waited ${waited} ms for an answers' group first`);
    assert.equal((await log.shadowScores(10)).length, 2);
    await log.close();
  });

  test("shadow scores of a file from before the groups (a row each in `shadow`) stay readable, first", async () => {
    const path = join(dir, `history-${++n}.db`);
    const first = new SqliteHistoryLog(path);
    await first.init();
    await first.close();
    const db = new Database(path);
    const s0 = score(0);
    db.prepare("INSERT INTO shadow VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
      s0.id,
      s0.machine,
      s0.time,
      s0.modelVersion,
      s0.failureProbability,
      s0.championVersion,
      s0.championProbability,
      s0.scoredAt,
    );
    db.close();
    const log = new SqliteHistoryLog(path);
    await log.init();
    await log.appendShadow([score(0), score(1), score(2)]); // score 0 again: counts once, first
    await log.appendReadings([reading(1), reading(2), reading(3)]);
    assert.deepEqual(await log.shadowScores(10), [score(0), score(1), score(2)]);
    assert.deepEqual(await log.shadowScores(1), [score(2)]);
    await log.close();
    const raw = new Database(path, { readonly: true });
    assert.equal((raw.prepare("SELECT COUNT(*) AS n FROM shadow_groups").get() as { n: number }).n, 1);
    raw.close();
  });

  test("shadow rows that fail to insert fail alone: the answers they rode with commit", async () => {
    const path = join(dir, `history-${++n}.db`);
    const log = new SqliteHistoryLog(path);
    await log.init();
    // A value SQLite cannot bind (an object) makes the shadow insert throw on the writer thread.
    const bad = log.appendShadow([{ ...score(1), modelVersion: { not: "a string" } as unknown as string }]);
    const seqs = await log.appendReadings([reading(1), reading(2)]);
    await assert.rejects(bad, (e: Error) => isMillwrightError(e) && e.code === "MW_STORE_UNAVAILABLE");
    assert.equal(seqs.length, 2);
    await log.close();
    const again = new SqliteHistoryLog(path);
    assert.equal((await again.entriesAfter(0)).length, 2, "the answers are on disk");
    assert.equal((await again.shadowScores(10)).length, 0);
    await again.close();
  });
});

// Layout 2 (labels): SQLite cannot widen a CHECK in place, so a layout-1 file's log is copied once.
describe("SQLite history log: a file from before labels (layout 1)", () => {
  /** A layout-1 file as Millwright wrote it before labels: the old type check, 3 readings and an event. */
  function layout1(path: string): void {
    const db = new Database(path);
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('layout', '1');
      CREATE TABLE log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL CHECK (type IN ('reading', 'event')),
        id TEXT NOT NULL, machine TEXT NOT NULL, t REAL NOT NULL, body TEXT NOT NULL
      );
      CREATE UNIQUE INDEX log_event_id ON log (id) WHERE type = 'event';`);
    const ins = db.prepare("INSERT INTO log (type, id, machine, t, body) VALUES (?, ?, ?, ?, ?)");
    for (const i of [0, 1, 2])
      ins.run("reading", reading(i).id, reading(i).machine, reading(i).time, JSON.stringify(reading(i)));
    const e = event("e-1");
    ins.run("event", e.id, e.machine, e.time, JSON.stringify(e));
    // Seqs never go back: one more reading was written and removed (AUTOINCREMENT remembers 5).
    ins.run("reading", "gone", "M0", 0, JSON.stringify(reading(9)));
    db.exec("DELETE FROM log WHERE id = 'gone'");
    assert.throws(
      () => ins.run("label", "x", "M0", 0, "{}"),
      /CHECK constraint failed/,
      "layout 1 refuses labels",
    );
    db.close();
  }

  test("is brought to layout 4 on open: entries and seqs kept, labels taken, new seqs after the old", async () => {
    const path = join(dir, `history-${++n}.db`);
    layout1(path);
    const log = new SqliteHistoryLog(path, { labelled: true });
    await log.init();
    const before = await log.entriesAfter(0);
    assert.deepEqual(
      before.map((e) => e.seq),
      [1, 2, 3, 4],
    );
    assert.deepStrictEqual(before[3], { seq: 4, type: "event", event: event("e-1") });
    assert.deepEqual(await log.appendLabels([label(1, 1), label(7, 0)]), ["accepted", "unknown"]);
    assert.deepEqual(await log.appendReadings([reading(3)]), [7], "after the label (6), past the removed 5");
    await log.close();
    const raw = new Database(path, { readonly: true });
    assert.equal(
      (raw.prepare("SELECT value FROM meta WHERE key = 'layout'").get() as { value: string }).value,
      "4",
    );
    const plan = raw
      .prepare("EXPLAIN QUERY PLAN SELECT machine, t FROM log WHERE type = 'reading' AND id = ?")
      .all("x") as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join(" "), /log_reading_id/, "labels find readings by the index");
    raw.close();
  });

  test("a layout it does not know is refused, not misread; an event-labelled log gets no reading-id index", async () => {
    const path = join(dir, `history-${++n}.db`);
    const fresh = new SqliteHistoryLog(path);
    await fresh.init();
    await fresh.close();
    const raw = new Database(path);
    const names = (
      raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]
    ).map((r) => r.name);
    assert.ok(names.includes("log_label_id") && !names.includes("log_reading_id"), names.join(", "));
    raw.exec("UPDATE meta SET value = '5' WHERE key = 'layout'");
    raw.close();
    assert.throws(
      () => new SqliteHistoryLog(path),
      (e: Error) => isMillwrightError(e) && /layout 5, this Millwright reads 4/.test(e.message),
    );
  });
});

// Layout 3 (machines added on the server): a layout-2 file, as every server wrote it until then, is
// copied once into a log whose type check allows them.
describe("SQLite history log: a file from before machine entries (layout 2)", () => {
  test("is brought to layout 4 on open: its entries, labels and seqs kept, and a machine taken", async () => {
    const path = join(dir, `history-${++n}.db`);
    const db = new Database(path);
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('layout', '2');
      CREATE TABLE log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL CHECK (type IN ('reading', 'event', 'label')),
        id TEXT NOT NULL, machine TEXT NOT NULL, t REAL NOT NULL, body TEXT NOT NULL
      );
      CREATE UNIQUE INDEX log_event_id ON log (id) WHERE type = 'event';
      CREATE UNIQUE INDEX log_label_id ON log (id) WHERE type = 'label';`);
    const ins = db.prepare("INSERT INTO log (type, id, machine, t, body) VALUES (?, ?, ?, ?, ?)");
    ins.run("reading", reading(0).id, reading(0).machine, reading(0).time, JSON.stringify(reading(0)));
    const l = { ...label(0, 1), machine: reading(0).machine, time: reading(0).time };
    ins.run("label", l.id, l.machine, l.time, JSON.stringify(l));
    assert.throws(() => ins.run("machine", "R-09", "R-09", 0, "{}"), /CHECK constraint failed/);
    db.close();
    const log = new SqliteHistoryLog(path, { labelled: true });
    await log.init();
    const m = { machine: "R-09", attributes: { model: "CTR-20" }, receivedAt: 5 };
    assert.deepEqual(await log.appendMachines([m]), [3]);
    assert.deepEqual(
      (await log.entriesAfter(0)).map((e) => `${e.seq}:${e.type}`),
      ["1:reading", "2:label", "3:machine"],
    );
    assert.deepEqual(
      await log.appendLabels([label(0, 1)]),
      ["duplicate"],
      "the label index survived the copy",
    );
    await log.close();
  });
});

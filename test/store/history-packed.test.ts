// Layout 4 in SQLite: a group's readings are one row of the log (packed.ts), and a file of layout 3,
// as the layout-3 code wrote it (its SQL below), is brought up to 4 on open in one transaction.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import { uuidv7Many } from "../../src/serve/ids.js";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import { event, label, reading } from "./history-contract.js";

const dir = mkdtempSync(join(tmpdir(), "mw-hpack-"));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

const rowCount = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare("SELECT type, n FROM log ORDER BY seq").all() as { type: string; n: number }[];
  } finally {
    db.close();
  }
};

describe("SQLite history log, layout 4: a group to a row", () => {
  for (const writerThread of [true, false])
    test(`a 1,000-reading request is one row, one event-loop turn's requests one more (writer thread: ${writerThread})`, async () => {
      const path = join(dir, `h-${++n}.db`);
      const log = new SqliteHistoryLog(path, { writerThread, labelled: true });
      await log.init();
      const ids = uuidv7Many(1000);
      const big = ids.map((id, i) => ({ ...reading(i), id }));
      const seqs = await log.appendReadings(big);
      assert.deepEqual(
        seqs,
        Array.from({ length: 1000 }, (_, i) => i + 1),
      );
      // Three requests in one turn: one group commit, one row (their ids one millisecond apart at most).
      const small = [0, 1, 2].map((k) =>
        uuidv7Many(2).map((id, i) => ({ ...reading(2000 + k * 2 + i), id })),
      );
      const got = await Promise.all(small.map((rs) => log.appendReadings(rs)));
      assert.deepEqual(got, [
        [1001, 1002],
        [1003, 1004],
        [1005, 1006],
      ]);
      await log.appendEvents([event("e-1")]);
      await log.close();
      assert.deepEqual(rowCount(path), [
        { type: "readings", n: 1000 },
        { type: "readings", n: 6 },
        { type: "event", n: 1 },
      ]);
      const again = new SqliteHistoryLog(path, { writerThread, labelled: true });
      await again.init();
      assert.deepEqual(
        await again.appendLabels(
          [ids[0], ids[999], ids[500], small[2][1].id].map((id) => ({ ...label(0, 1), id })),
        ),
        ["accepted", "accepted", "accepted", "accepted"],
      );
      await again.close();
    });
});

/** A layout-3 file as the layout-3 code made it (sqlite-schema.ts before layout 4), labelled. */
function layout3(path: string): void {
  const db = new Database(path);
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('layout', '3');
    CREATE TABLE log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      type TEXT NOT NULL CHECK (type IN ('reading', 'event', 'label', 'machine')),
      id TEXT NOT NULL, machine TEXT NOT NULL, t REAL NOT NULL, body TEXT NOT NULL
    );
    CREATE UNIQUE INDEX log_event_id ON log (id) WHERE type = 'event';
    CREATE UNIQUE INDEX log_label_id ON log (id) WHERE type = 'label';
    CREATE INDEX log_reading_id ON log (id) WHERE type = 'reading';`);
  const ins = db.prepare("INSERT INTO log (type, id, machine, t, body) VALUES (?, ?, ?, ?, ?)");
  for (const i of [0, 1, 2])
    ins.run("reading", reading(i).id, reading(i).machine, reading(i).time, JSON.stringify(reading(i)));
  const e = event("e-1");
  ins.run("event", e.id, e.machine, e.time, JSON.stringify(e));
  const l = { ...label(0, 1), machine: reading(0).machine, time: reading(0).time };
  ins.run("label", l.id, l.machine, l.time, JSON.stringify(l));
  const m = { machine: "R-09", attributes: { model: "CTR-20" }, receivedAt: 5 };
  ins.run("machine", m.machine, m.machine, m.receivedAt, JSON.stringify(m));
  // Seqs never go back: a reading written and removed (AUTOINCREMENT remembers 7).
  ins.run("reading", "gone", "M0", 0, JSON.stringify(reading(9)));
  db.exec("DELETE FROM log WHERE id = 'gone'");
  db.close();
}

describe("SQLite history log: a file of layout 3 (a row per reading)", () => {
  test("is brought to 4 on open: entries, seqs and labels kept; new groups packed after the old seqs", async () => {
    const path = join(dir, `h-${++n}.db`);
    layout3(path);
    const log = new SqliteHistoryLog(path, { labelled: true });
    await log.init();
    const before = await log.entriesAfter(0);
    assert.deepEqual(
      before.map((e) => `${e.seq}:${e.type}`),
      ["1:reading", "2:reading", "3:reading", "4:event", "5:label", "6:machine"],
    );
    assert.deepStrictEqual(before[1], { seq: 2, type: "reading", reading: reading(1) });
    const seqs = await log.appendReadings([reading(3), reading(4)]);
    assert.deepEqual(seqs, [8, 9], "past the removed 7");
    assert.deepEqual(
      await log.appendLabels([label(0, 1), label(1, 0), label(4, 1), label(7, 0)]),
      ["duplicate", "accepted", "accepted", "unknown"],
      "old rows and new groups both found by id",
    );
    assert.deepEqual(
      (await log.entriesAfter(6)).map((e) => `${e.seq}:${e.type}`),
      ["8:reading", "9:reading", "10:label", "11:label"],
    );
    await log.close();
    const raw = new Database(path, { readonly: true });
    assert.equal(
      (raw.prepare("SELECT value FROM meta WHERE key = 'layout'").get() as { value: string }).value,
      "4",
    );
    const plan = (sql: string) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all("x", "x", "x") as { detail: string }[])
        .map((p) => p.detail)
        .join(" ");
    assert.match(
      plan("SELECT seq FROM log WHERE type = 'readings' AND id >= ? AND id <= ? AND id_hi >= ?"),
      /log_readings_range/,
    );
    raw.close();
  });

  test("a copy that fails half-way leaves the layout-3 file as it was", async () => {
    const path = join(dir, `h-${++n}.db`);
    layout3(path);
    // An object in the copy's way: its CREATE IF NOT EXISTS passes, its INSERT fails, inside the transaction.
    const db = new Database(path);
    db.exec("CREATE VIEW log_new AS SELECT * FROM log");
    db.close();
    assert.throws(() => new SqliteHistoryLog(path), /log_new/);
    const raw = new Database(path, { readonly: true });
    assert.equal(
      (raw.prepare("SELECT value FROM meta WHERE key = 'layout'").get() as { value: string }).value,
      "3",
    );
    assert.equal((raw.prepare("SELECT COUNT(*) AS c FROM log").get() as { c: number }).c, 6);
    assert.ok(!(raw.pragma("table_info(log)") as { name: string }[]).some((c) => c.name === "nums"));
    raw.close();
  });
});

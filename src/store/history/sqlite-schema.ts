// The SQLite history log's tables, created on open, and the layout check: a file from a newer
// layout is refused, not misread; a file from layout 1, 2 or 3 is brought to 4 first.
//
// Layout 2 adds the `label` entry (ground truth by prediction id, row-labelled contracts), layout 3
// the `machine` entry (a machine added to the machine table on the server), layout 4 the `readings`
// row (a group's readings packed in one row: entries.ts, packed.ts). SQLite cannot change a CHECK
// constraint in place, so the log is copied once into a table that allows them, in one transaction
// (SQLite's documented way, lang_altertable.html): a crash leaves the old layout. The older rows are
// copied as they are (a `reading` row each: still read). The number is bumped so that a Millwright
// from before refuses the file rather than replaying a label, a machine or a group as an event.
import type Database from "better-sqlite3";
import { MillwrightError } from "../../core/errors.js";
import { SHADOW_SCHEMA } from "./sqlite-shadow.js";

export const LAYOUT = 4;

const logTable = (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL CHECK (type IN ('reading', 'readings', 'event', 'label', 'machine')),
  id TEXT NOT NULL,
  machine TEXT NOT NULL,
  t REAL NOT NULL,
  body TEXT NOT NULL,
  n INTEGER NOT NULL DEFAULT 1,
  id_hi TEXT,
  nums BLOB
)`;
// seq: a packed row's is its last reading's (its n readings have the n seqs up to it); id and id_hi
// its smallest and largest reading id; body the strings, nums the numbers (packed.ts).

const INDEXES = `
  CREATE UNIQUE INDEX IF NOT EXISTS log_event_id ON log (id) WHERE type = 'event';
  CREATE UNIQUE INDEX IF NOT EXISTS log_label_id ON log (id) WHERE type = 'label';`;

/**
 * Readings by id, for a row-labelled contract's feedback (a label names its prediction). Only
 * there: a contract whose labels are failure events never needs it (the same reason the (machine,
 * seq) index went). Layout 4 indexes a packed row by its id range, one entry per group (packed.ts
 * ID_PREFIX says how a label finds its row); the per-reading index still finds layout-3 rows, and
 * costs nothing more (no `reading` row is written).
 */
const READING_IDS = `CREATE INDEX IF NOT EXISTS log_reading_id ON log (id) WHERE type = 'reading';
  CREATE INDEX IF NOT EXISTS log_readings_range ON log (id, id_hi) WHERE type = 'readings'`;

/** Copies the log of layout 1–3 into a table whose type check allows every entry of this layout. */
function fromOlderLayout(db: Database.Database): void {
  db.transaction(() => {
    const last = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'log'").get() as
      | { seq: number }
      | undefined;
    db.exec(`${logTable("log_new")};
      INSERT INTO log_new (seq, type, id, machine, t, body) SELECT seq, type, id, machine, t, body FROM log ORDER BY seq;
      DROP TABLE log;
      ALTER TABLE log_new RENAME TO log;`);
    // Seqs never go back, even past entries that were never committed (AUTOINCREMENT's promise).
    if (last) db.prepare("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'log'").run(last.seq);
    db.exec(INDEXES);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'layout'").run(String(LAYOUT));
  })();
}

/** Creates what is missing and checks (or brings up) the layout; `labelled`: index readings by id. */
export function prepareHistoryFile(db: Database.Database, path: string, labelled: boolean): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    ${logTable("log")};
    -- Nothing reads the log by machine (replays read by seq), and the index cost every append
    -- a second B-tree write on the writer thread: dropped from files that have it.
    DROP INDEX IF EXISTS log_machine;
  `);
  db.exec(SHADOW_SCHEMA);
  const row = db.prepare("SELECT value FROM meta WHERE key = 'layout'").get() as
    | { value: string }
    | undefined;
  if (!row) db.prepare("INSERT INTO meta (key, value) VALUES ('layout', ?)").run(String(LAYOUT));
  else if ([1, 2, 3].includes(Number(row.value))) fromOlderLayout(db);
  else if (Number(row.value) !== LAYOUT)
    throw new MillwrightError(
      "MW_STORE_UNAVAILABLE",
      `${path}: history log layout ${row.value}, this Millwright reads ${LAYOUT}`,
    );
  db.exec(INDEXES);
  if (labelled) db.exec(READING_IDS);
}

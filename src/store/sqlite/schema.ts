// SQLite schema, versioned by PRAGMA user_version. Append migrations; never edit a shipped one.
// Times are INTEGER milliseconds since the epoch (the interface's unit); JSON is TEXT.
import type Database from "better-sqlite3";
import { MillwrightError } from "../../core/errors.js";
import { alertFingerprints, coreTables } from "../schema-tables.js";

export const SQLITE_MIGRATIONS: string[] = [
  // 1: the prediction log, feedback, monitor history, audit trail.
  // A rowid table with a UNIQUE id, not WITHOUT ROWID: inserts append to the rowid B-tree instead of
  // placing wide rows by id, measured ~2x faster per batch (bench/store.ts); one secondary index only.
  coreTables("sqlite"),
  // 2: the journal the writer thread appends groups of predictions to (journal.ts); `moved`
  // counts the records of a row already moved into predictions (a big row moves in several steps).
  // AUTOINCREMENT: sequence numbers never come back after the journal empties, so "moved through
  // seq" stays true for a reader waiting on an older one.
  `CREATE TABLE prediction_journal (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     n INTEGER NOT NULL,
     moved INTEGER NOT NULL DEFAULT 0,
     nums BLOB NOT NULL,
     strs TEXT NOT NULL
   );`,
  // 3: when each alert fingerprint was last seen, so retraining dedupe survives a restart (issue 18).
  alertFingerprints("sqlite"),
  // 4: shadow mode's scores beside the champion's (issue 19), keyed by the answer's id. No foreign
  // key: the answer may still be in the journal when its shadow score is written.
  `CREATE TABLE shadow_scores (
     prediction_id TEXT NOT NULL,
     model_version TEXT NOT NULL,
     failure_probability REAL NOT NULL,
     champion_version TEXT NOT NULL,
     champion_probability REAL NOT NULL,
     scored_at INTEGER NOT NULL,
     PRIMARY KEY (prediction_id, model_version)
   );`,
  // 5: shadow scores in groups, a row per group (store/sqlite/shadow-pack.ts): a row per score cost
  // the answers' commits they ride in 7.7 µs a score and doubled their time (bench/shadow-log.ts). Rows of migration 4's
  // table stay readable (SqliteStore.shadowScores reads both, the groups being newer).
  `CREATE TABLE shadow_score_groups (
     seq INTEGER PRIMARY KEY,
     model_version TEXT NOT NULL,
     champion_version TEXT NOT NULL,
     n INTEGER NOT NULL,
     ids TEXT NOT NULL,
     scores BLOB NOT NULL
   );`,
];

/**
 * Brings the file to the latest version. BEGIN IMMEDIATE takes the write lock before reading
 * user_version, so two processes opening the same file at once apply each migration exactly once.
 */
export function migrateSqlite(db: Database.Database): number {
  const run = db.transaction(() => {
    let version = db.pragma("user_version", { simple: true }) as number;
    if (version > SQLITE_MIGRATIONS.length) {
      throw new MillwrightError(
        "MW_CONFIG",
        `${db.name}: schema version ${version} is newer than this Millwright knows (${SQLITE_MIGRATIONS.length})`,
        { file: db.name, version },
      );
    }
    for (; version < SQLITE_MIGRATIONS.length; version++) {
      db.exec(SQLITE_MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    }
    return version;
  });
  return run.immediate();
}

// The history log's shadow scores (shadow mode) in SQLite, as both of its writers insert them (the
// writer thread, and the main thread without it), and read back: a group to a row.
import type Database from "better-sqlite3";
import { float64sOf, lastDistinct, runsOf, SHADOW_SELECT } from "../shadow-rows.js";
import { type Columns, columnsOf } from "../../core/columns.js";
import { SHADOW_SCORE_FIELDS, type ShadowScore } from "./types.js";

/** Shadow scores by column (types.ts ShadowScore). */
export type ShadowGroup = Columns<ShadowScore>;

/**
 * The shadow tables (shadow mode): added beside the log by CREATE IF NOT EXISTS, so a file from
 * before them simply gains them and a Millwright without shadow mode ignores them: the log's layout
 * (what replay reads) is unchanged, hence no layout bump. Scores are kept a group to a row in
 * `shadow_groups`, as the retired AI4I app's prediction log kept its shadow's: a row per score in
 * `shadow`, keyed by id, doubled the work of the answers' commits they ride in (measured then, by a
 * bench retired with that log). `shadow` stays for the rows written before.
 */
export const SHADOW_SCHEMA = `CREATE TABLE IF NOT EXISTS shadow (
  id TEXT NOT NULL,
  machine TEXT NOT NULL,
  t REAL NOT NULL,
  model_version TEXT NOT NULL,
  p REAL NOT NULL,
  champion_version TEXT NOT NULL,
  champion_p REAL NOT NULL,
  scored_at INTEGER NOT NULL,
  PRIMARY KEY (id, model_version)
);
CREATE TABLE IF NOT EXISTS shadow_groups (
  seq INTEGER PRIMARY KEY,
  model_version TEXT NOT NULL,
  champion_version TEXT NOT NULL,
  n INTEGER NOT NULL,
  strs TEXT NOT NULL,
  scores BLOB NOT NULL
)`;

/** A stored group: `strs` is the JSON [ids, machines]; `scores` n × [t, p, champion_p, scored_at]. */
export interface ShadowGroupRow {
  model_version: string;
  champion_version: string;
  strs: string;
  scores: Uint8Array;
}

const PER = 4;

/** One stored group back as scores. */
export function shadowOfGroupRow(g: ShadowGroupRow): ShadowScore[] {
  const [ids, machines] = JSON.parse(g.strs) as [string[], string[]];
  const x = float64sOf(g.scores);
  return ids.map((id, k) => ({
    id,
    machine: machines[k],
    time: x[k * PER],
    modelVersion: g.model_version,
    failureProbability: x[k * PER + 1],
    championVersion: g.champion_version,
    championProbability: x[k * PER + 2],
    scoredAt: x[k * PER + 3],
  }));
}

/** Shadow scores by column, to post to the writer thread. */
export const shadowGroupOf = (rows: readonly ShadowScore[]): ShadowGroup =>
  columnsOf(rows, SHADOW_SCORE_FIELDS);

/**
 * Inserts a group of shadow scores (inside the caller's transaction): a row per run of one shadow
 * version against one champion version.
 */
export function prepareShadowInsert(db: Database.Database): (g: ShadowGroup) => number {
  const ins = db.prepare(
    "INSERT INTO shadow_groups (model_version, champion_version, n, strs, scores) VALUES (?, ?, ?, ?, ?)",
  );
  const same = (g: ShadowGroup) => (i: number, k: number) =>
    g.modelVersion[k] === g.modelVersion[i] && g.championVersion[k] === g.championVersion[i];
  return (g) => {
    for (const [i, j] of runsOf(g.id.length, same(g))) {
      const x = new Float64Array((j - i) * PER);
      for (let k = i; k < j; k++) {
        const o = (k - i) * PER;
        x[o] = g.time[k];
        x[o + 1] = g.failureProbability[k];
        x[o + 2] = g.championProbability[k];
        x[o + 3] = g.scoredAt[k];
      }
      ins.run(
        g.modelVersion[i],
        g.championVersion[i],
        j - i,
        JSON.stringify([g.id.slice(i, j), g.machine.slice(i, j)]),
        Buffer.from(x.buffer),
      );
    }
    return g.id.length;
  };
}

/** The last `limit` shadow scores, oldest first: the old `shadow` table's rows, then the groups. */
export function readShadowScores(db: Database.Database, limit: number): ShadowScore[] {
  const scores = function* () {
    yield* db
      .prepare(`SELECT ${SHADOW_SELECT} FROM shadow ORDER BY rowid`)
      .iterate() as Iterable<ShadowScore>;
    for (const g of db
      .prepare("SELECT * FROM shadow_groups ORDER BY seq")
      .iterate() as Iterable<ShadowGroupRow>)
      yield* shadowOfGroupRow(g);
  };
  return lastDistinct(scores(), (r) => `${r.id}\u0000${r.modelVersion}`, limit);
}

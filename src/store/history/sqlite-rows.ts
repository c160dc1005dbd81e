// The history log's rows as both of its writers insert them: the writer thread
// (sqlite-writer-worker.ts) and the main thread (MILLWRIGHT_SQLITE_WRITER_THREAD=0, and `exclusive`).
// A group travels to the thread by column: flat arrays of strings clone cheaper than an object each.
import type Database from "better-sqlite3";
import type { ShadowScore } from "./types.js";

export interface RowGroup {
  /** 1 for an event (INSERT OR IGNORE on its id), 0 for a reading. */
  events: number[];
  ids: string[];
  machines: string[];
  times: number[];
  /** The entry as JSON, as the log stores it. */
  bodies: string[];
}

/** Shadow scores by column (types.ts ShadowScore). */
export interface ShadowGroup {
  ids: string[];
  machines: string[];
  times: number[];
  versions: string[];
  ps: number[];
  championVersions: string[];
  championPs: number[];
  at: number[];
}

export type HistoryWriterRequest =
  | ({ op: "append"; shadow?: ShadowGroup } & RowGroup)
  | ({ op: "shadow" } & ShadowGroup)
  | { op: "close" };

/**
 * The shadow table (shadow mode): added beside the log by CREATE IF NOT EXISTS, so a file from
 * before it simply gains the table and a Millwright without shadow mode ignores it: the log's
 * layout (what replay reads) is unchanged, hence no layout bump.
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
)`;

/** Shadow scores by column, to post to the writer thread. */
export const shadowGroupOf = (rows: readonly ShadowScore[]): ShadowGroup => ({
  ids: rows.map((r) => r.id),
  machines: rows.map((r) => r.machine),
  times: rows.map((r) => r.time),
  versions: rows.map((r) => r.modelVersion),
  ps: rows.map((r) => r.failureProbability),
  championVersions: rows.map((r) => r.championVersion),
  championPs: rows.map((r) => r.championProbability),
  at: rows.map((r) => r.scoredAt),
});

/** Inserts a group of shadow scores (inside the caller's transaction). */
export function prepareShadowInsert(db: Database.Database): (g: ShadowGroup) => number {
  const ins = db.prepare(
    "INSERT OR IGNORE INTO shadow (id, machine, t, model_version, p, champion_version, champion_p, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  return (g) => {
    for (let i = 0; i < g.ids.length; i++)
      ins.run(
        g.ids[i],
        g.machines[i],
        g.times[i],
        g.versions[i],
        g.ps[i],
        g.championVersions[i],
        g.championPs[i],
        g.at[i],
      );
    return g.ids.length;
  };
}

/**
 * Prepares the inserts once per connection; the function inserts a group (inside the caller's
 * transaction) and returns each row's seq, 0 where an event id was already logged.
 */
export function prepareInsert(db: Database.Database): (g: RowGroup) => number[] {
  const reading = db.prepare("INSERT INTO log (type, id, machine, t, body) VALUES ('reading', ?, ?, ?, ?)");
  // Duplicates are settled by the server before it applies an event (it knows every id it was
  // told); OR IGNORE only keeps a retried write from failing on the unique index.
  const event = db.prepare(
    "INSERT OR IGNORE INTO log (type, id, machine, t, body) VALUES ('event', ?, ?, ?, ?)",
  );
  return (g) => {
    const seqs = new Array<number>(g.ids.length);
    for (let i = 0; i < g.ids.length; i++) {
      const r = (g.events[i] ? event : reading).run(g.ids[i], g.machines[i], g.times[i], g.bodies[i]);
      seqs[i] = r.changes > 0 ? Number(r.lastInsertRowid) : 0;
    }
    return seqs;
  };
}

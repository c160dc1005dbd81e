// The history log's rows as both of its writers insert them: the writer thread
// (sqlite-writer-worker.ts) and the main thread (MILLWRIGHT_SQLITE_WRITER_THREAD=0, and `exclusive`).
// A group travels to the thread by column: flat arrays of strings clone cheaper than an object each.
import type Database from "better-sqlite3";

export interface RowGroup {
  /** 1 for an event (INSERT OR IGNORE on its id), 0 for a reading. */
  events: number[];
  ids: string[];
  machines: string[];
  times: number[];
  /** The entry as JSON, as the log stores it. */
  bodies: string[];
}

export type HistoryWriterRequest = ({ op: "append" } & RowGroup) | { op: "close" };

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

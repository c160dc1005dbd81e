// The history log's rows as both of its writers insert them: the writer thread
// (sqlite-writer-worker.ts) and the main thread (MILLWRIGHT_SQLITE_WRITER_THREAD=0, and `exclusive`).
// A group travels to the thread by column: flat arrays of strings clone cheaper than an object each.
import type Database from "better-sqlite3";
import { type Columns, columnsOf } from "../../core/columns.js";
import {
  entrySeqs,
  pushEntries,
  type ReadRow,
  STORED_ROW_FIELDS,
  type StoredRow,
  storedRows,
} from "./entries.js";
import { runsOf } from "../shadow-rows.js";
import { judgeLabels } from "./labels.js";
import { packGroups } from "./packed-columns.js";
import { idFloor, PackedIds } from "./packed.js";
import type { ShadowGroup } from "./sqlite-shadow.js";
import type { LabelIn, LabelOutcome, LogEntry, LoggedLabel, ReadingGroup, SeqEntry } from "./types.js";

/**
 * A group's rows by column (StoredRow: each row's type, readings (packed), event (INSERT OR IGNORE on
 * its id), label or machine; the entry as JSON or a packed row's strings; entries in the row (1 but
 * for a packed row), its largest id and its numbers (packed rows only)).
 */
export type RowGroup = Columns<StoredRow>;

export const groupOf = (rows: readonly StoredRow[]): RowGroup => columnsOf(rows, STORED_ROW_FIELDS);

export type HistoryWriterRequest =
  | { op: "append"; rows: RowGroup; shadow?: ShadowGroup }
  | { op: "label"; labels: LabelIn[] }
  | { op: "shadow"; scores: ShadowGroup }
  | { op: "close" };

/** A packed row's numbers as better-sqlite3 binds a blob (a Buffer arrives on the thread as a Uint8Array). */
const blob = (u: Uint8Array | null) =>
  u === null || Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * Prepares the inserts once per connection; the function inserts a group (inside the caller's
 * transaction) and returns each row's seq, 0 where an event id was already logged.
 */
export function prepareInsert(db: Database.Database): (g: RowGroup) => number[] {
  const insert = (type: string, conflict = "") =>
    db.prepare(`INSERT ${conflict} INTO log (type, id, machine, t, body) VALUES ('${type}', ?, ?, ?, ?)`);
  // Duplicates are settled by the server before it applies an event (it knows every id it was
  // told); OR IGNORE only keeps a retried write from failing on the unique index.
  const byType: Record<string, Database.Statement> = {
    event: insert("event", "OR IGNORE"),
    label: insert("label"),
    machine: insert("machine"),
  };
  // A packed row takes the n seqs after the last one handed out (AUTOINCREMENT's counter, which
  // never goes back): its own is the last of them, and the counter moves on to it.
  const packed = db.prepare(`INSERT INTO log (seq, type, id, machine, t, body, n, id_hi, nums)
    VALUES (COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'log'), 0) + ?, 'readings', ?, ?, ?, ?, ?, ?, ?)`);
  return (g) => {
    const seqs = new Array<number>(g.id.length);
    for (let i = 0; i < g.id.length; i++) {
      const r =
        g.type[i] === "readings"
          ? packed.run(g.n[i], g.id[i], g.machine[i], g.time[i], g.body[i], g.n[i], g.hi[i], blob(g.nums[i]))
          : byType[g.type[i]].run(g.id[i], g.machine[i], g.time[i], g.body[i]);
      seqs[i] = r.changes > 0 ? Number(r.lastInsertRowid) : 0;
    }
    return seqs;
  };
}

/**
 * One append call's entries waiting for their group's commit; `seqs` is filled in then, an entry's
 * seq each (0: an event id already logged). The readings of a group's calls, one after another, go
 * into packed rows together (entries.ts): one row per group, not one per reading. A request's
 * scored columns (`group`, appendReadingColumns) are packed with the columns of the requests beside
 * it, straight from the columns (packed-columns.ts).
 */
export type Slot = { entries: LogEntry[]; group?: ReadingGroup; seqs: number[] };

const slotSize = (s: Slot) => (s.group ? s.group.n : s.entries.length);

export const entriesIn = (slots: Slot[]) => slots.reduce((n, s) => n + slotSize(s), 0);

/** The slots' rows, in order: each run of entries packed as before, each run of columns likewise. */
function rowsOf(slots: Slot[]): StoredRow[] {
  if (slots.length === 1 && !slots[0].group) return storedRows(slots[0].entries);
  return runsOf(slots.length, (i, k) => !slots[i].group === !slots[k].group).flatMap(([i, j]) => {
    const run = slots.slice(i, j);
    return run[0].group ? packGroups(run.map((s) => s.group!)) : storedRows(run.flatMap((s) => s.entries));
  });
}

/** Writes a group's slots with `write` (rows to their seqs) and fills in every entry's seq. */
export function writeSlots(
  slots: Slot[],
  write: (g: RowGroup) => number[] | Promise<number[]>,
): void | Promise<void> {
  const rows = rowsOf(slots);
  const fill = (rowSeqs: number[]) => {
    const seqs = entrySeqs(rows, rowSeqs);
    let k = 0;
    for (const s of slots) {
      const n = slotSize(s);
      s.seqs = seqs.slice(k, k + n);
      k += n;
    }
  };
  const r = write(groupOf(rows));
  return Array.isArray(r) ? fill(r) : r.then(fill);
}

/**
 * The packed rows' number buffers, to transfer to the writer thread rather than copy: each is a
 * buffer of its own (packed.ts, packed-columns.ts), never read again on this thread once posted.
 */
export function transferable(g: RowGroup): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const u of g.nums)
    if (u && u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && u.buffer instanceof ArrayBuffer)
      out.add(u.buffer);
  return [...out];
}

/**
 * Judges and logs labels (inside the caller's transaction, on the connection that writes: nothing
 * can log a label between the look-up and the insert). A reading is found by id in a packed row
 * through log_readings_range (the rows whose id range holds it, packed.ts ID_PREFIX), else in a
 * layout-3 row through log_reading_id; labels through log_label_id (sqlite-schema.ts).
 */
export function prepareLabels(db: Database.Database): (labels: LabelIn[]) => LabelOutcome[] {
  const single = db.prepare("SELECT machine, t AS time FROM log WHERE type = 'reading' AND id = ?");
  const ranges = db.prepare(
    "SELECT seq, body, nums FROM log WHERE type = 'readings' AND id >= ? AND id <= ? AND id_hi >= ? ORDER BY seq",
  );
  const prior = db.prepare("SELECT body FROM log WHERE type = 'label' AND id = ?");
  const insert = prepareInsert(db);
  return (labels) => {
    // A batch's labels often share rows: each row's ids are read once per call.
    const rows = new Map<number, PackedIds>();
    const packedReading = (id: string) => {
      for (const r of ranges.iterate(idFloor(id), id, id) as Iterable<Omit<ReadRow, "type">>) {
        let at = rows.get(r.seq);
        if (!at) rows.set(r.seq, (at = new PackedIds(r.body, r.nums!)));
        const hit = at.find(id);
        if (hit) return hit;
      }
      return undefined;
    };
    const { outcomes, fresh } = judgeLabels(
      labels,
      (id) => (single.get(id) as { machine: string; time: number } | undefined) ?? packedReading(id),
      (id) => {
        const r = prior.get(id) as { body: string } | undefined;
        return r ? (JSON.parse(r.body) as LoggedLabel) : undefined;
      },
    );
    insert(groupOf(storedRows(fresh.map((label) => ({ type: "label", label })))));
    return outcomes;
  };
}

/**
 * Entries with seq > `seq`, in order, at most `limit` (0 or none: all), on any connection to the
 * file (the server's, or a read-only reader's). Rows are read one at a time until `limit` entries
 * are in: a packed row holds many.
 */
export function sqliteEntriesAfter(db: Database.Database, seq: number, limit?: number): SeqEntry[] {
  const out: SeqEntry[] = [];
  const max = limit || Number.POSITIVE_INFINITY;
  const rows = db.prepare("SELECT seq, type, body, nums FROM log WHERE seq > ? ORDER BY seq");
  for (const r of rows.iterate(seq) as Iterable<ReadRow>) {
    pushEntries(out, r, seq, max);
    if (out.length >= max) break;
  }
  return out;
}

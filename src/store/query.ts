// Reading the log, shared by both SQL stores: keyset-paged streaming in (predicted_at, id) order,
// "most recent N" via a cutoff key, and counts. Each store supplies `all(sql, params)` with `?`
// placeholders. Pages, not one open cursor: the stream may be consumed slowly while group commits
// keep writing on the same connection (better-sqlite3 forbids writes while an iterator is open).
import { JOINED_SELECT, type JoinedRow, rowToPrediction, type SqlValue, whereClause } from "./rows.js";
import type { LabelledPrediction, QueryOptions } from "./types.js";

export type AllFn = <R>(sql: string, params: SqlValue[]) => Promise<R[]>;

const FROM = "FROM predictions p LEFT JOIN feedback f ON f.prediction_id = p.id";
// SQLite plans the LEFT JOIN by walking every prediction and probing feedback, so a labelled query
// over a large log with few labels scans the whole log (the monitor's quality windows stalled the
// event loop longer each minute of a soak). Starting from feedback, CROSS JOIN fixing that order in
// SQLite, costs O(labels) instead: 32 ms → 1.3 ms on 1M predictions with 300 labels.
// PostgreSQL's planner has statistics and needs no hint.
const SQLITE_LABELLED_FROM = "FROM feedback f CROSS JOIN predictions p ON p.id = f.prediction_id";

export type Dialect = "sqlite" | "postgres";

function fromFor(opts: QueryOptions, dialect: Dialect): string {
  return dialect === "sqlite" && opts.labelled ? SQLITE_LABELLED_FROM : FROM;
}

/** Key of the oldest row among the `limit` most recent ones matching `opts`, or null if fewer exist. */
async function cutoffKey(
  all: AllFn,
  opts: QueryOptions,
  limit: number,
  dialect: Dialect,
): Promise<{ at: number; id: string } | null> {
  const w = whereClause(opts);
  const rows = await all<{ predicted_at: number | string; id: string }>(
    `SELECT p.predicted_at, p.id ${fromFor(opts, dialect)}${w.sql} ORDER BY p.predicted_at DESC, p.id DESC LIMIT 1 OFFSET ?`,
    [...w.params, limit - 1],
  );
  return rows.length ? { at: Number(rows[0].predicted_at), id: rows[0].id } : null;
}

export async function* streamPredictions(
  all: AllFn,
  opts: QueryOptions,
  pageSize: number,
  dialect: Dialect = "postgres",
): AsyncGenerator<LabelledPrediction> {
  const select = JOINED_SELECT.replace(FROM, fromFor(opts, dialect));
  let remaining = opts.limit ?? Number.POSITIVE_INFINITY;
  if (remaining <= 0) return;
  let after: { at: number; id: string; inclusive?: boolean } | undefined;
  if (opts.limit !== undefined) {
    const key = await cutoffKey(all, opts, opts.limit, dialect);
    if (key) after = { ...key, inclusive: true };
  }
  while (remaining > 0) {
    const w = whereClause(opts, after);
    const size = Math.min(pageSize, remaining);
    const rows = await all<JoinedRow>(`${select}${w.sql} ORDER BY p.predicted_at, p.id LIMIT ?`, [
      ...w.params,
      size,
    ]);
    for (const row of rows) {
      yield rowToPrediction(row);
      remaining--;
    }
    if (rows.length < size) return;
    const last = rows[rows.length - 1];
    after = { at: Number(last.predicted_at), id: last.id };
  }
}

export async function countPredictions(
  all: AllFn,
  opts: QueryOptions = {},
  dialect: Dialect = "postgres",
): Promise<number> {
  const w = whereClause(opts);
  const rows = await all<{ n: number | string }>(
    `SELECT COUNT(*) AS n ${fromFor(opts, dialect)}${w.sql}`,
    w.params,
  );
  const n = Number(rows[0].n);
  return opts.limit !== undefined ? Math.min(n, Math.max(0, opts.limit)) : n;
}

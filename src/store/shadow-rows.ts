// Shadow scores packed a group to a row, as the history log keeps them (store/history/sqlite-rows.ts,
// packed.ts): what their packing and reading share; and a score a row, as SQLite's old `shadow`
// table and PostgreSQL's `history_shadow` keep them.
import { SHADOW_SCORE_FIELDS } from "./history/types.js";

/** A one-score-a-row table's columns, in the order of ShadowScore's fields. */
const SHADOW_COLUMNS = [
  "id",
  "machine",
  "t",
  "model_version",
  "p",
  "champion_version",
  "champion_p",
  "scored_at",
];

/** A one-score-a-row table's columns selected as a ShadowScore (quoted: PostgreSQL folds case). */
export const SHADOW_SELECT = SHADOW_COLUMNS.map((c, k) => `${c} AS "${SHADOW_SCORE_FIELDS[k]}"`).join(", ");

/** [first, end) of each run of rows that `same(first, k)` keeps together, in order. */
export function runsOf(n: number, same: (first: number, k: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && same(i, j)) j++;
    out.push([i, j]);
    i = j;
  }
  return out;
}

/** A stored blob's numbers: a Buffer from SQLite may sit at any offset of a shared pool, so copied. */
export const float64sOf = (blob: Uint8Array): Float64Array => new Float64Array(new Uint8Array(blob).buffer);

/**
 * The last `limit` of `rows`, oldest first, a key counted once at its first place (as INSERT OR
 * IGNORE on the old per-score tables kept it). Reads them all: an inspection call, on no request's path.
 */
export function lastDistinct<T>(rows: Iterable<T>, key: (r: T) => string, limit: number): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const r of rows) {
    const k = key(r);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(r);
    if (out.length > 2 * limit) out.splice(0, out.length - limit);
  }
  return out.slice(-limit);
}

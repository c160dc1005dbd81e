// Rows → one array per field, in the rows' order: what PostgreSQL's unnest() binds for a multi-row
// insert, and what crosses to the SQLite writer thread (flat arrays clone cheaper than an object a
// row). The field lists live beside the row types (store/history/entries.ts, types.ts). Pure.

export type Columns<R, K extends keyof R = keyof R> = { [P in K]: R[P][] };

/** The rows' fields `keys`, each as an array. */
export function columnsOf<R, K extends keyof R>(rows: readonly R[], keys: readonly K[]): Columns<R, K> {
  const out = {} as Columns<R, K>;
  for (const k of keys) out[k] = rows.map((r) => r[k]);
  return out;
}

/** The same arrays in the order of `keys` (a query's parameters). */
export function columnList<R>(rows: readonly R[], keys: readonly (keyof R)[]): unknown[][] {
  return keys.map((k) => rows.map((r) => r[k]));
}

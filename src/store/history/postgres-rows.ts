// The PostgreSQL history log's rows: how a group is inserted (one statement, its seqs handed out
// under the write lock), read back a page at a time, and how labels find their readings.
import type pg from "pg";
import { columnList } from "../../core/columns.js";
import { entrySeqs, pushEntries, type ReadRow, STORED_ROW_FIELDS, type StoredRow } from "./entries.js";
import { idFloor, PackedIds } from "./packed.js";
import type { LoggedLabel, SeqEntry } from "./types.js";

const SEQ = "pg_get_serial_sequence('history_log', 'seq')";

/**
 * The group's seqs as one block: the caller holds the write lock, so nothing takes a seq between
 * (seqs then follow commit order, which a follower relies on). A packed row's seq is its last
 * reading's. One statement whatever the group's size (arrays, not one parameter per value); the
 * body is text, not jsonb: the exact JSON the server wrote comes back.
 */
const INSERT = `INSERT INTO history_log (seq, contract, type, id, machine, t, body, n, id_hi, nums)
  SELECT u.seq, $1, u.type, u.id, u.machine, u.t, u.body, u.n, u.hi, u.nums
  FROM unnest($2::int8[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::int4[], $9::text[], $10::bytea[])
    AS u(seq, type, id, machine, t, body, n, hi, nums)
  ON CONFLICT (contract, id) WHERE type = 'event' DO NOTHING
  RETURNING seq`;

/**
 * Rows (entries as storedRows makes them, or a request's packed columns) inserted under the write
 * lock, in the caller's transaction; each entry's seq written, in order.
 */
export async function insertRows(c: pg.PoolClient, contract: string, rows: StoredRow[]): Promise<number[]> {
  const count = rows.reduce((n, r) => n + r.n, 0);
  if (count === 0) return [];
  const { rows: block } = await c.query<{ last: string }>(
    `SELECT setval(${SEQ}, nextval(${SEQ}) + $1::int8 - 1) AS last`,
    [count],
  );
  let seq = Number(block[0].last) - count;
  const seqs = rows.map((r) => (seq += r.n));
  const { rows: written } = await c.query<{ seq: string }>(INSERT, [
    contract,
    seqs,
    ...columnList(rows, STORED_ROW_FIELDS),
  ]);
  const kept = new Set(written.map((w) => Number(w.seq)));
  return entrySeqs(
    rows,
    seqs.map((s) => (kept.has(s) ? s : 0)),
  ).filter((s) => s > 0);
}

/**
 * With a limit, the rows that hold the next `limit` entries, found first by their counts (a packed
 * row holds many; the first may hold entries before `seq` too), so no row beyond them is read.
 */
const PAGE = `WITH page AS (
    SELECT seq, SUM(LEAST(n, seq - $2::int8)) OVER (ORDER BY seq) - LEAST(n, seq - $2::int8) AS before
    FROM history_log WHERE contract = $1 AND seq > $2::int8 ORDER BY seq LIMIT $3::int8)
  SELECT seq, type, body, nums FROM history_log
  WHERE contract = $1 AND seq > $2::int8 AND seq <= (SELECT MAX(seq) FROM page WHERE before < $3::int8)
  ORDER BY seq`;

/** Entries with seq > `seq`, in order, at most `limit` (0 or none: all). */
export async function entriesAfter(
  c: pg.ClientBase | pg.Pool,
  contract: string,
  seq: number,
  limit?: number,
): Promise<SeqEntry[]> {
  const { rows } = await c.query<Omit<ReadRow, "seq"> & { seq: string }>(
    limit
      ? PAGE
      : "SELECT seq, type, body, nums FROM history_log WHERE contract = $1 AND seq > $2 ORDER BY seq",
    limit ? [contract, seq, limit] : [contract, seq],
  );
  const out: SeqEntry[] = [];
  for (const r of rows) pushEntries(out, { ...r, seq: Number(r.seq) }, seq, limit || undefined);
  return out;
}

type Found = { machine: string; time: number };

/**
 * The logged readings with these ids (their machine and time) and the labels already logged for
 * them: a reading in a packed row through the range index (packed.ts ID_PREFIX), in a layout-3 row
 * through its id index; one SELECT per type, each matching its partial index's predicate exactly.
 */
export async function lookUpLabels(
  c: pg.PoolClient,
  contract: string,
  ids: string[],
): Promise<{ reading: Map<string, Found>; prior: Map<string, LoggedLabel> }> {
  const { rows } = await c.query<{ type: string; id: string; machine: string; t: number; body: string }>(
    `SELECT type, id, machine, t, body FROM history_log
       WHERE contract = $1 AND type = 'reading' AND id = ANY($2::text[])
     UNION ALL
     SELECT type, id, machine, t, body FROM history_log
       WHERE contract = $1 AND type = 'label' AND id = ANY($2::text[])`,
    [contract, ids],
  );
  // Which rows may hold each id (the range index), then those rows, each read once.
  const { rows: holds } = await c.query<{ id: string; seq: string }>(
    `SELECT x.id, h.seq FROM unnest($2::text[], $3::text[]) AS x(id, lo)
     JOIN LATERAL (SELECT seq FROM history_log
       WHERE contract = $1 AND type = 'readings' AND id >= x.lo AND id <= x.id AND id_hi >= x.id) h ON true
     ORDER BY h.seq`,
    [contract, ids, ids.map(idFloor)],
  );
  const { rows: packed } = await c.query<{ seq: string; body: string; nums: Buffer }>(
    "SELECT seq, body, nums FROM history_log WHERE contract = $1 AND seq = ANY($2::int8[])",
    [contract, [...new Set(holds.map((h) => h.seq))]],
  );
  const rowAt = new Map(packed.map((p) => [p.seq, new PackedIds(p.body, p.nums)]));
  const reading = new Map<string, Found>();
  const prior = new Map<string, LoggedLabel>();
  for (const r of rows)
    if (r.type === "reading") reading.set(r.id, { machine: r.machine, time: r.t });
    else prior.set(r.id, JSON.parse(r.body) as LoggedLabel);
  for (const h of holds) {
    const at = reading.has(h.id) ? undefined : rowAt.get(h.seq)?.find(h.id);
    if (at) reading.set(h.id, at);
  }
  return { reading, prior };
}

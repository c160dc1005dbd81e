// The PostgreSQL history log's tables, created on init, and the layout check: a database from a
// newer layout is refused, not misread; one from layout 1, 2 or 3 is brought to 4 first.
//
// Layout 2 adds the `label` entry (ground truth by prediction id, row-labelled contracts), layout 3
// the `machine` entry (a machine added to the machine table on the server): the type check is
// replaced by one that allows them (NOT VALID: every row already passes the older, narrower check,
// so no scan). Layout 4 adds the `readings` row (a group's readings packed in one row: entries.ts,
// packed.ts) and its columns (n, id_hi, nums: added without a rewrite, the older rows keep a
// `reading` row each, still read). All of it inside init's transaction: a failure leaves the old
// layout. A replica of a Millwright from before keeps running on the new layout until it restarts,
// and would replay a label, a machine or a group as an event: upgrade every replica together.
import type pg from "pg";
import { MillwrightError } from "../../core/errors.js";

export const LAYOUT = 4;
/** Advisory lock key ("MWHS"): creating the tables; distinct from the others. */
const SCHEMA_LOCK = 0x4d574853;

const TYPES = "CHECK (type IN ('reading', 'readings', 'event', 'label', 'machine'))";

/**
 * Layout 4's columns, as the table is created with them: a packed row's seq is its last reading's
 * (its n readings have the n seqs up to it), id and id_hi its smallest and largest reading id.
 */
const PACKED = `ADD COLUMN IF NOT EXISTS n integer NOT NULL DEFAULT 1,
  ADD COLUMN IF NOT EXISTS id_hi text COLLATE "C",
  ADD COLUMN IF NOT EXISTS nums bytea`;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS history_meta (key text PRIMARY KEY, value text NOT NULL);
  CREATE TABLE IF NOT EXISTS history_log (
    seq bigserial PRIMARY KEY,
    contract text NOT NULL,
    type text NOT NULL CONSTRAINT history_log_type_check ${TYPES},
    id text COLLATE "C" NOT NULL,
    machine text NOT NULL,
    t double precision NOT NULL,
    body text NOT NULL,
    n integer NOT NULL DEFAULT 1,
    id_hi text COLLATE "C",
    nums bytea
  );
  CREATE UNIQUE INDEX IF NOT EXISTS history_log_event_id ON history_log (contract, id) WHERE type = 'event';
  CREATE INDEX IF NOT EXISTS history_log_contract_seq ON history_log (contract, seq);
  CREATE TABLE IF NOT EXISTS history_shadow (
    contract text NOT NULL,
    id text COLLATE "C" NOT NULL,
    machine text NOT NULL,
    t double precision NOT NULL,
    model_version text NOT NULL,
    p double precision NOT NULL,
    champion_version text NOT NULL,
    champion_p double precision NOT NULL,
    scored_at bigint NOT NULL,
    n bigserial,
    PRIMARY KEY (contract, id, model_version)
  );`;
// history_shadow (shadow mode) is created beside the log by IF NOT EXISTS: a database from before it
// gains the table on the next init, and replay never reads it, so the layout number stays.

const LABELS = `
  CREATE UNIQUE INDEX IF NOT EXISTS history_log_label_id ON history_log (contract, id) WHERE type = 'label';`;

/**
 * Readings by id, for a row-labelled contract's feedback; created by the first such server (an
 * index write per group, which event-labelled contracts never need; sqlite-schema.ts says how).
 */
const READING_IDS = `
  CREATE INDEX IF NOT EXISTS history_log_reading_id ON history_log (contract, id) WHERE type = 'reading';
  CREATE INDEX IF NOT EXISTS history_log_readings_range ON history_log (contract, id, id_hi) WHERE type = 'readings';`;

/** Creates what is missing and checks (or brings up) the layout, under a lock (`labelled`: index readings by id). */
export async function prepareHistoryTables(c: pg.PoolClient, labelled: boolean): Promise<void> {
  // CREATE ... IF NOT EXISTS alone races (two creators collide on the catalog): the lock queues them.
  await c.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
  await c.query(SCHEMA);
  const { rows } = await c.query<{ value: string }>("SELECT value FROM history_meta WHERE key = 'layout'");
  if (rows.length === 0)
    await c.query("INSERT INTO history_meta (key, value) VALUES ('layout', $1)", [String(LAYOUT)]);
  else if ([1, 2, 3].includes(Number(rows[0].value))) {
    await c.query(`ALTER TABLE history_log DROP CONSTRAINT IF EXISTS history_log_type_check;
      ALTER TABLE history_log ADD CONSTRAINT history_log_type_check ${TYPES} NOT VALID;
      ALTER TABLE history_log ${PACKED}`);
    await c.query("UPDATE history_meta SET value = $1 WHERE key = 'layout'", [String(LAYOUT)]);
  } else if (Number(rows[0].value) !== LAYOUT)
    throw new MillwrightError(
      "MW_CONFIG",
      `history log layout ${rows[0].value} in the database, this Millwright reads ${LAYOUT}`,
    );
  await c.query(LABELS);
  if (labelled) await c.query(READING_IDS);
}

// A contract's history log opened to read it, not to serve it: `millwright predictions export` and
// `monitor --once` read what a contract server logged, possibly while it runs. So no writer thread,
// no table created, no layout brought up: a SQLite file opened read-only (a missing file is said,
// not left behind empty), PostgreSQL in read-only transactions. Entries come back exactly as a
// server's replay reads them (entries.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { MillwrightError } from "../../core/errors.js";
import { openPool } from "../postgres/transaction.js";
import { storeError } from "../unavailable.js";
import { entriesAfter } from "./postgres-rows.js";
import { sqliteEntriesAfter } from "./sqlite-rows.js";
import { LAYOUT } from "./sqlite-schema.js";
import type { HistoryLog } from "./types.js";

export interface HistoryReader extends Pick<HistoryLog, "entriesAfter" | "close"> {
  /** Where the log is, for messages: the file, or the database's table and contract. */
  readonly where: string;
}

/** The SQLite history log of `contract` in the data directory (the server's name for it). */
export const historyLogFile = (dataDir: string, contract: string): string =>
  join(dataDir, `history-${contract}.db`);

const missing = (msg: string) => new MillwrightError("MW_NOT_FOUND", msg);

/** Throws unless the log is of this Millwright's layout. */
const checkLayout = (where: string, layout: string | undefined) => {
  if (layout !== String(LAYOUT))
    throw missing(
      `${where}: history log layout ${layout ?? "unknown"}, this command reads ${LAYOUT}: start this Millwright's server on it once, which brings it up`,
    );
};

/** A failure to read: our own errors as they are, any other as the store being unavailable. */
const unreadable = (where: string, e: unknown) =>
  storeError(e, (m) => `${where}: cannot read the history log (${m})`);

/** The SQLite log, opened read-only once it is known to be there and of this layout. */
function sqliteReader(where: string): HistoryReader {
  if (!existsSync(where))
    throw missing(
      `${where}: no history log (no contract server has logged a reading in this data directory)`,
    );
  let db: Database.Database | undefined;
  try {
    db = new Database(where, { readonly: true, fileMustExist: true });
    const row = db.prepare("SELECT value FROM meta WHERE key = 'layout'").get() as
      | { value: string }
      | undefined;
    checkLayout(where, row?.value);
  } catch (e) {
    db?.close();
    throw unreadable(where, e);
  }
  const open = db;
  return {
    where,
    entriesAfter: async (seq, limit) => sqliteEntriesAfter(open, seq, limit),
    close: async () => {
      open.close();
    },
  };
}

/** The PostgreSQL log, read in read-only transactions once it is known to be there and of this layout. */
async function postgresReader(url: string, contract: string): Promise<HistoryReader> {
  const where = `PostgreSQL history_log (contract '${contract}')`;
  const pool = openPool(url, "millwright-history-reader", {
    max: 1,
    // An export reads the whole log: no time limit per query.
    query_timeout: undefined,
    // Every statement in a read-only transaction: this reader can never change the log.
    options: "-c default_transaction_read_only=on",
  });
  try {
    const { rows } = await pool.query<{ t: string | null }>("SELECT to_regclass('history_meta') AS t");
    if (rows[0].t === null)
      throw missing(`${where}: no history log in this database (no contract server has used it)`);
    const meta = await pool.query<{ value: string }>("SELECT value FROM history_meta WHERE key = 'layout'");
    checkLayout(where, meta.rows[0]?.value);
  } catch (e) {
    await pool.end().catch(() => {});
    throw unreadable(where, e);
  }
  return {
    where,
    entriesAfter: (seq, limit) => entriesAfter(pool, contract, seq, limit),
    close: () => pool.end(),
  };
}

/** Opens `contract`'s log where its server keeps it: PostgreSQL with DATABASE_URL, else its file. */
export async function openHistoryReader(
  o: { databaseUrl?: string | null; dataDir: string },
  contract: string,
): Promise<HistoryReader> {
  return o.databaseUrl
    ? postgresReader(o.databaseUrl, contract)
    : sqliteReader(historyLogFile(o.dataDir, contract));
}

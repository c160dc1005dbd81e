// Which errors mean "the database is unreachable right now" (503 MW_STORE_UNAVAILABLE, readiness
// false until it answers) as opposed to "this write is wrong" (fail the request alone).
import { MillwrightError } from "../core/errors.js";
import type { WriteProblem } from "./write-problem.js";

const NODE_NET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
]);

// SQLite: the file cannot be written now (locked past busy_timeout, I/O error, disk full, unopenable).
const SQLITE_PREFIXES = ["SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_CANTOPEN"];

// node-postgres raises these as plain Errors without a code.
const PG_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Query read timeout",
  "Client has encountered a connection error",
  "Client was closed and is not queryable",
  "Connection terminated unexpectedly",
];

export function isUnavailableError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string") {
    if (NODE_NET_CODES.has(code)) return true;
    // SQLSTATE class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot
    // connect now), 53300 (too many connections).
    if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || code === "53300") return true;
    if (SQLITE_PREFIXES.some((p) => code.startsWith(p))) return true;
  }
  if (e instanceof AggregateError) return e.errors.some(isUnavailableError);
  return PG_MESSAGES.some((m) => e.message.includes(m));
}

/** Our own errors as they are; any other as the store being unavailable, `why` saying what failed. */
export const storeError = (e: unknown, why: (message: string) => string): MillwrightError =>
  e instanceof MillwrightError ? e : new MillwrightError("MW_STORE_UNAVAILABLE", why((e as Error).message));

// PostgreSQL up but refusing every write for a while: the server's state, not this write's fault,
// so a log holds it as its write problem (readiness 503 with the code) until a write goes through.
const PG_REFUSALS: Record<string, { code: WriteProblem["code"]; name: string }> = {
  "53100": { code: "MW_DISK_FULL", name: "disk_full" },
  "53200": { code: "MW_STORE_UNAVAILABLE", name: "out_of_memory" },
  "25006": {
    code: "MW_STORE_UNAVAILABLE",
    name: "read_only_sql_transaction: a hot standby (after a failover?) or default_transaction_read_only",
  },
};

/** The write problem a PostgreSQL error means (disk full, out of memory, read-only), or null. */
export function writeRefusal(e: unknown, what: string): WriteProblem | null {
  const code = (e as { code?: unknown } | null)?.code;
  const r = typeof code === "string" ? PG_REFUSALS[code] : undefined;
  if (!r) return null;
  return {
    code: r.code,
    reason: `${what} refuses writes: SQLSTATE ${code} ${r.name} (${(e as Error).message})`,
  };
}

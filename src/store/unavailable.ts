// Which errors mean "the database is unreachable right now" (spool and retry) as opposed to "this
// write is wrong" (fail the request). Only the first kind may be spooled: a bad record would block
// the replay forever.

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

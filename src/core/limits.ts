// Limits that several parts of the request path must agree on, in one place: a machine id the
// validators accept must also fit Fastify's route parameter (GET /v1/machines/{id}), and a string a
// client sends is bounded before anything copies it into a message or a column.

/** Longest machine_id / machine_model (UTF-16 code units, as String#length and Fastify's maxParamLength count). */
export const MAX_ID_LENGTH = 128;

/**
 * Longest route parameter. Fastify compares it with the DECODED parameter, so it equals the id
 * limit: every id that /v1/predict accepts can be looked up. Versions and model names are shorter.
 */
export const MAX_PARAM_LENGTH = MAX_ID_LENGTH;

/** Longest timestamp: RFC 3339 with nine fraction digits and an offset is 35 characters. */
export const MAX_TIMESTAMP_LENGTH = 64;

/**
 * Readings per `?explain=true` request, and per second for all clients together: TreeSHAP costs
 * ~0.9 ms per reading on the event loop (10,000 in one request held liveness for 8.3 s). 100 keep a
 * request under ~0.1 s; 500 a second leave the loop at least half free for everything else.
 */
export const DEFAULT_MAX_EXPLAIN = 100;
export const DEFAULT_EXPLAIN_PER_SECOND = 500;

/** Failed token checks per client address and minute, over all protected routes together. */
export const DEFAULT_AUTH_FAILURES_PER_MIN = 30;

/** Server timeouts (ms): a body sent slowly, or headers never finished, do not hold a socket forever. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 15_000;

/** A client's value, shortened for an error message (a 15 MB field must not come back as a 15 MB answer). */
export function clip(v: unknown, max = 40): string {
  if (v !== null && typeof v === "object") return Array.isArray(v) ? "an array" : "an object"; // never serialised
  const s = typeof v === "string" ? JSON.stringify(v.length > max ? v.slice(0, max) : v) : String(v);
  return typeof v === "string" && v.length > max ? `${s}… (${v.length} characters)` : s;
}

/** A client's string (a key, a name) shortened, unquoted, for a field path or a message. */
export function short(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * An RFC 3339 date-time (the JSON schema's `format: date-time`): `2026-11-27T08:00:00Z`,
 * `…:00.123+01:00`; 'T' or a space, seconds required, an offset required. `Date.parse` alone took
 * "1" and "2026" as dates. Hand-written, not a regex: the batch reader calls it per reading.
 */
export function isDateTime(s: string): boolean {
  const n = s.length;
  if (n < 20 || n > MAX_TIMESTAMP_LENGTH) return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 116 && sep !== 32) return false; // T t space
  const hh = digits(s, 11, 2);
  const mm = digits(s, 14, 2);
  const ss = digits(s, 17, 2);
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return false;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === start || i - start > 9) return false;
  }
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) return i + 1 === n; // Z z
  if (z !== 43 && z !== 45) return false; // + -
  if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return false;
  const oh = digits(s, i + 1, 2);
  const om = digits(s, i + 4, 2);
  return oh >= 0 && oh <= 23 && om >= 0 && om <= 59;
}

/**
 * How far a reading may lie ahead of both the server's clock and the fleet's newest reading. A
 * reading is refused once older than its machine's newest, so one stamped by a controller clock gone
 * wrong (a year ahead) would make every later true reading of that machine a 409, and with them
 * every batch that holds one. The fleet's newest counts too because a replayed or simulated shop
 * runs on its own clock, ahead of the wall clock.
 */
export const MAX_AHEAD_MS = 7 * 86_400_000;

/**
 * Monitoring snapshots a data-contract server keeps (the oldest go): about a week at the default
 * interval of a minute (MILLWRIGHT_MONITOR_INTERVAL_MS); GET /v1/monitor/history shows at most 1,000.
 */
export const MONITOR_HISTORY_KEEP = 10_000;

/**
 * A data-contract server's realised-quality window when MILLWRIGHT_QUALITY_WINDOW is unset, in
 * readings; also the fewest its monitor keeps (the drift window's cap, prediction drift).
 */
export const CONTRACT_QUALITY_WINDOW = 5000;

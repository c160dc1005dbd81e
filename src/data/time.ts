// Timestamps in exports: ISO 8601 with or without a zone ("no zone" means UTC, never the reading
// machine's local time), a space instead of the T, seconds and fractions optional.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const d2 = (s: string, i: number): number => {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/**
 * The common shape, "YYYY-MM-DD HH:MM:SS" or with T and an optional Z, read by character codes:
 * a telemetry file has one timestamp a row, and the general pattern below was a third of reading it.
 * Anything else (or a date that needs checking) goes to the general path.
 */
function fast(s: string): number {
  const n = s.length;
  if (
    (n !== 19 && !(n === 20 && s.charCodeAt(19) === 90)) ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45
  )
    return Number.NaN;
  const sep = s.charCodeAt(10);
  if ((sep !== 32 && sep !== 84) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return Number.NaN;
  const y = d2(s, 0) * 100 + d2(s, 2);
  const mo = d2(s, 5);
  const d = d2(s, 8);
  const h = d2(s, 11);
  const mi = d2(s, 14);
  const se = d2(s, 17);
  if (
    d2(s, 0) < 0 ||
    d2(s, 2) < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > 28 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    se < 0 ||
    se > 59
  )
    return Number.NaN;
  return Date.UTC(y, mo - 1, d, h, mi, se);
}

/** Milliseconds since the epoch, or NaN when `s` is not such a timestamp (or names no real date). */
export function parseTimestamp(s: string): number {
  const f = fast(s);
  if (!Number.isNaN(f)) return f;
  const m = ISO.exec(s.trim());
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number);
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return Number.NaN;
  let t = Date.UTC(y, mo - 1, d, h, mi, se, ms);
  // Date.UTC rolls 31 April into 1 May: a date that does not exist is an error, not a neighbour.
  if (new Date(t).getUTCDate() !== d) return Number.NaN;
  const z = m[8];
  if (z && z.toUpperCase() !== "Z") {
    const sign = z[0] === "-" ? -1 : 1;
    const digits = z.slice(1).replace(":", "");
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0")) * 60_000;
  }
  return t;
}

export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

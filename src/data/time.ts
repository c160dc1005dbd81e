// Timestamps in exports: ISO 8601 with or without a zone ("no zone" means UTC, never the reading
// machine's local time), a space instead of the T, seconds and fractions optional.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Milliseconds since the epoch, or NaN when `s` is not such a timestamp (or names no real date). */
export function parseTimestamp(s: string): number {
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

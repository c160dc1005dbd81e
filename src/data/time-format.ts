// Timestamps as a shop's export writes them: the contract's `time.format` (day-first, month-first,
// any order of YYYY MM DD HH mm ss) and `time.zone` (the wall-clock time of an IANA zone, daylight
// saving included). Without either, parseTimestamp's ISO 8601 rules hold (no zone = UTC). An ISO
// time is always accepted too (a client of the API may send one), and an explicit offset wins.
// `format: epoch` (Unix seconds, a fraction allowed) and `epoch_ms` (milliseconds) are instants: a
// zone does not move them (it still reads an ISO time without an offset, and sets the plan's clock). Pure.
import { parseTimestamp } from "./time.js";

export interface TimeSpec {
  format?: string | null;
  zone?: string | null;
}

/** A parser, and for a zone the later of two readings of an hour a clock shows twice. */
export interface TimeParser {
  (s: string): number;
  /** The later instant of an ambiguous local time (the repeated hour when clocks go back), else NaN. */
  later: (s: string) => number;
}

// hh and A read a 12-hour clock with AM/PM ("10/14/2026 2:35 PM", as US CMMS and Excel exports
// write it); A only as a word of its own, so a literal capital A inside text stays text.
const TOKEN = /YYYY|MM|DD|HH|hh|mm|ss|\bA\b/g;
const TOKENS = "YYYY MM DD HH mm ss, or hh and A for a 12-hour clock";

/** Milliseconds per unit of each epoch format. */
const EPOCH: Record<string, number> = { epoch: 1000, epoch_ms: 1 };

/** Whether a `time.format` is a count since 1970 (`epoch`, `epoch_ms`) rather than a layout. */
export const isEpoch = (format: string | null | undefined): boolean =>
  format === "epoch" || format === "epoch_ms";

// Epoch times outside these years are refused: seconds read as milliseconds land in January 1970,
// milliseconds read as seconds some 55,000 years ahead, and either would be taken without a word.
const EPOCH_FROM = Date.UTC(1980, 0, 1);
const EPOCH_TO = Date.UTC(2100, 0, 1);
const DIGITS = /^\d+(?:[.,]\d+)?$/;

/** `s` (digits, a fraction allowed) as an instant, `unit` ms each; NaN when not that or out of 1980–2100. */
function epochAt(s: string, unit: number): number {
  const x = s.trim();
  if (!DIGITS.test(x)) return Number.NaN;
  const t = Math.round(Number(x.replace(",", ".")) * unit);
  return t >= EPOCH_FROM && t < EPOCH_TO ? t : Number.NaN;
}

/**
 * Why a time cell that was refused may be epoch time, or "": all digits that read as 1980–2100 in
 * seconds or milliseconds, with the format to give (`key`: where, such as "time.format"). Only on
 * the error path, so it costs the hot path nothing.
 */
export function epochHint(s: string, format: string | null | undefined, key: string): string {
  for (const f of ["epoch", "epoch_ms"])
    if (f !== format && Number.isFinite(epochAt(s, EPOCH[f])))
      return `; it looks like Unix epoch ${f === "epoch" ? "seconds" : "milliseconds"}: ${key}: ${f}`;
  return "";
}

/** Why a `time.format` cannot be used, or null. */
export function formatProblem(format: string): string | null {
  if (isEpoch(format)) return null;
  if (/^(epoch|unix)/i.test(format.trim()))
    return "is not a format: give epoch (Unix seconds, 1767619040) or epoch_ms (milliseconds, 1767619040000)";
  const tokens: string[] = format.match(TOKEN) ?? [];
  for (const t of ["YYYY", "MM", "DD"])
    if (!tokens.includes(t)) return `needs ${t} (tokens: YYYY MM DD HH mm ss)`;
  if (new Set(tokens).size !== tokens.length) return "names a token twice";
  const twelve = tokens.includes("A");
  if (tokens.includes("hh") && !twelve)
    return `has 'hh', which is not a token without A (tokens: ${TOKENS}; MM is the month, mm the minutes)`;
  if (twelve && tokens.includes("HH")) return "has HH (a 24-hour clock) with A (AM/PM): use hh";
  if (twelve && !tokens.includes("hh"))
    return "has A (AM/PM), which needs hh, the hour on a 12-hour clock (hh reads 2 and 02)";
  const rest = format.replace(TOKEN, "");
  if (/[0-9]/.test(rest)) return "has a digit outside the tokens";
  // A token in the wrong case (hh, yyyy, dd, SS) would be read as literal text, and every row of
  // every file would then be refused one by one: say it once, here. Other words ("Uhr", "T") are text.
  for (const word of rest.match(/[A-Za-z]+/g) ?? [])
    if (/^(y{1,4}|d{1,2}|h{1,2}|m{1,2}|s{1,2})$/i.test(word))
      return `has '${word}', which is not a token (tokens: ${TOKENS}; MM is the month, mm the minutes)`;
  return null;
}

/** Wall-clock fields [y, mo, d, h, mi, se] of `s` by `format`, or null. */
function fieldsBy(format: string): (s: string) => number[] | null {
  const order: string[] = [];
  const source = format.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(TOKEN, (t) => {
    order.push(t);
    if (t === "A") return "([AaPp][Mm])";
    return t === "YYYY" ? "(\\d{4})" : t === "mm" || t === "ss" ? "(\\d{2})" : "(\\d{1,2})";
  });
  const re = new RegExp(`^${source}$`);
  return (s) => {
    const m = re.exec(s.trim());
    if (!m) return null;
    const f = [0, 1, 1, 0, 0, 0];
    let pm: boolean | null = null;
    order.forEach((t, i) => {
      if (t === "A") pm = /^p/i.test(m[i + 1]);
      else f[["YYYY", "MM", "DD", "HH", "mm", "ss"].indexOf(t === "hh" ? "HH" : t)] = Number(m[i + 1]);
    });
    // 12 AM is midnight, 12 PM noon; a 12-hour clock has no hour 0 or 13.
    if (pm !== null) {
      if (f[3] < 1 || f[3] > 12) return null;
      f[3] = (f[3] % 12) + (pm ? 12 : 0);
    }
    const [y, mo, d, h, mi, se] = f;
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return null;
    if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return null;
    return f;
  };
}

const HAS_OFFSET = /\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Whether a time as written carries its own offset (Z, +02:00): then no zone is used to read it. */
export const carriesOffset = (s: string): boolean => HAS_OFFSET.test(s.trim());
const HOUR = 3_600_000;

/** Offset of `zone` (local − UTC, ms) at an instant, cached by the hour: transitions fall on the hour. */
function offsets(zone: string): (t: number) => number {
  const dtf = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  });
  const cache = new Map<number, number>();
  return (t) => {
    const key = Math.floor(t / HOUR);
    let o = cache.get(key);
    if (o === undefined) {
      const p: Record<string, number> = {};
      for (const x of dtf.formatToParts(key * HOUR)) p[x.type] = Number(x.value);
      o = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - key * HOUR;
      if (cache.size > 100_000) cache.clear();
      cache.set(key, o);
    }
    return o;
  };
}

/** Minutes `zone` (IANA) is ahead of UTC at an instant: a plan's shifts in the shop's own time. */
export function zoneOffsetMinutes(zone: string): (t: number) => number {
  const at = offsets(zone);
  return (t) => at(t) / 60_000;
}

export function timeParser(spec: TimeSpec | null | undefined): TimeParser {
  const format = spec?.format ?? null;
  const zone = spec?.zone ?? null;
  if (format === null && zone === null) {
    // The usual case, as fast as before: ISO 8601, no zone = UTC, nothing ambiguous.
    const iso = ((s: string) => parseTimestamp(s)) as TimeParser;
    iso.later = () => Number.NaN;
    return iso;
  }
  const epoch = format !== null && isEpoch(format) ? EPOCH[format] : 0;
  if (epoch > 0 && zone === null) {
    // Epoch seconds or milliseconds, else ISO 8601 (what retraining writes back, or an API client).
    const at = ((s: string) => {
      const t = epochAt(s, epoch);
      return Number.isNaN(t) ? parseTimestamp(s) : t;
    }) as TimeParser;
    at.later = () => Number.NaN;
    return at;
  }
  const byFormat = format && epoch === 0 ? fieldsBy(format) : null;
  const offsetAt = zone ? offsets(zone) : null;
  /** Wall-clock ms (as if UTC), or NaN; `absolute` when the text carried its own offset. */
  const wall = (s: string): { t: number; absolute: boolean } => {
    if (epoch > 0) {
      const t = epochAt(s, epoch);
      if (!Number.isNaN(t)) return { t, absolute: true };
    }
    const f = byFormat?.(s);
    if (f) return { t: Date.UTC(f[0], f[1] - 1, f[2], f[3], f[4], f[5]), absolute: zone === null };
    return { t: parseTimestamp(s), absolute: zone === null || carriesOffset(s) };
  };
  /** The instants whose local time in the zone is `w`: none (skipped hour), one, or two (repeated). */
  const instants = (w: number): number[] => {
    const of = offsetAt as (t: number) => number;
    const out: number[] = [];
    for (const o of new Set([of(w - 14 * HOUR), of(w + 14 * HOUR)])) if (of(w - o) === o) out.push(w - o);
    return out.sort((a, b) => a - b);
  };
  const parse = ((s: string) => {
    const { t, absolute } = wall(s);
    if (absolute || Number.isNaN(t)) return t;
    const u = instants(t);
    // A time the clock skipped (the hour it goes forward) is read with the offset before the jump.
    return u.length > 0 ? u[0] : t - (offsetAt as (t: number) => number)(t - 14 * HOUR);
  }) as TimeParser;
  parse.later = (s: string) => {
    const { t, absolute } = wall(s);
    if (absolute || Number.isNaN(t)) return Number.NaN;
    const u = instants(t);
    return u.length === 2 ? u[1] : Number.NaN;
  };
  return parse;
}

const PARSERS = new WeakMap<object, TimeParser>();

/** One parser per contract time spec (a zone's offset cache lives as long as the contract). */
export function parserFor(spec: (TimeSpec & object) | null | undefined): TimeParser {
  if (!spec) return timeParser(null);
  let p = PARSERS.get(spec);
  if (!p) {
    p = timeParser(spec);
    PARSERS.set(spec, p);
  }
  return p;
}

/** What a time must look like, for messages. */
export function timeWords(spec: TimeSpec | null | undefined): string {
  const zone = spec?.zone ? ` (${spec.zone} time)` : "";
  if (spec?.format === "epoch")
    return `Unix epoch seconds (such as 1767619040, 1980–2100) or an ISO 8601 time${zone}`;
  if (spec?.format === "epoch_ms")
    return `Unix epoch milliseconds (such as 1767619040000, 1980–2100) or an ISO 8601 time${zone}`;
  return spec?.format ? `a time written ${spec.format}${zone} or ISO 8601` : `an ISO 8601 time${zone}`;
}

/**
 * A time cell refused: what it must be, and when it is all digits that read as epoch time under
 * another format, which format to give (`key`: "time.format", or an event table's own time).
 */
export function notATime(s: string, spec: TimeSpec | null | undefined, key: string): string {
  return `'${s}' is not ${timeWords(spec)}${epochHint(s, spec?.format, key)}`;
}

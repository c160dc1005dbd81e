// Windows and horizons: "3h", "24h", "30min", "7d" on a clock; whole numbers of rows on a counter.
import { configError, describe } from "../core/yamlcheck.js";
import type { Span } from "./types.js";

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Parses one window or horizon; `counter` time takes a whole number of rows instead of a duration. */
export function parseSpan(v: unknown, counter: boolean, file: string, path: string): Span {
  if (counter) {
    const n = typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1)
      throw configError(
        file,
        path,
        `must be a whole number of rows ≥ 1 (time is a counter), got ${describe(v)}`,
      );
    return { label: `${n}rows`, size: n };
  }
  const m = typeof v === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(s|min|m|h|d|w)\s*$/.exec(v) : null;
  if (!m)
    throw configError(
      file,
      path,
      `must be a duration such as 30min, 3h, 24h, 7d (units s, min, h, d, w), got ${describe(v)}`,
    );
  const size = Number(m[1]) * UNIT_MS[m[2]];
  if (!(size > 0)) throw configError(file, path, `must be longer than zero, got ${describe(v)}`);
  return { label: `${m[1]}${m[2]}`, size };
}

/**
 * A span's label as people read it: "20rows" (a feature name's part, kept as it is in names and
 * JSON) is "20 rows" in words ("1 row"), so reasons do not say "a failure within 20rows".
 */
export function spanWords(label: string): string {
  const m = /^(\d+)rows$/.exec(label);
  return m ? `${m[1]} ${m[1] === "1" ? "row" : "rows"}` : label;
}

// Options shared by the commands that read data through a data contract: `--events NAME=FILE`
// (repeatable) and `--test-from TIME`.
import { MillwrightError } from "../core/errors.js";
import { type TimeSpec, parserFor } from "../data/time-format.js";

export function eventsOpt(v: unknown): Record<string, string> {
  const list = v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [String(v)];
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0 || eq === item.length - 1)
      throw new MillwrightError(
        "MW_BAD_INPUT",
        `--events: '${item}' is not NAME=FILE (e.g. --events alarms=alarms-2026.csv)`,
      );
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** `--test-from`: ISO 8601, or as the contract's time.format writes it; local to its time.zone. */
export function testFromOpt(v: unknown, counter: boolean, time?: (TimeSpec & object) | null): number | null {
  if (v === undefined) return null;
  const s = String(v);
  const t = counter ? Number(s) : parserFor(time)(s);
  if (!Number.isFinite(t))
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `--test-from: '${s}' is not ${counter ? "a number (the contract's time is a counter)" : "an ISO 8601 time such as 2026-03-01 or 2026-03-01T06:00:00Z"}`,
    );
  return t;
}

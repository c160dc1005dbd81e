// A counter time (`time: { column: cycle, counter: true }`) counts rows: cycles, parts, processes.
// It must be a whole number: windows count rows, the horizon counts the counter's steps and the
// planner steps it by `tasks.rows_per_hour`, so a cell such as 4.5 is a wrong column or a typo,
// and is refused (naming the row and column) rather than read as a point between two cycles.
// An event's counter (an alarm, a maintenance, a failure, in its file, POST /v1/events or a task
// marked done) may fall between two rows: an hours meter read at an alarm says 19104.52, and the
// event counts for the rows at or after it. One rule for the CSV readers and the server's JSON,
// said once. Pure.
import { parseDecimal } from "./csv.js";

/** What a counter cell or field must be, in the error messages. */
export const COUNTER_WORDS = "a whole number (the contract's time is a counter)";

/** A counter value from a JSON field: the number if it is a whole number, else NaN. */
export function counterValue(v: unknown): number {
  return typeof v === "number" && Number.isSafeInteger(v) ? v : Number.NaN;
}

/** A counter cell of a CSV (the contract's decimal mark: "12" and "12,0" are 12, "12,5" is NaN). */
export function parseCounter(s: string, decimal: "." | ","): number {
  return counterValue(parseDecimal(s.trim(), decimal));
}

/** What an event's counter must be, in the error messages. */
export const EVENT_COUNTER_WORDS = "a number (the contract's time is a counter)";

/** An event's counter from a JSON field: any finite number, else NaN. */
export function eventCounterValue(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : Number.NaN;
}

/** An event's counter cell of a CSV (the contract's decimal mark). */
export function parseEventCounter(s: string, decimal: "." | ","): number {
  return eventCounterValue(parseDecimal(s.trim(), decimal));
}

// Telemetry written back as the contract reads it: a time cell (ISO 8601 UTC, or the counter in the
// contract's decimal mark) and a reading's cell (a category's level, a number in the decimal mark,
// empty when missing). One rule for `predict`'s rows of a long export and retraining's files. Pure.
import type { Contract } from "../contract/types.js";
import { formatDecimal } from "./csv.js";
import { formatTimestamp } from "./time.js";

export interface TelemetryCells {
  time(t: number): string;
  /** Reading k's value (a category's level code, or a number); null or NaN is an empty cell. */
  reading(k: number, v: number | null): string;
}

export function telemetryCells(c: Contract): TelemetryCells {
  const number = (v: number): string => formatDecimal(v, c.csv.decimal);
  return {
    time: (t) => (c.time?.counter ? number(t) : formatTimestamp(t)),
    reading: (k, v) => {
      if (v === null || Number.isNaN(v)) return "";
      const spec = c.readings[k];
      return spec.kind === "category" ? (spec.levels?.[v] ?? "") : number(v);
    },
  };
}

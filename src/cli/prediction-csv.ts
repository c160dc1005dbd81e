// The scored CSV `millwright predict` writes, for either kind of model: the input rows as they
// were written, then failure_probability, failure_predicted (0/1 at the threshold) and one
// <head>_probability column per further head.
import { MillwrightError } from "../core/errors.js";
import { type CsvTable, formatCsv } from "../data/csv.js";
import { writeFileAtomic } from "../registry/fsutil.js";

export interface ScoredRows {
  /** The input's raw cells, so the output keeps each row exactly as it came. */
  raw: { header: readonly string[]; rows: readonly (readonly string[])[] };
  failure: Float64Array;
  threshold: number;
  /** The other heads' probabilities, in column order. */
  heads: ReadonlyMap<string, Float64Array>;
  /** How a probability is written (the model kinds differ: fixed digits or the exact number). */
  number: (x: number) => string;
  delimiter?: string;
}

/**
 * A telemetry file's rows the model scored: all of them, but for the repeats `csv.duplicates: drop`
 * left out (`lines`: the file line of each row read, as the reader keeps them).
 */
export function keptRows(raw: CsvTable, read: { n: number; line: ArrayLike<number> }): CsvTable {
  if (raw.rows.length === read.n) return raw;
  const kept = new Set(Array.from(read.line));
  return { ...raw, rows: raw.rows.filter((_, i) => kept.has(raw.lines[i])) };
}

/** Writes the file whole or not at all and returns the number of rows written. */
export function writeScoredCsv(dest: string, s: ScoredRows): number {
  // One probability per input row: a mismatch (input rows that are not what the model scored) would
  // write misplaced numbers and "undefined", so it is refused before anything is written.
  if (s.raw.rows.length !== s.failure.length)
    throw new MillwrightError(
      "MW_INTERNAL",
      `${s.failure.length} predictions for ${s.raw.rows.length} input rows: nothing written`,
    );
  const names = [...s.heads.keys()];
  const header = [
    ...s.raw.header,
    "failure_probability",
    "failure_predicted",
    ...names.map((h) => `${h}_probability`),
  ];
  const rows = s.raw.rows.map((cells, i) => [
    ...cells,
    s.number(s.failure[i]),
    s.failure[i] >= s.threshold ? 1 : 0,
    ...names.map((h) => s.number((s.heads.get(h) as Float64Array)[i])),
  ]);
  writeFileAtomic(dest, formatCsv(header, rows, { delimiter: s.delimiter }));
  return rows.length;
}

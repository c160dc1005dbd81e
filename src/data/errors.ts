// Collects row errors while reading a file, so one run reports many (at most 20, and the count),
// then throws one MW_CSV that names file, row and column for each. Telemetry joined from several
// files is read as one table: its first 20 errors were all one file's while another file had an
// error on every row (trial 2: 4,242 of 5,131, never shown), so the lines shown start with each
// file's first error, and a summary counts each file's errors by kind.
import { MillwrightError } from "../core/errors.js";
import type { CsvTable } from "./csv.js";

export const MAX_REPORTED = 20;
/** Kinds named per file in the summary; the rest are counted together. */
export const KINDS_NAMED = 5;
/** Distinct kinds counted per file at most (memory bound on a file of bad rows). */
const KINDS_KEPT = 1000;

/** One file's errors, by kind ("DateTimeUTC: not an ISO 8601 time"), most first. */
export interface FileErrors {
  file: string;
  count: number;
  kinds: { kind: string; count: number }[];
}

interface Kept {
  seq: number;
  text: string;
  /** The first error of its file. */
  first: boolean;
}

/** A ragged row's kind of error: the header's number of cells, not the row's own. */
export const cellsKind = (width: number) => `not the header's ${width} cells`;

/**
 * Counted names, the most first and alike counts by name (not by locale), so a message built from
 * them is the same on every run and machine.
 */
export function mostFirst(counts: Iterable<[string, number]>): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const grouped = (n: number) => n.toLocaleString("en-US");

export class RowErrors {
  count = 0;
  /** The first MAX_REPORTED errors, and each file's first. */
  private readonly kept: Kept[] = [];
  /** Errors per file (in the order of each file's first error), then per kind. */
  private readonly files = new Map<string, Map<string, number>>();
  constructor(
    readonly source: string,
    /** Where a joined table's line is (its file's own row and column names), and its file. */
    private readonly table?: Pick<CsvTable, "locate" | "own" | "fileOf">,
  ) {}

  /**
   * `kind`: what went wrong without the cell's value ("not a number"), so the summary can count
   * alike errors together; the message itself when it holds no value.
   */
  add(line: number, column: string | null, msg: string, kind = msg): void {
    const seq = this.count++;
    const file = this.table?.fileOf?.(line) ?? this.source;
    let kinds = this.files.get(file);
    const first = kinds === undefined;
    if (kinds === undefined) {
      kinds = new Map();
      this.files.set(file, kinds);
    }
    const own = column === null ? null : (this.table?.own?.(line, column) ?? column);
    let k = own === null ? kind : `${own}: ${kind}`;
    // A kind that still holds the cell's value would make one entry per bad row of a large file:
    // past KINDS_KEPT distinct kinds the rest count together.
    if (!kinds.has(k) && kinds.size >= KINDS_KEPT) k = "other errors";
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
    if (seq >= MAX_REPORTED && !first) return;
    const at =
      this.table?.locate?.(line, column) ??
      `${this.source} row ${line}${column === null ? "" : `, ${column}`}`;
    this.kept.push({ seq, text: `${at}: ${msg}`, first });
  }

  /** The lines shown: each file's first error (up to MAX_REPORTED files), then the earliest others, in reading order. */
  get shown(): string[] {
    const firsts = this.kept.filter((k) => k.first).slice(0, MAX_REPORTED);
    const others = this.kept.filter((k) => !k.first).slice(0, MAX_REPORTED - firsts.length);
    return [...firsts, ...others].sort((a, b) => a.seq - b.seq).map((k) => k.text);
  }

  /** Each file's errors by kind: the most first, alike counts by name, so the message is the same every run. */
  summary(): FileErrors[] {
    return [...this.files].map(([file, kinds]) => ({
      file,
      count: [...kinds.values()].reduce((a, b) => a + b, 0),
      kinds: mostFirst(kinds).map(([kind, count]) => ({ kind, count })),
    }));
  }

  throwIfAny(): void {
    if (this.count === 0) return;
    const shown = this.shown;
    const more = this.count > shown.length ? `\n… and ${this.count - shown.length} more` : "";
    // Only when lines are left out: the lines shown say the rest themselves.
    const summary = this.summary();
    const by = more ? `\nerrors by file:\n${summary.map(fileLine).join("\n")}` : "";
    throw new MillwrightError(
      "MW_CSV",
      `${this.source}: ${this.count} error${this.count > 1 ? "s" : ""}\n${shown.join("\n")}${more}${by}`,
      { file: this.source, errors: shown, error_count: this.count, by_file: summary },
    );
  }
}

/** "hardinge_old.csv: 4,242 errors (4,242 × DateTimeUTC: not an ISO 8601 time)". */
function fileLine(f: FileErrors): string {
  const named = f.kinds.slice(0, KINDS_NAMED).map((k) => `${grouped(k.count)} × ${k.kind}`);
  const rest = f.kinds.slice(KINDS_NAMED);
  if (rest.length > 0)
    named.push(
      `${grouped(rest.reduce((a, k) => a + k.count, 0))} more of ${rest.length} other kind${rest.length > 1 ? "s" : ""}`,
    );
  return `  ${f.file}: ${grouped(f.count)} error${f.count > 1 ? "s" : ""} (${named.join("; ")})`;
}

/** Index of each needed column in a header, or an error naming the contract key that wants it. */
export function columnIndex(
  header: readonly string[],
  wanted: { column: string; key: string }[],
  source: string,
  contractFile: string,
): number[] {
  const idx = wanted.map((w) => header.indexOf(w.column));
  const missing = wanted.filter((_, i) => idx[i] < 0);
  if (missing.length > 0)
    throw new MillwrightError(
      "MW_CSV",
      `${source}: missing column${missing.length > 1 ? "s" : ""} ${missing
        .map((m) => `'${m.column}' (${contractFile}: ${m.key})`)
        .join(", ")}; the file has ${header.map((h) => `'${h}'`).join(", ") || "no header"}`,
      { file: source, missing: missing.map((m) => m.column) },
    );
  return idx;
}

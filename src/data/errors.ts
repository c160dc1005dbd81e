// Collects row errors while reading a file, so one run reports many (at most 20, and the count),
// then throws one MW_CSV that names file, row and column for each.
import { MillwrightError } from "../core/errors.js";

export const MAX_REPORTED = 20;

export class RowErrors {
  readonly shown: string[] = [];
  count = 0;
  constructor(
    readonly source: string,
    private readonly locate?: (line: number, column: string | null) => string,
  ) {}

  add(line: number, column: string | null, msg: string): void {
    this.count++;
    const at = this.locate
      ? this.locate(line, column)
      : `${this.source} row ${line}${column === null ? "" : `, ${column}`}`;
    if (this.shown.length < MAX_REPORTED) this.shown.push(`${at}: ${msg}`);
  }

  throwIfAny(): void {
    if (this.count === 0) return;
    const more = this.count > this.shown.length ? `\n… and ${this.count - this.shown.length} more` : "";
    throw new MillwrightError(
      "MW_CSV",
      `${this.source}: ${this.count} error${this.count > 1 ? "s" : ""}\n${this.shown.join("\n")}${more}`,
      { file: this.source, errors: this.shown, error_count: this.count },
    );
  }
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

// Telemetry from several files, each with its own column names: a shop's makes export their own
// files (the Haas calls it "Spindle speed [rpm]", the Siemens "S_ACT"), and a contract reading lists
// every name it goes by. Each file's columns are found by those names and its rows put under the
// contract's first names, so the reader after this sees one table. A reading a make does not have
// (an optional one) is missing in that file's rows, said as a warning; a column no file has is an
// error in training, as with one file (a misspelt name is not a missing sensor); scoring one
// make's file that lacks an optional sensor is not. Pure.
import { MillwrightError } from "../core/errors.js";
import type { Contract } from "../contract/types.js";
import type { CsvTable } from "./csv.js";
import { RowErrors, cellsKind } from "./errors.js";
import { labelColumns } from "./label-cell.js";

export interface TelemetryPart {
  file: string;
  table: CsvTable;
}

interface Want {
  names: string[];
  key: string;
  /** The reading it is (absent: time, machine or label columns). */
  reading?: string;
  optional: boolean;
}

function wanted(c: Contract, labels: boolean): Want[] {
  return [
    // The time and machine columns may have a name per make's file too (`column: [DateTimeUTC, timestamp]`).
    ...(c.time
      ? [{ names: [c.time.column, ...(c.time.aliases ?? [])], key: "time.column", optional: false }]
      : []),
    ...(c.machine
      ? [{ names: [c.machine.column, ...(c.machine.aliases ?? [])], key: "machine.column", optional: false }]
      : []),
    ...c.readings.map((r, i) => ({
      names: [r.column, ...(r.aliases ?? [])],
      key: `readings[${i}].column`,
      reading: r.name,
      optional: r.optional,
    })),
    ...(labels && c.labels
      ? labelColumns(c.labels).map((col) => ({
          names: [col],
          key: "labels",
          optional: false,
        }))
      : []),
  ];
}

/** Each wanted column's index in one file's header (-1: an optional reading it lacks). */
function resolve(c: Contract, part: TelemetryPart, want: Want[], alone: boolean): number[] {
  const { header } = part.table;
  const missing: string[] = [];
  const idx = want.map((w) => {
    const found = w.names.filter((n) => header.includes(n));
    if (found.length > 1)
      throw new MillwrightError(
        "MW_CSV",
        `${part.file}: columns ${found.map((f) => `'${f}'`).join(" and ")} are both ${c.source}: ${w.key}; keep one name per file`,
        { file: part.file },
      );
    if (found.length === 0 && (!w.optional || alone))
      missing.push(`${w.names.map((n) => `'${n}'`).join(" or ")} (${c.source}: ${w.key})`);
    return found.length === 0 ? -1 : header.indexOf(found[0]);
  });
  if (missing.length > 0)
    throw new MillwrightError(
      "MW_CSV",
      `${part.file}: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; the file has ${
        header.map((h) => `'${h}'`).join(", ") || "no header"
      }`,
      { file: part.file },
    );
  return idx;
}

/** One table under the contract's first column names, and the warnings for readings a file lacks. */
export function joinTelemetry(
  c: Contract,
  parts: readonly TelemetryPart[],
  labels: boolean,
  /**
   * The contract's whole telemetry (training): a column no file has is an error. Scoring one make's
   * file that lacks a sensor is not.
   */
  training: boolean,
): { table: CsvTable; source: string; warnings: string[]; absent: string[] } {
  const want = wanted(c, labels);
  const header = want.map((w) => w.names[0]);
  const warnings: string[] = [];
  const resolved = parts.map((p) => resolve(c, p, want, training && parts.length === 1));
  want.forEach((w, j) => {
    if (training && resolved.every((idx) => idx[j] < 0))
      throw new MillwrightError(
        "MW_CSV",
        `no telemetry file has column ${w.names.map((n) => `'${n}'`).join(" or ")} (${c.source}: ${w.key}); the files: ${parts.map((p) => p.file).join(", ")}`,
        { file: parts[0].file },
      );
  });
  const absent = want
    .filter((w, j) => w.reading !== undefined && resolved.every((idx) => idx[j] < 0))
    .map((w) => w.reading as string);
  resolved.forEach((idx, k) => {
    // Named as the user knows it: the reading, then every column name the contract accepts for it.
    const lacks = want
      .filter((_, j) => idx[j] < 0)
      .map(
        (w) =>
          `${w.reading ? `reading '${w.reading}'` : w.key} (${w.names.map((n) => `'${n}'`).join(" or ")})`,
      );
    if (lacks.length > 0)
      warnings.push(
        `${parts[k].file}: no column for ${lacks.join(", ")}: missing in its ${parts[k].table.rows.length} rows`,
      );
  });
  // One file whose columns are all there: rename the header, copy no row.
  if (parts.length === 1 && resolved[0].every((i) => i >= 0)) {
    const t = parts[0].table;
    const renamed = [...t.header];
    resolved[0].forEach((i, j) => {
      renamed[i] = header[j];
    });
    // Messages name the file's own column, not the contract's first name for it.
    const own = new Map(header.map((h, j) => [h, t.header[resolved[0][j]]]));
    const locate = (line: number, column: string | null) =>
      whereIn(parts[0], line, column === null ? null : (own.get(column) ?? column));
    // A long file's table knows each line's own tag (telemetry-long.ts).
    const ownName = (line: number, column: string) => {
      const name = own.get(column) ?? column;
      return t.own?.(line, name) ?? name;
    };
    return {
      table: { ...t, header: renamed, locate, own: ownName },
      source: parts[0].file,
      warnings,
      absent,
    };
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  const fileOf: number[] = [];
  const lineOf: number[] = [];
  parts.forEach((p, k) => {
    const idx = resolved[k];
    const width = p.table.header.length;
    const errors = new RowErrors(p.file);
    p.table.rows.forEach((cells, i) => {
      if (cells.length !== width) {
        errors.add(
          p.table.lines[i],
          null,
          `${cells.length} cells, the header has ${width}`,
          cellsKind(width),
        );
        return;
      }
      rows.push(idx.map((j) => (j < 0 ? "" : cells[j])));
      fileOf.push(k);
      lineOf.push(p.table.lines[i]);
      lines.push(rows.length);
    });
    errors.throwIfAny();
  });
  const source = parts.length === 1 ? parts[0].file : `${parts.length} telemetry files`;
  // Each file's own name for each column the joined table calls by the contract's first name.
  const own = parts.map(
    (p, k) => new Map(header.map((h, j) => [h, resolved[k][j] >= 0 ? p.table.header[resolved[k][j]] : h])),
  );
  const locate = (g: number, column: string | null) => {
    const k = fileOf[g - 1];
    return whereIn(parts[k], lineOf[g - 1], column === null ? null : (own[k].get(column) ?? column));
  };
  const ownName = (g: number, column: string) => {
    const k = fileOf[g - 1];
    const name = own[k].get(column) ?? column;
    return parts[k].table.own?.(lineOf[g - 1], name) ?? name;
  };
  const fileAt = (g: number) => parts[fileOf[g - 1]].file;
  return { table: { header, rows, lines, locate, own: ownName, fileOf: fileAt }, source, warnings, absent };
}

/** Where a file's cell is, by its own row and column name (a long file's table knows its rows). */
function whereIn(p: TelemetryPart, line: number, column: string | null): string {
  return p.table.locate?.(line, column) ?? `${p.file} row ${line}${column === null ? "" : `, ${column}`}`;
}

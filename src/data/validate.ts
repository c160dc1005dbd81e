// Turns a parsed CSV into typed readings, or into errors that name the file, row and column.
// Accepts the AI4I header exactly as published and the canonical snake_case names (mixed is fine).
import { MillwrightError } from "../core/errors.js";
import type { CsvTable } from "./csv.js";
import {
  AI4I_TO_CANONICAL,
  LABELS,
  type LabelledReading,
  PHYSICAL_LIMITS,
  PRODUCT_TYPES,
  type ProductType,
  RAW_FEATURES,
} from "./schema.js";

export const MAX_REPORTED_ERRORS = 20;

const CANONICAL_TO_AI4I: Record<string, string> = Object.fromEntries(
  Object.entries(AI4I_TO_CANONICAL).map(([a, c]) => [c, a]),
);

export interface ReadOptions {
  /** Name used in messages, usually the file's path. */
  source: string;
  /** Require the `machine_failure` label (training, evaluation). */
  requireLabels?: boolean;
}

export interface Dataset {
  rows: LabelledReading[];
  /** Canonical column names present in the file, in file order. */
  columns: string[];
  hasLabels: boolean;
  /** Which failure-mode label columns are present. */
  modeColumns: string[];
}

export function canonicalName(header: string): string {
  const h = header.trim();
  return AI4I_TO_CANONICAL[h] ?? h.toLowerCase();
}

/** Validates every row; throws MW_CSV listing at most 20 errors and the total count. */
export function toDataset(table: CsvTable, opts: ReadOptions): Dataset {
  const { source } = opts;
  // A file with nothing (or only blank lines) in it: say so, rather than list every column as missing.
  if (table.header.every((h) => h.trim() === "") && table.rows.length === 0)
    throw new MillwrightError(
      "MW_CSV",
      `${source}: the file is empty (expected a header line and data rows)`,
      {
        file: source,
      },
    );
  const columns = table.header.map(canonicalName);
  const index = new Map<string, number>();
  columns.forEach((c, i) => {
    if (index.has(c))
      throw new MillwrightError("MW_CSV", `${source}: column '${table.header[i]}' appears twice`, {
        file: source,
      });
    index.set(c, i);
  });
  const required = ["type", ...RAW_FEATURES, ...(opts.requireLabels ? ["machine_failure"] : [])];
  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    const names = missing.map((m) => `'${m}' (AI4I: '${CANONICAL_TO_AI4I[m] ?? m}')`).join(", ");
    throw new MillwrightError(
      "MW_CSV",
      `${source}: missing column${missing.length > 1 ? "s" : ""} ${names}`,
      {
        file: source,
        missing,
      },
    );
  }
  if (table.rows.length === 0)
    throw new MillwrightError("MW_CSV", `${source}: no data rows`, { file: source });

  const hasLabels = index.has("machine_failure");
  const modeColumns = LABELS.filter((l) => l !== "machine_failure" && index.has(l));
  const errors: string[] = [];
  let errorCount = 0;
  const fail = (line: number, col: string, msg: string): void => {
    errorCount++;
    if (errors.length < MAX_REPORTED_ERRORS) {
      const shown = table.header[index.get(col) ?? -1] ?? col;
      errors.push(`${source} row ${line}, ${shown}: ${msg}`);
    }
  };
  const rows: LabelledReading[] = new Array(table.rows.length);
  const width = columns.length;
  for (let r = 0; r < table.rows.length; r++) {
    const cells = table.rows[r];
    const line = table.lines[r];
    if (cells.length !== width) {
      errorCount++;
      if (errors.length < MAX_REPORTED_ERRORS)
        errors.push(`${source} row ${line}: ${cells.length} cells, the header has ${width}`);
      continue;
    }
    const get = (c: string): string | undefined => {
      const i = index.get(c);
      return i === undefined ? undefined : cells[i].trim();
    };
    const t = get("type") ?? "";
    if (!PRODUCT_TYPES.includes(t as ProductType)) fail(line, "type", `'${t}' is not one of L, M, H`);
    const row: Record<string, unknown> = { type: t };
    for (const f of RAW_FEATURES) {
      const s = get(f) ?? "";
      const v = s === "" ? Number.NaN : Number(s);
      const lim = PHYSICAL_LIMITS[f];
      if (!Number.isFinite(v)) fail(line, f, s === "" ? "empty" : `'${s}' is not a number`);
      else if (v < lim.min || v > lim.max)
        fail(line, f, `${v} ${lim.unit} is outside the physical range ${lim.min}–${lim.max} ${lim.unit}`);
      row[f] = v;
    }
    for (const l of LABELS) {
      const s = get(l);
      if (s === undefined) continue;
      // Empty = unknown: allowed for failure modes always, for machine_failure unless training needs it.
      if (s === "" && (l !== "machine_failure" || !opts.requireLabels)) continue;
      if (s !== "0" && s !== "1") fail(line, l, `'${s}' is not 0 or 1`);
      else row[l] = s === "1" ? 1 : 0;
    }
    for (const id of ["udi", "product_id", "machine_id", "machine_model", "timestamp"]) {
      const s = get(id);
      if (s !== undefined && s !== "") row[id] = s;
    }
    rows[r] = row as unknown as LabelledReading;
  }
  if (errorCount > 0) {
    const more = errorCount > errors.length ? `\n… and ${errorCount - errors.length} more` : "";
    throw new MillwrightError(
      "MW_CSV",
      `${source}: ${errorCount} error${errorCount > 1 ? "s" : ""}\n${errors.join("\n")}${more}`,
      { file: source, errors, error_count: errorCount },
    );
  }
  return { rows, columns, hasLabels, modeColumns };
}

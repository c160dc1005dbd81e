// Reads and validates a CSV file: the I/O edge over the pure parser and validator.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { MillwrightError } from "../core/errors.js";
import { type CsvTable, parseCsv } from "./csv.js";
import { type Dataset, toDataset } from "./validate.js";

export interface LoadedFile extends Dataset {
  file: string;
  sha256: string;
  /** The raw cells as read, for output that must keep the input exactly as written. */
  table: CsvTable;
}

export function loadCsvFile(file: string, opts: { requireLabels?: boolean } = {}): LoadedFile {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MillwrightError(
      "MW_CSV",
      `${file}: cannot read (${code === "ENOENT" ? "no such file" : code})`,
      { file },
    );
  }
  const sha256 = createHash("sha256").update(buf).digest("hex");
  const table = parseCsv(buf.toString("utf8"));
  const ds = toDataset(table, { source: file, requireLabels: opts.requireLabels });
  return { ...ds, file, sha256, table };
}

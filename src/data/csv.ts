// A small RFC 4180 CSV reader/writer: quoted fields, doubled quotes, CRLF or LF, a leading UTF-8 BOM.
// Pure: takes and returns strings, so the same code reads a file, an upload or a test fixture.

export interface CsvTable {
  header: string[];
  /** Data rows, each with as many cells as it had (validation reports a wrong count by row). */
  rows: string[][];
  /** 1-based line number in the file of each data row (the header is line 1). */
  lines: number[];
}

export function parseCsv(text: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  const lines: number[] = [];
  let line = 1;
  let recordLine = 1;
  let field = "";
  let record: string[] = [];
  let inQuotes = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (ch === "\n") line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field.length === 0) {
      inQuotes = true;
      i++;
    } else if (ch === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (ch === "\r" || ch === "\n") {
      record.push(field);
      field = "";
      if (!(record.length === 1 && record[0] === "")) {
        records.push(record);
        lines.push(recordLine);
      }
      record = [];
      if (ch === "\r" && text[i + 1] === "\n") i++;
      i++;
      line++;
      recordLine = line;
    } else {
      field += ch;
      i++;
    }
  }
  if (field.length > 0 || record.length > 0) {
    record.push(field);
    records.push(record);
    lines.push(recordLine);
  }
  const header = (records.shift() ?? []).map((h) => h.trim());
  lines.shift();
  return { header, rows: records, lines };
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe, as OWASP's "CSV Injection" page recommends: a machine_id "=HYPERLINK(…)" sent to the
 * API must not become a live link in the exported file. Numbers are written as numbers (-5 stays).
 */
export function defuseFormula(cell: string): string {
  const c = cell.charCodeAt(0);
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d ? `'${cell}` : cell;
}

/**
 * Formats rows as CSV with LF line ends and a trailing newline. `formulaSafe` (files meant for
 * people: exports, prediction output) defuses text cells that look like formulas; data files that
 * Millwright reads back are written as they are.
 */
export function formatCsv(
  header: readonly string[],
  rows: Iterable<readonly unknown[]>,
  opts: { formulaSafe?: boolean } = {},
): string {
  const cell = opts.formulaSafe
    ? (c: unknown) => (typeof c === "string" ? quote(defuseFormula(c)) : quote(String(c)))
    : (c: unknown) => quote(String(c));
  const out: string[] = [header.map(quote).join(",")];
  for (const r of rows) out.push(r.map((c) => (c === undefined || c === null ? "" : cell(c))).join(","));
  return `${out.join("\n")}\n`;
}

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

/** Formats rows as CSV with LF line ends and a trailing newline. */
export function formatCsv(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  const out: string[] = [header.map(quote).join(",")];
  for (const r of rows)
    out.push(r.map((c) => (c === undefined || c === null ? "" : quote(String(c)))).join(","));
  return `${out.join("\n")}\n`;
}

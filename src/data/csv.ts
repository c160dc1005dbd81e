// A small RFC 4180 CSV reader/writer: quoted fields, doubled quotes, CRLF or LF, a leading UTF-8 BOM.
// Pure: takes and returns strings, so the same code reads a file, an upload or a test fixture.

export interface CsvTable {
  header: string[];
  /** Data rows, each with as many cells as it had (validation reports a wrong count by row). */
  rows: string[][];
  /** 1-based line number in the file of each data row (the header is line 1). */
  lines: number[];
  /**
   * Where a cell is, for messages, when the table joins several files: "b.csv row 7, S_LOAD" (the
   * file's own row and its own name for the column the table calls `column`).
   */
  locate?: (line: number, column: string | null) => string;
  /** The file's own name for the column the table calls `column`, at a (joined) line. */
  own?: (line: number, column: string) => string;
  /** The file a (joined) line comes from, so errors can be counted per file. */
  fileOf?: (line: number) => string;
}

/** `delimiter`: one character (",", ";", "\t", "|"); a contract's `csv.delimiter`. */
export function parseCsv(text: string, delimiter = ","): CsvTable {
  const D = delimiter.charCodeAt(0);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  const lines: number[] = [];
  let line = 1;
  let recordLine = 1;
  let record: string[] = [];
  const n = text.length;
  let i = 0;
  // Fields are sliced from the text between delimiters, not built a character at a time: an
  // unquoted field (nearly all of a sensor export) costs one scan and one slice.
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34 /* " */) {
      // Quoted: doubled quotes inside, and commas or line breaks as data.
      let j = i + 1;
      let out = "";
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
          out += text.slice(j);
          j = n;
          break;
        }
        out += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          out += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      for (let k = i; k < j; k++) if (text.charCodeAt(k) === 10) line++;
      // Anything after the closing quote up to the delimiter is kept, as the old reader did.
      let e = j;
      while (e < n) {
        const c = text.charCodeAt(e);
        if (c === D || c === 10 || c === 13) break;
        e++;
      }
      field = e > j ? out + text.slice(j, e) : out;
      i = e;
    } else {
      let e = i;
      while (e < n) {
        const c = text.charCodeAt(e);
        if (c === D || c === 10 || c === 13) break;
        e++;
      }
      field = text.slice(i, e);
      i = e;
    }
    record.push(field);
    if (i >= n) break;
    const c = text.charCodeAt(i);
    if (c === D) {
      i++;
      // A trailing comma at the end of the text still ends with an empty field.
      if (i >= n) record.push("");
      continue;
    }
    // A line break ends the record (CRLF counts once); blank lines are skipped.
    if (!(record.length === 1 && record[0] === "")) {
      records.push(record);
      lines.push(recordLine);
    }
    record = [];
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    i++;
    line++;
    recordLine = line;
  }
  if (record.length > 0 && !(record.length === 1 && record[0] === "")) {
    records.push(record);
    lines.push(recordLine);
  }
  const header = (records.shift() ?? []).map((h) => h.trim());
  lines.shift();
  return { header, rows: records, lines };
}

function quoter(delimiter: string): (cell: string) => string {
  return (cell) =>
    cell.includes('"') || cell.includes(delimiter) || cell.includes("\n") || cell.includes("\r")
      ? `"${cell.replace(/"/g, '""')}"`
      : cell;
}

/** A number cell as a contract's `csv.decimal` writes it: `1,5` is 1.5 with a decimal comma. */
export function parseDecimal(s: string, decimal: "." | ","): number {
  if (s === "") return Number.NaN;
  if (decimal === ",") return s.includes(".") ? Number.NaN : Number(s.replace(",", "."));
  return Number(s);
}

/** A number as a contract's `csv.decimal` writes it (shortest round-trip digits): the inverse of parseDecimal. */
export function formatDecimal(x: number, decimal: "." | ","): string {
  return decimal === "," ? String(x).replace(".", ",") : String(x);
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
  opts: { formulaSafe?: boolean; delimiter?: string } = {},
): string {
  const d = opts.delimiter ?? ",";
  const quote = quoter(d);
  const cell = opts.formulaSafe
    ? (c: unknown) => (typeof c === "string" ? quote(defuseFormula(c)) : quote(String(c)))
    : (c: unknown) => quote(String(c));
  const out: string[] = [header.map(quote).join(d)];
  for (const r of rows) out.push(r.map((c) => (c === undefined || c === null ? "" : cell(c))).join(d));
  return `${out.join("\n")}\n`;
}

/** The error for a cell that is not a number, with the decimal mark when it is not the point. */
export function notANumber(s: string, decimal: "." | ","): string {
  if (decimal === ",") return `'${s}' is not a number (csv.decimal is ",": 1,5 not 1.5)`;
  // "8,250" from a US export is eight thousand two hundred and fifty, and the decimal-comma hint
  // below would have the user read it as 8.25: name both readings and guess neither.
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s.trim()))
    return `'${s}' is not a number (a thousands separator? export numbers without one, 8250 not 8,250; if the comma is a decimal mark, csv: { decimal: "," } in the contract)`;
  // A European export read without `csv: { decimal: "," }`: say which key reads it.
  return /^[+-]?\d*,\d+$/.test(s.trim())
    ? `'${s}' is not a number (csv.decimal is ".": a decimal comma needs csv: { decimal: "," } in the contract)`
    : `'${s}' is not a number`;
}

// The contract's field-level checks: optional values, names, readings and attributes. Each error
// names the file and key path. Pure.
import { type Obj, configError, describe, join, list, mapping, text } from "../core/yamlcheck.js";
import { formatProblem } from "../data/time-format.js";
import { parseSpan } from "./spans.js";
import { columnConversion, missingValues } from "./units.js";
import {
  type AttributeSpec,
  type ColumnConversion,
  type Contract,
  type CsvFormat,
  DEFAULT_CSV,
  type ReadingSpec,
  type TableClock,
} from "./types.js";

const NAME = /^[a-z][a-z0-9_]*$/;

export function optText(o: Obj, k: string, file: string, path: string): string | null {
  return o[k] === undefined || o[k] === null ? null : text(o[k], file, join(path, k));
}

export function optNum(o: Obj, k: string, file: string, path: string): number | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isFinite(v))
    throw configError(file, join(path, k), `must be a number, got ${describe(v)}`);
  return v;
}

export function optBool(o: Obj, k: string, file: string, path: string): boolean {
  const v = o[k];
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean")
    throw configError(file, join(path, k), `must be true or false, got ${describe(v)}`);
  return v;
}

/** A reading's kind (number, category, counter) or, with `reading` false, an attribute's (no counter). */
function kindOf<R extends boolean>(o: Obj, file: string, path: string, reading: R) {
  const v = o.kind ?? "number";
  const kinds = reading ? ["number", "category", "counter"] : ["number", "category"];
  if (!kinds.includes(v as string))
    throw configError(
      file,
      join(path, "kind"),
      v === "counter"
        ? "counter is a reading's kind (a count that grows between readings); an attribute is number or category"
        : `must be ${kinds.join(", ").replace(/, (\w+)$/, " or $1")}, got ${describe(v)}`,
    );
  return v as R extends true ? ReadingSpec["kind"] : "number" | "category";
}

function levelsOf(o: Obj, file: string, path: string): string[] | null {
  if (o.levels === undefined || o.levels === null) return null;
  return list(o.levels, file, join(path, "levels")).map((l, i) =>
    typeof l === "number" ? String(l) : text(l, file, join(join(path, "levels"), i)),
  );
}

export class Names {
  private seen = new Map<string, string>();
  constructor(private file: string) {}
  add(v: unknown, path: string): string {
    const name = text(v, this.file, path);
    if (!NAME.test(name))
      throw configError(
        this.file,
        path,
        `'${name}' must be snake_case (a-z, 0-9, _; starting with a letter)`,
      );
    const before = this.seen.get(name);
    if (before) throw configError(this.file, path, `'${name}' is already the name of ${before}`);
    this.seen.set(name, path);
    return name;
  }
}

/** A column's name, or names (`[DateTimeUTC, timestamp]`: one per make's file): the first, then the others. */
export function columnNames(v: unknown, file: string, path: string): { column: string; aliases: string[] } {
  if (!Array.isArray(v)) return { column: text(v, file, path), aliases: [] };
  const names = list(v, file, path).map((n, i) => text(n, file, join(path, i)));
  return { column: names[0], aliases: [...new Set(names.slice(1))].filter((n) => n !== names[0]) };
}

export function reading(v: unknown, file: string, path: string, names: Names): ReadingSpec {
  const o = mapping(
    v,
    file,
    path,
    ["name", "column", "unit", "min", "max", "words", "optional", "kind", "levels", "missing"],
    ["name", "column"],
  );
  const name = names.add(o.name, join(path, "name"));
  const min = optNum(o, "min", file, path);
  const max = optNum(o, "max", file, path);
  if (min !== null && max !== null && min > max)
    throw configError(file, join(path, "max"), `${max} is below min ${min}`);
  const unit = optText(o, "unit", file, path) ?? "";
  const entries = Array.isArray(o.column) ? list(o.column, file, join(path, "column")) : [o.column];
  // A name, or { column, unit | scale/offset, machines }: a column written in another unit.
  const convert: ColumnConversion[] = [];
  const columns = entries.map((c, i) => {
    const at = Array.isArray(o.column) ? join(path, `column[${i}]`) : join(path, "column");
    if (c === null || typeof c !== "object") return text(c, file, at);
    const first = i === 0 || (c as { column?: unknown }).column === entries[0];
    const conv = columnConversion(c, file, at, { unit, first });
    convert.push(conv);
    return conv.column;
  });
  if (columns.length === 0) throw configError(file, join(path, "column"), "needs at least one column name");
  const kind = kindOf(o, file, path, true);
  if (kind === "counter" && o.levels !== undefined && o.levels !== null)
    throw configError(file, join(path, "levels"), "a counter is a number that grows: it has no levels");
  const missing = missingValues(o, file, path);
  if (kind === "category" && (missing !== null || convert.some((x) => x.missing)))
    throw configError(
      file,
      join(path, "missing"),
      "is for numbers: a category's cell that is not one of its levels already counts as missing (give levels:)",
    );
  return {
    name,
    column: columns[0],
    // A name given twice (plain, and converted for some machines) is looked for once.
    aliases: [...new Set(columns.slice(1))].filter((x) => x !== columns[0]),
    ...(convert.length > 0 ? { convert } : {}),
    kind,
    unit,
    min,
    max,
    words: optText(o, "words", file, path) ?? name.replace(/_/g, " "),
    optional: optBool(o, "optional", file, path),
    levels: levelsOf(o, file, path),
    ...(missing ? { missing } : {}),
  };
}

export function attributes(v: unknown, file: string, names: Names): Contract["attributes"] {
  if (v === undefined || v === null) return null;
  const o = mapping(v, file, "attributes", ["file", "key", "columns"], ["file", "key", "columns"]);
  const columns: AttributeSpec[] = list(o.columns, file, "attributes.columns").map((c, i) => {
    const path = `attributes.columns[${i}]`;
    const a = mapping(
      c,
      file,
      path,
      ["name", "column", "kind", "unit", "words", "levels"],
      ["name", "column"],
    );
    const name = names.add(a.name, join(path, "name"));
    return {
      name,
      column: text(a.column, file, join(path, "column")),
      kind: kindOf(a, file, path, false),
      unit: optText(a, "unit", file, path) ?? "",
      words: optText(a, "words", file, path) ?? name.replace(/_/g, " "),
      levels: levelsOf(a, file, path),
    };
  });
  return { file: text(o.file, file, "attributes.file"), key: text(o.key, file, "attributes.key"), columns };
}

export function spans(v: unknown, counter: boolean, file: string, path: string) {
  return list(v, file, path).map((w, i) => parseSpan(w, counter, file, join(path, i)));
}

export function needTime(c: { time: Contract["time"] }, file: string, path: string): boolean {
  if (!c.time) throw configError(file, path, "needs a time column: add time: { column: … }");
  return c.time.counter;
}

/** `csv: { delimiter, decimal, duplicates }`; absent = comma-separated with a decimal point. */
export function csvFormat(v: unknown, file: string): CsvFormat {
  if (v === undefined || v === null) return DEFAULT_CSV;
  const o = mapping(v, file, "csv", ["delimiter", "decimal", "duplicates"]);
  const delimiter = o.delimiter ?? ",";
  if (delimiter !== "," && delimiter !== ";" && delimiter !== "\t" && delimiter !== "|")
    throw configError(
      file,
      "csv.delimiter",
      `must be ",", ";", "|" or "\\t" (a tab), got ${describe(delimiter)}`,
    );
  const decimal = o.decimal ?? ".";
  if (decimal !== "." && decimal !== ",")
    throw configError(file, "csv.decimal", `must be "." or ",", got ${describe(decimal)}`);
  if (decimal === "," && delimiter === ",")
    throw configError(
      file,
      "csv.decimal",
      'a decimal comma needs another delimiter (csv: { delimiter: ";" })',
    );
  const duplicates = o.duplicates ?? "error";
  if (duplicates !== "error" && duplicates !== "drop")
    throw configError(
      file,
      "csv.duplicates",
      `must be drop (a telemetry row repeated cell for cell is left out, counted) or error, got ${describe(duplicates)}`,
    );
  return { delimiter, decimal, ...(duplicates === "drop" ? { duplicates } : {}) };
}

/**
 * `time: { column, counter, format, zone }`: how the export writes its times. `names`: the column
 * may be a list (the telemetry's time, named differently by each make's file).
 */
export function timeSpec(t: Obj, file: string, path = "time", names = false): NonNullable<Contract["time"]> {
  const counter = optBool(t, "counter", file, path);
  const format = optText(t, "format", file, path);
  const zone = optText(t, "zone", file, path);
  if (counter && (format !== null || zone !== null))
    throw configError(
      file,
      `${path}.${format !== null ? "format" : "zone"}`,
      "a counter has no format or zone",
    );
  const problem = format === null ? null : formatProblem(format);
  if (problem) throw configError(file, `${path}.format`, `${problem}, e.g. "DD.MM.YYYY HH:mm:ss"`);
  if (zone !== null)
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
    } catch {
      throw configError(
        file,
        `${path}.zone`,
        `unknown time zone '${zone}' (an IANA name such as Europe/Berlin)`,
      );
    }
  if (names) {
    const { column, aliases } = columnNames(t.column, file, `${path}.column`);
    return { column, ...(aliases.length > 0 ? { aliases } : {}), counter, format, zone };
  }
  return { column: text(t.column, file, `${path}.column`), counter, format, zone };
}

/**
 * An event table's (or the failures file's) `time`: its column, or `{ column, format, zone }` when
 * that file writes its times its own way (a CMMS exporting "03.11.2026" beside a historian's ISO
 * times). Without format and zone the contract's `time` rules read it.
 */
export function tableTime(
  v: unknown,
  file: string,
  path: string,
  time: Contract["time"],
): { column: string; clock: TableClock | null } {
  if (typeof v === "string" || v === undefined || v === null)
    return { column: text(v, file, path), clock: null };
  const o = mapping(v, file, path, ["column", "format", "zone"], ["column"]);
  const t = timeSpec(o, file, path);
  if ((t.format !== null || t.zone !== null) && time?.counter)
    throw configError(
      file,
      `${path}.${t.format !== null ? "format" : "zone"}`,
      "time is a counter: a counter has no format or zone",
    );
  return {
    column: t.column,
    clock: t.format === null && t.zone === null ? null : { format: t.format ?? null, zone: t.zone ?? null },
  };
}

// Telemetry exported long ("narrow", as historians write it): one row per machine, time and tag,
// with the tag's name in one column and its value in another, instead of one column per sensor.
// The contract's `long: { tag, value, every }` says which columns those are; each reading's
// `column:` names (and aliases) are then tag names. This turns such a file into the wide table the
// rest of the reader takes, one row per machine and time, so nothing downstream knows the layout.
// Rows of one machine and time need not be together (exports sorted by tag, then time, are common):
// the rows come out in each machine's time order. With `every`, times fall into buckets of that
// length (tags sampled at their own instants), and a tag's latest value in a bucket counts.
// Tags the contract does not read are skipped and counted. Pure.
import { MillwrightError } from "../core/errors.js";
import type { Contract } from "../contract/types.js";
import { parseDecimal } from "./csv.js";
import { RowErrors, columnIndex } from "./errors.js";
import type { TelemetryPart } from "./telemetry-sources.js";
import { parserFor, timeWords } from "./time-format.js";

/** Skipped tags named in the warning at most. */
const TAGS_NAMED = 8;

/** The tags a contract reads: every reading's names and the label columns. */
function wantedTags(c: Contract): Set<string> {
  const tags = new Set<string>();
  for (const r of c.readings) for (const n of [r.column, ...(r.aliases ?? [])]) tags.add(n);
  if (c.labels) for (const n of [c.labels.column, ...c.labels.modes.map((m) => m.column)]) tags.add(n);
  return tags;
}

interface Group {
  machine: string;
  time: number;
  /** The time cell as written (exact times), or the bucket's start (with `every`). */
  stamp: string;
  /** Per wanted tag: its value, the line it came from and that row's time. */
  cells: Map<string, { value: string; line: number; at: number }>;
  line: number;
}

/** One long-layout file as the wide table `joinTelemetry` reads, with warnings. */
export function pivotLong(c: Contract, part: TelemetryPart): { part: TelemetryPart; warnings: string[] } {
  const long = c.long;
  if (!long) return { part, warnings: [] };
  const { file, table } = part;
  const cols = columnIndex(
    table.header,
    [
      ...(c.time ? [{ column: c.time.column, key: "time.column" }] : []),
      ...(c.machine ? [{ column: c.machine.column, key: "machine.column" }] : []),
      { column: long.tag, key: "long.tag" },
      { column: long.value, key: "long.value" },
    ],
    file,
    c.source,
  );
  const [timeCol, machineCol, tagCol, valueCol] = [
    c.time ? cols[0] : -1,
    c.machine ? cols[c.time ? 1 : 0] : -1,
    cols[cols.length - 2],
    cols[cols.length - 1],
  ];
  const tags = wantedTags(c);
  const parseTime = parserFor(c.time);
  const errors = new RowErrors(file);
  const groups = new Map<string, Group>();
  const skipped = new Map<string, number>();
  const width = table.header.length;
  table.rows.forEach((cells, i) => {
    const line = table.lines[i];
    if (cells.length !== width) {
      errors.add(line, null, `${cells.length} cells, the header has ${width}`);
      return;
    }
    const tag = cells[tagCol].trim();
    if (!tags.has(tag)) {
      skipped.set(tag, (skipped.get(tag) ?? 0) + 1);
      return;
    }
    const machine = machineCol >= 0 ? cells[machineCol].trim() : "";
    let at = i;
    let stamp = "";
    if (c.time) {
      const s = cells[timeCol];
      at = c.time.counter ? parseDecimal(s.trim(), c.csv.decimal) : parseTime(s);
      if (!Number.isFinite(at)) {
        errors.add(line, c.time.column, s === "" ? "empty time" : `'${s}' is not ${timeWords(c.time)}`);
        return;
      }
      stamp = s;
    }
    let time = at;
    if (long.every) {
      time = Math.floor(at / long.every.size) * long.every.size;
      stamp = c.time?.counter ? String(time) : new Date(time).toISOString();
    }
    const key = `${machine}\u0000${time}`;
    let g = groups.get(key);
    if (!g) {
      g = { machine, time, stamp, cells: new Map(), line };
      groups.set(key, g);
    }
    const before = g.cells.get(tag);
    if (before && before.at === at)
      errors.add(
        line,
        long.value,
        `a second '${tag}' for machine '${machine}' at ${cells[timeCol] ?? "this time"} (the first is row ${before.line})`,
      );
    else if (!before || at > before.at) g.cells.set(tag, { value: cells[valueCol], line, at });
  });
  errors.throwIfAny();
  if (groups.size === 0)
    throw new MillwrightError(
      "MW_CSV",
      `${file}: no row holds a tag ${c.source} reads (its readings' column names: ${[...tags].slice(0, TAGS_NAMED).join(", ")}); the ${long.tag} column holds ${[...skipped.keys()].slice(0, TAGS_NAMED).join(", ") || "nothing"}`,
      { file },
    );
  // Each machine's rows in time order, machines in the order they first appear.
  const order = new Map<string, number>();
  for (const g of groups.values()) if (!order.has(g.machine)) order.set(g.machine, order.size);
  const rows = [...groups.values()].sort(
    (a, b) => (order.get(a.machine) as number) - (order.get(b.machine) as number) || a.time - b.time,
  );
  const tagList = [...tags];
  const header = [...(c.time ? [c.time.column] : []), ...(c.machine ? [c.machine.column] : []), ...tagList];
  const wide = rows.map((g) => [
    ...(c.time ? [g.stamp] : []),
    ...(c.machine ? [g.machine] : []),
    ...tagList.map((t) => g.cells.get(t)?.value ?? ""),
  ]);
  // A message about a wide row points at the long row it came from: the tag's own row for a value,
  // else the first row of that machine and time (a tag with no row at all is said so).
  const locate = (line: number, column: string | null) => {
    const g = rows[line - 1];
    const cell = column === null ? undefined : g.cells.get(column);
    if (cell) return `${file} row ${cell.line}, ${long.value} (tag '${column}')`;
    if (column !== null && tags.has(column))
      return `${file}: machine '${g.machine}' at ${g.stamp} (from row ${g.line}) has no '${column}' row`;
    return `${file} row ${g.line}${column === null ? "" : `, ${column}`}`;
  };
  const warnings: string[] = [];
  const nSkipped = [...skipped.values()].reduce((a, b) => a + b, 0);
  if (nSkipped > 0) {
    const names = [...skipped.keys()];
    warnings.push(
      `${file}: ${nSkipped} row${nSkipped > 1 ? "s" : ""} of ${names.length} tag${names.length > 1 ? "s" : ""} the contract does not read skipped (${names
        .slice(0, TAGS_NAMED)
        .map((n) => `'${n}'`)
        .join(", ")}${names.length > TAGS_NAMED ? ", …" : ""})`,
    );
  }
  return {
    part: { file, table: { header, rows: wide, lines: rows.map((_, i) => i + 1), locate } },
    warnings,
  };
}

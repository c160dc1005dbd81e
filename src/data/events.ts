// Event tables (alarms, maintenance, failures) and the per-machine attribute table, read by the
// contract. Events are joined to telemetry by machine and time; rows of a machine the telemetry
// does not know are skipped with a warning (a plant-wide log, one make's file), and `check` names
// failures of a machine in neither the telemetry nor the machine table (profile.ts): a typo there
// silently drops a failure from the labels.
import { MillwrightError } from "../core/errors.js";
import type { Contract, RowFilter, TableClock } from "../contract/types.js";
import { EVENT_COUNTER_WORDS, parseEventCounter } from "./counter.js";
import { type CsvTable, notANumber, parseDecimal } from "./csv.js";
import { RowErrors, cellsKind, columnIndex } from "./errors.js";
import { ONE_MACHINE } from "./telemetry.js";
import { notATime, parserFor, timeWords } from "./time-format.js";

export interface EventTable {
  n: number;
  /** Index into the telemetry's machines; rows sorted by machine, then time (stable). */
  machine: Int32Array;
  time: Float64Array;
  /** The kind column's value ("" when the table has no kind). */
  kind: string[];
  /** Machines not in the telemetry whose rows were skipped: rows, and the first one's line. */
  skipped?: { machine: string; rows: number; line: number }[];
  /** Rows that repeat an earlier one (machine, time and kind): their line and the first one's. */
  repeats?: { line: number; first: number }[];
  /** Rows the table's `where` left out (a CMMS's PM work orders in the failures' file). */
  filtered?: number;
}

export interface EventColumns {
  time: string;
  /** The file's own time format and zone, when not the contract's. */
  clock?: TableClock | null;
  where?: RowFilter | null;
  machine: string | null;
  kind: string | null;
}

export function readEvents(
  spec: EventColumns,
  key: string,
  table: CsvTable,
  source: string,
  machines: ReadonlyMap<string, number>,
  c: Contract,
  warnings: string[] = [],
): EventTable {
  const wanted = [
    { column: spec.time, key: `${key}.time` },
    ...(spec.machine ? [{ column: spec.machine, key: `${key}.machine` }] : []),
    ...(spec.kind ? [{ column: spec.kind, key: `${key}.kind` }] : []),
    ...(spec.where ? [{ column: spec.where.column, key: `${key}.where.column` }] : []),
  ];
  const idx = columnIndex(table.header, wanted, source, c.source);
  const [tc, mc, kc] = idx;
  const keep = spec.where ? new Set(spec.where.in) : null;
  const whereCol = keep ? idx[idx.length - 1] : -1;
  let filtered = 0;
  const kindCol = spec.kind ? (spec.machine ? kc : mc) : -1;
  const machineCol = spec.machine ? mc : -1;
  const errors = new RowErrors(source);
  const rows: { m: number; t: number; k: string; i: number }[] = [];
  const unknown = new Map<string, { rows: number; line: number }>();
  const blankKinds: number[] = [];
  // The file's own time rules when the contract gives it some (`time: { column, format, zone }`).
  const clock = spec.clock ?? c.time;
  const parseTime = parserFor(clock);
  table.rows.forEach((cells, i) => {
    const ln = table.lines[i];
    if (cells.length !== table.header.length) {
      errors.add(
        ln,
        null,
        `${cells.length} cells, the header has ${table.header.length}`,
        cellsKind(table.header.length),
      );
      return;
    }
    // A row `where` leaves out is not this table's (a PM among failures): none of its cells count.
    if (keep && !keep.has(cells[whereCol].trim())) {
      filtered++;
      return;
    }
    const s = cells[tc].trim();
    const t = c.time?.counter ? parseEventCounter(s, c.csv.decimal) : parseTime(s);
    // A counter's cell is not a date: say what it must be (it said "an ISO 8601 time").
    const want = c.time?.counter ? EVENT_COUNTER_WORDS : timeWords(clock);
    // An open work order's Closed is empty: the event has not happened, so it has no place in time.
    const empty =
      "empty time (an event with no time yet, such as an open work order's close: read another time column, or leave the row out)";
    // All digits may be epoch time: the hint names this table's own time (time: { column, format }).
    const refused = () =>
      c.time?.counter ? `'${s}' is not ${want}` : notATime(s, clock, `${key}.time.format`);
    if (!Number.isFinite(t))
      errors.add(ln, spec.time, s === "" ? empty : refused(), s === "" ? "empty time" : `not ${want}`);
    const id = machineCol >= 0 ? cells[machineCol].trim() : ONE_MACHINE;
    const m = machines.get(id);
    // A plant-wide log covers machines this telemetry has not (one make's export, an unmonitored
    // lathe): their rows are skipped and counted, not errors, so a typo still shows as a warning.
    if (m === undefined) {
      if (id === "") errors.add(ln, spec.machine, "empty machine id");
      else {
        const u = unknown.get(id);
        if (u) u.rows++;
        else unknown.set(id, { rows: 1, line: ln });
      }
      return;
    }
    // Trimmed, as POST /v1/events trims a posted kind (serve/contract/events.ts, kindText): "SPDL_BRG "
    // in one and "SPDL_BRG" in the other must be one kind, not two heads after a retraining.
    const k = kindCol >= 0 ? cells[kindCol].trim() : "";
    if (kindCol >= 0 && k === "") {
      // A failure of no kind would train a head of its own, named ""; an event's empty kind is
      // one kind more (the server refuses both when posted): said, and for failures refused.
      if (key === "failures")
        errors.add(ln, spec.kind, "empty failure kind: fill it in, or leave the row out (where:)");
      else blankKinds.push(ln);
    }
    rows.push({ m, t, k, i });
  });
  errors.throwIfAny();
  if (blankKinds.length > 0)
    warnings.push(
      `${source} (${key}): ${blankKinds.length} row${blankKinds.length === 1 ? "" : "s"} with an empty ${spec.kind} (line ${blankKinds.slice(0, 5).join(", ")}${blankKinds.length > 5 ? ", …" : ""}) count as one kind of their own, ''; POST /v1/events refuses an empty kind: fill them in, or leave them out (where:)`,
    );
  if (unknown.size > 0) {
    const ids = [...unknown.keys()];
    const n = [...unknown.values()].reduce((a, b) => a + b.rows, 0);
    // One file read as two tables (a CMMS's work orders, and by `where` its failures) skips different
    // counts of rows: say which table's these are.
    const w = spec.where;
    const label = w ? `${source} (${key}, where ${w.column} in ${w.in.join(", ")})` : source;
    warnings.push(
      `${label}: ${n} row${n === 1 ? "" : "s"} of ${ids.length} machine${ids.length === 1 ? "" : "s"} not in the telemetry skipped (${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", …" : ""})`,
    );
  }
  rows.sort((a, b) => a.m - b.m || a.t - b.t || a.i - b.i);
  const repeats: { line: number; first: number }[] = [];
  for (let j = 1, first = 0; j < rows.length; j++) {
    const [p, r] = [rows[j - 1], rows[j]];
    if (p.m === r.m && p.t === r.t && p.k === r.k)
      repeats.push({ line: table.lines[r.i], first: table.lines[rows[first].i] });
    else first = j;
  }
  return {
    n: rows.length,
    machine: Int32Array.from(rows, (r) => r.m),
    time: Float64Array.from(rows, (r) => r.t),
    kind: rows.map((r) => r.k),
    ...(repeats.length > 0 ? { repeats } : {}),
    ...(keep ? { filtered } : {}),
    ...(unknown.size > 0
      ? { skipped: [...unknown].map(([machine, u]) => ({ machine, rows: u.rows, line: u.line })) }
      : {}),
  };
}

/** Sorted distinct kinds of one or more event tables. */
export function kindsOf(...tables: EventTable[]): string[] {
  const s = new Set<string>();
  for (const t of tables) for (const k of t.kind) s.add(k);
  return [...s].sort();
}

/** Per attribute, its value for each telemetry machine (categories as level codes). */
export function readAttributes(
  c: Contract,
  table: CsvTable,
  source: string,
  machines: readonly string[],
  /** Where a category level the model never saw is said (a new make after training): it is missing. */
  warnings?: string[],
): { contract: Contract; values: Float64Array[]; ids: Set<string> } {
  const a = c.attributes;
  if (!a) return { contract: c, values: [], ids: new Set() };
  const idx = columnIndex(
    table.header,
    [
      { column: a.key, key: "attributes.key" },
      ...a.columns.map((x, i) => ({ column: x.column, key: `attributes.columns[${i}].column` })),
    ],
    source,
    c.source,
  );
  const byId = new Map<string, string[]>();
  for (const row of table.rows) byId.set((row[idx[0]] ?? "").trim(), row);
  const columns = a.columns.map((x, j) => {
    if (x.kind !== "category" || x.levels) return x;
    const seen = new Set<string>();
    for (const row of table.rows) {
      const v = (row[idx[j + 1]] ?? "").trim();
      if (v !== "") seen.add(v);
    }
    return { ...x, levels: [...seen].sort() };
  });
  const missing = machines.filter((m) => !byId.has(m));
  if (missing.length > 0)
    throw new MillwrightError(
      "MW_CSV",
      `${source}: no row for machine${missing.length > 1 ? "s" : ""} ${missing
        .slice(0, 10)
        .map((m) => `'${m}'`)
        .join(
          ", ",
        )}${missing.length > 10 ? ` and ${missing.length - 10} more` : ""} (key column '${a.key}'), which the telemetry names: add ${missing.length > 1 ? "their rows" : "its row"} here, or correct the machine id in the telemetry`,
      { file: source, missing },
    );
  const errors = new RowErrors(source);
  const values = columns.map((x, j) =>
    Float64Array.from(machines, (id) => {
      const s = ((byId.get(id) as string[])[idx[j + 1]] ?? "").trim();
      if (s === "") return Number.NaN;
      if (x.kind === "category") {
        const code = (x.levels as string[]).indexOf(s);
        if (code < 0)
          warnings?.push(
            `${source}: machine '${id}': ${x.name} '${s}' is a level the model never saw; it counts as missing`,
          );
        return code < 0 ? Number.NaN : code;
      }
      const v = parseDecimal(s, c.csv.decimal);
      if (!Number.isFinite(v))
        errors.add(
          table.lines[table.rows.indexOf(byId.get(id) as string[])],
          x.column,
          notANumber(s, c.csv.decimal),
          "not a number",
        );
      return v;
    }),
  );
  errors.throwIfAny();
  return { contract: { ...c, attributes: { ...a, columns } }, values, ids: new Set(byId.keys()) };
}

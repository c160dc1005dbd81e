// Telemetry by the contract: a parsed CSV becomes columns (machine, time, one Float64Array per
// reading), the one shape the feature builder reads. Every cell is checked here, once: a bad cell
// is an error naming the file, row and column; missing cells are NaN only where the contract says
// the reading is optional.
import { MillwrightError } from "../core/errors.js";
import type { Contract } from "../contract/types.js";
import { conversionFor } from "../contract/units.js";
import { COUNTER_WORDS, parseCounter } from "./counter.js";
import { type CsvTable, notANumber, parseDecimal } from "./csv.js";
import { RowErrors, cellsKind, columnIndex } from "./errors.js";
import { labelCell, labelColumns, labelProblem, modeOfCell } from "./label-cell.js";
import { notATime, parserFor, timeWords } from "./time-format.js";
import { backwardsMessage } from "./time-backwards.js";

export interface Telemetry {
  n: number;
  /** Distinct machine ids in first-seen order; `machine[i]` indexes it. */
  machines: string[];
  machine: Int32Array;
  /** Milliseconds since the epoch, or the counter's value. */
  time: Float64Array;
  /** One column per contract reading (categories as level codes; missing = NaN). */
  values: Float64Array[];
  /** The file line of each row, for messages. */
  line: Int32Array;
  /** Row labels (row-labelled contracts): head name → 0/1 (255 = unknown). */
  labels: Map<string, Uint8Array> | null;
  /** Counted, documented warnings (e.g. a category level the model never saw). */
  warnings: string[];
  /**
   * Per reading, a category's levels as written, each with its row count (those outside its
   * `levels` too, which read as missing): what `check` lists for writing `levels:`. Null: not a category.
   */
  levelRows?: (Map<string, number> | null)[];
}

const labelKind = (s: string) => (s === "" ? "empty label" : "not a label");

/** The machine id of a contract without a machine column: the whole file is one machine. */
export const ONE_MACHINE = "all";

/** Fills in category levels the contract leaves open, from the data (sorted, so stable). */
export function learnLevels(c: Contract, table: CsvTable): Contract {
  const readings = c.readings.map((r) => {
    if (r.kind !== "category" || r.levels) return r;
    const i = table.header.indexOf(r.column);
    const seen = new Set<string>();
    if (i >= 0)
      for (const row of table.rows) if (row[i] !== undefined && row[i].trim() !== "") seen.add(row[i].trim());
    return { ...r, levels: [...seen].sort() };
  });
  return { ...c, readings };
}

export function readTelemetry(
  c: Contract,
  table: CsvTable,
  source: string,
  /** countLevels: each category's levels by rows (`levelRows`), for `check` only: a Map update per cell. */
  opts: { labels: boolean; countLevels?: boolean },
): Telemetry {
  const n = table.rows.length;
  if (n === 0)
    throw new MillwrightError("MW_CSV", `${source}: the file has a header but no data rows`, {
      file: source,
    });
  const wanted = [
    ...(c.time ? [{ column: c.time.column, key: "time.column" }] : []),
    ...(c.machine ? [{ column: c.machine.column, key: "machine.column" }] : []),
    ...c.readings.map((r, i) => ({ column: r.column, key: `readings[${i}].column` })),
    ...(opts.labels && c.labels
      ? [
          { column: c.labels.column, key: "labels.column" },
          ...(c.labels.modeColumn
            ? [{ column: c.labels.modeColumn, key: "labels.mode_column" }]
            : c.labels.modes.map((m) => ({ column: m.column, key: `labels.modes.${m.column}` }))),
        ]
      : []),
  ];
  const idx = columnIndex(table.header, wanted, source, c.source);
  let k = 0;
  const timeCol = c.time ? idx[k++] : -1;
  const machineCol = c.machine ? idx[k++] : -1;
  const readingCols = c.readings.map(() => idx[k++]);
  const labelCols = opts.labels && c.labels ? labelColumns(c.labels).map(() => idx[k++]) : [];
  const byValue = opts.labels && c.labels?.modeColumn ? c.labels : null;

  const errors = new RowErrors(source, table);
  const machines: string[] = [];
  const machineIndex = new Map<string, number>();
  const machine = new Int32Array(n);
  const time = new Float64Array(n);
  const values = c.readings.map(() => new Float64Array(n));
  const levelRows = opts.countLevels
    ? c.readings.map((r) => (r.kind === "category" ? new Map<string, number>() : null))
    : undefined;
  const line = Int32Array.from(table.lines);
  const labelNames = c.labels ? ["machine_failure", ...c.labels.modes.map((m) => m.name)] : [];
  const labels = labelCols.length > 0 ? new Map(labelNames.map((l) => [l, new Uint8Array(n)])) : null;
  const lastTime = new Map<number, number>();
  /** Each machine's latest row (its index), named when a later row steps back before it. */
  const lastRow = new Map<number, number>();
  // The earlier row as errors name rows, without its file when that is the erring row's (a
  // contract may join several telemetry files; the error's location names the file already).
  const rowName = (line: number, here: number) => {
    const at = table.locate?.(line, null);
    if (!at) return `row ${line}`;
    const file = table.locate?.(here, null).replace(/ row \d+$/, "");
    return file && at.startsWith(`${file} row `) ? at.slice(file.length + 1) : at;
  };
  let unknownLevels = 0;
  // The cells a row is made of here: a repeated row is one whose cells are all these of the row before.
  const read = [timeCol, machineCol, ...readingCols, ...labelCols].filter((x) => x >= 0);
  const dropRepeats = c.csv.duplicates === "drop";
  /** Rows left out as repeats (csv.duplicates: drop), in order; null while there are none. */
  let dropped: number[] | null = null;
  // "No value" cells (-9999) per reading, checked only for a reading that has some, so a contract
  // without `missing:` pays one null test per cell.
  const sentinels = c.readings.map((r) =>
    r.missing || r.convert?.some((x) => x.missing) ? (r.missing ?? []) : null,
  );
  const sentinelCells = c.readings.map(() => 0);
  const parseTime = parserFor(c.time);
  let lastStamp: string | null = null;
  let lastParsed = Number.NaN;
  const width = table.header.length;
  for (let i = 0; i < n; i++) {
    const cells = table.rows[i];
    const ln = table.lines[i];
    if (cells.length !== width) {
      errors.add(ln, null, `${cells.length} cells, the header has ${width}`, cellsKind(width));
      continue;
    }
    const id = machineCol >= 0 ? cells[machineCol].trim() : ONE_MACHINE;
    if (id === "") errors.add(ln, c.machine?.column ?? null, "empty machine id");
    let m = machineIndex.get(id);
    if (m === undefined) {
      m = machines.length;
      machines.push(id);
      machineIndex.set(id, m);
    }
    machine[i] = m;
    if (c.time) {
      const s = cells[timeCol];
      // Rows of one instant often come together (sorted by time, then machine): parse once.
      if (s !== lastStamp) {
        lastStamp = s;
        lastParsed = c.time.counter ? parseCounter(s, c.csv.decimal) : parseTime(s);
      }
      let t = lastParsed;
      if (!Number.isFinite(t))
        errors.add(
          ln,
          c.time.column,
          s === ""
            ? "empty time"
            : c.time.counter
              ? `'${s}' is not ${COUNTER_WORDS}`
              : notATime(s, c.time, "time.format"),
          s === "" ? "empty time" : `not ${c.time.counter ? COUNTER_WORDS : timeWords(c.time)}`,
        );
      const before = lastTime.get(m);
      // Local time repeats an hour when the clocks go back: a machine's rows are in time order, so
      // a repeated wall-clock time that would go backwards is the second pass through that hour.
      if (before !== undefined && t <= before && c.time.zone) {
        const later = parseTime.later(s);
        if (later > before) t = later;
      }
      if (before !== undefined && t < before) {
        const above = lastRow.get(m) as number;
        errors.add(
          ln,
          c.time.column,
          backwardsMessage(
            c.time,
            id,
            { t, text: s },
            {
              t: before,
              text: table.rows[above][timeCol],
              row: rowName(table.lines[above], ln),
            },
          ),
          "time goes backwards for a machine",
        );
      } else if (before !== undefined && t === before) {
        const above = lastRow.get(m) as number;
        const first = table.rows[above];
        const differ = read.find((x) => first[x].trim() !== cells[x].trim());
        if (differ === undefined && dropRepeats) {
          (dropped ??= []).push(i);
          continue;
        }
        // Name the other row, and whether it is the same row written twice (an exporter's repeat,
        // which csv.duplicates: drop leaves out) or two readings at one time (which one is right?).
        const col = differ === undefined ? "" : table.header[differ];
        const own = table.own?.(ln, col) ?? col;
        errors.add(
          ln,
          c.time.column,
          `a second row for machine '${id}' at the same time as ${rowName(table.lines[above], ln)}${
            differ === undefined
              ? ": the same row twice (the exporter repeated it): drop one, or give csv: { duplicates: drop }"
              : ` (${own}: '${first[differ].trim()}' there, '${cells[differ].trim()}' here): which one is right?`
          }`,
          "a second row for a machine at the same time",
        );
      }
      lastTime.set(m, t);
      lastRow.set(m, i);
      time[i] = t;
    } else time[i] = i;
    c.readings.forEach((r, j) => {
      const s = cells[readingCols[j]].trim();
      if (s === "") {
        if (!r.optional) errors.add(ln, r.column, `empty (${r.name} is not optional in ${c.source})`);
        values[j][i] = Number.NaN;
        return;
      }
      if (r.kind === "category") {
        const seen = levelRows?.[j];
        if (seen) seen.set(s, (seen.get(s) ?? 0) + 1);
        const code = (r.levels as string[]).indexOf(s);
        if (code < 0) unknownLevels++;
        values[j][i] = code < 0 ? Number.NaN : code;
        return;
      }
      const raw = parseDecimal(s, c.csv.decimal);
      // A column in another unit (a °F controller beside °C ones) is read into the reading's unit.
      const conv = r.convert ? conversionFor(r.convert, table.own?.(ln, r.column) ?? r.column, id) : null;
      const none = sentinels[j];
      // A "no value" cell (-9999), as written (before conversion): an empty cell, by `optional`.
      if (none !== null && (none.includes(raw) || conv?.missing?.includes(raw))) {
        sentinelCells[j]++;
        if (!r.optional)
          errors.add(
            ln,
            r.column,
            `empty: '${s}' is a missing value (${c.source}: readings[${j}].missing), and ${r.name} is not optional`,
          );
        values[j][i] = Number.NaN;
        return;
      }
      const v = conv ? raw * conv.scale + conv.offset : raw;
      if (!Number.isFinite(v))
        errors.add(
          ln,
          r.column,
          // A counter on a column of words (a program name): say which contract key wants a count.
          `${notANumber(s, c.csv.decimal)}${r.kind === "counter" ? ` (${c.source}: readings[${j}] is a counter, a count that grows)` : ""}`,
          "not a number",
        );
      else if ((r.min !== null && v < r.min) || (r.max !== null && v > r.max))
        errors.add(
          ln,
          r.column,
          // A converted value to 6 significant digits: -5572.78 °C, not -5572.777777777777.
          `${conv ? `${raw}${conv.unit ? ` ${conv.unit}` : ""}, read as ${Number(v.toPrecision(6))}` : v}${r.unit ? ` ${r.unit}` : ""} is outside ${r.min ?? "−∞"}–${r.max ?? "∞"} (${c.source}: readings[${j}])`,
          `outside ${r.min ?? "−∞"}–${r.max ?? "∞"}${r.unit ? ` ${r.unit}` : ""}`,
        );
      values[j][i] = v;
    });
    if (labels && byValue) {
      // One column names the mode: the failure cell as below, then that mode's head is 1.
      const s = cells[labelCols[0]].trim();
      const v = labelCell(s);
      if (v === undefined) errors.add(ln, byValue.column, labelProblem(s), labelKind(s));
      else (labels.get("machine_failure") as Uint8Array)[i] = v;
      const mode = modeOfCell(cells[labelCols[1]].trim(), byValue);
      if (typeof mode === "string")
        errors.add(ln, byValue.modeColumn as string, mode, "not a mode of labels.modes");
      else if (mode >= 0) (labels.get(byValue.modes[mode].name) as Uint8Array)[i] = 1;
    } else if (labels) {
      labelNames.forEach((name, j) => {
        const s = cells[labelCols[j]].trim();
        const y = labels.get(name) as Uint8Array;
        const v = labelCell(s);
        if (v !== undefined) y[i] = v;
        else if (s === "" && j > 0) y[i] = 0;
        else
          errors.add(
            ln,
            j === 0
              ? (c.labels as NonNullable<Contract["labels"]>).column
              : (c.labels as NonNullable<Contract["labels"]>).modes[j - 1].column,
            labelProblem(s),
            labelKind(s),
          );
      });
    }
  }
  errors.throwIfAny();
  const warnings: string[] = [];
  if (unknownLevels > 0)
    warnings.push(
      `${source}: ${unknownLevels} cells hold a category level the model never saw; they count as missing`,
    );
  c.readings.forEach((r, j) => {
    if (sentinelCells[j] === 0) return;
    const values = [...new Set([...(r.missing ?? []), ...(r.convert ?? []).flatMap((x) => x.missing ?? [])])];
    warnings.push(
      `${source}: ${sentinelCells[j]} cell${sentinelCells[j] === 1 ? "" : "s"} of ${r.name} hold a missing value (${values.join(", ")}; ${c.source}: readings[${j}]${r.missing ? ".missing" : ".column"}): read as missing`,
    );
  });
  if (dropped) {
    const at = table.locate?.(table.lines[dropped[0]], null) ?? `${source} row ${table.lines[dropped[0]]}`;
    warnings.push(
      `${source}: ${dropped.length} row${dropped.length === 1 ? " repeating its" : "s repeating their"} machine's row before, cell for cell, left out (${c.source}: csv.duplicates: drop; the first: ${at})`,
    );
    return {
      ...withoutRows({ n, machine, time, values, line, labels }, dropped),
      machines,
      warnings,
      ...(levelRows ? { levelRows } : {}),
    };
  }
  return { n, machines, machine, time, values, line, labels, warnings, ...(levelRows ? { levelRows } : {}) };
}

/** The columns without the rows `drop` (sorted indices): once, after reading, only when some were dropped. */
function withoutRows(
  t: Pick<Telemetry, "n" | "machine" | "time" | "values" | "line" | "labels">,
  drop: readonly number[],
): Pick<Telemetry, "n" | "machine" | "time" | "values" | "line" | "labels"> {
  const keep = new Int32Array(t.n - drop.length);
  for (let i = 0, d = 0, k = 0; i < t.n; i++) {
    if (d < drop.length && drop[d] === i) d++;
    else keep[k++] = i;
  }
  const pick = <A extends Int32Array | Float64Array | Uint8Array>(a: A): A => {
    const out = new (a.constructor as new (n: number) => A)(keep.length);
    for (let k = 0; k < keep.length; k++) out[k] = a[keep[k]];
    return out;
  };
  return {
    n: keep.length,
    machine: pick(t.machine),
    time: pick(t.time),
    values: t.values.map(pick),
    line: pick(t.line),
    labels: t.labels ? new Map([...t.labels].map(([k, v]) => [k, pick(v)])) : null,
  };
}

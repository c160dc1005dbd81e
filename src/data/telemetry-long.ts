// Telemetry exported long ("narrow", as historians write it): one row per machine, time and tag,
// with the tag's name in one column and its value in another, instead of one column per sensor.
// The contract's `long: { tag, value, every }` says which columns those are; each reading's
// `column:` names (and aliases) are then tag names. This turns such a file into the wide table the
// rest of the reader takes, one row per machine and time, so nothing downstream knows the layout.
// Rows of one machine and time need not be together (exports sorted by tag, then time, are common):
// the rows come out in each machine's time order. With `every`, times fall into buckets of that
// length (tags sampled at their own instants), and a tag's latest value in a bucket counts; with
// `hold` too, a bucket a tag has no sample in keeps its latest earlier one (a historian stores a
// value only when it changes). With `quality`, rows of another quality than `good` are skipped.
// Tags the contract does not read, and rows skipped for their quality, are counted. Pure.
import { MillwrightError } from "../core/errors.js";
import type { Contract } from "../contract/types.js";
import { parseDecimal } from "./csv.js";
import { RowErrors, cellsKind, columnIndex } from "./errors.js";
import { type Group, type TagSeen, checkCoverage, dropLeading, holdValues } from "./telemetry-long-checks.js";
import type { TelemetryPart } from "./telemetry-sources.js";
import { labelColumns } from "./label-cell.js";
import { notATime, parserFor, timeWords } from "./time-format.js";

/** Skipped tags named in the warning at most. */
const TAGS_NAMED = 8;

/**
 * The tags a contract reads, each to the wide column it becomes: every name of a reading becomes its
 * first name (two makes in one long file tag the same reading differently, and the wide reader takes
 * two names of one reading in one file for a mistake), a label column itself.
 */
function wantedTags(c: Contract): Map<string, string> {
  const tags = new Map<string, string>();
  for (const r of c.readings) for (const n of [r.column, ...(r.aliases ?? [])]) tags.set(n, r.column);
  // The labels' columns as training reads them (with mode_column, that one column, not a tag per mode).
  if (c.labels) for (const n of labelColumns(c.labels)) tags.set(n, n);
  return tags;
}

/**
 * Each wide line's own tag for a column (the first name): the tag its value came from, or for a
 * missing value the tag its machine sends that reading as.
 */
function ownTag(
  rows: readonly Group[],
  seen: ReadonlyMap<string, TagSeen>,
): (line: number, column: string) => string {
  return (line, column) => {
    const g = rows[line - 1];
    if (!g) return column;
    return g.cells.get(column)?.tag ?? seen.get(`${g.machine}\u0000${column}`)?.tag ?? column;
  };
}

/**
 * A machine missing a tag that sends tags the contract does not read: most likely one was renamed
 * (a controller's firmware update: SP1.LOAD became SP1.LOAD_PCT), so name them and their first time.
 */
function unreadHint(
  mine: ReadonlyMap<string, { stamp: string; at: number }> | undefined,
  machineFirst: number,
): string {
  // Tags it sent from its first row on are other sensors (a door switch), not a rename.
  const later = [...(mine ?? [])].filter(([, s]) => s.at > machineFirst);
  if (later.length === 0) return "";
  const named = later.map(([tag, s]) => `'${tag}' (from ${s.stamp})`).join(", ");
  return `; it began sending tags the contract does not read: ${named}. Renamed? Add the new name to the reading's column names`;
}

/** One long-layout file as the wide table `joinTelemetry` reads, with warnings. */
export function pivotLong(c: Contract, part: TelemetryPart): { part: TelemetryPart; warnings: string[] } {
  const long = c.long;
  if (!long) return { part, warnings: [] };
  const { file, table } = part;
  // A time or machine column with several names: this file's is the one its header has (the
  // first name when none is, which the missing-column error then names).
  const present = (col: { column: string; aliases?: string[] }) =>
    [col.column, ...(col.aliases ?? [])].find((n) => table.header.includes(n)) ?? col.column;
  const timeName = c.time ? present(c.time) : "";
  const cols = columnIndex(
    table.header,
    [
      ...(c.time ? [{ column: timeName, key: "time.column" }] : []),
      ...(c.machine ? [{ column: present(c.machine), key: "machine.column" }] : []),
      { column: long.tag, key: "long.tag" },
      { column: long.value, key: "long.value" },
      ...(long.quality ? [{ column: long.quality.column, key: "long.quality.column" }] : []),
    ],
    file,
    c.source,
  );
  const q = long.quality ? 1 : 0;
  const [timeCol, machineCol, tagCol, valueCol, qualityCol] = [
    c.time ? cols[0] : -1,
    c.machine ? cols[c.time ? 1 : 0] : -1,
    cols[cols.length - 2 - q],
    cols[cols.length - 1 - q],
    q ? cols[cols.length - 1] : -1,
  ];
  const good = new Set(long.quality?.good ?? []);
  /** Rows skipped for their quality, by quality as written. */
  const unfit = new Map<string, number>();
  const tags = wantedTags(c);
  const parseTime = parserFor(c.time);
  const errors = new RowErrors(file);
  const groups = new Map<string, Group>();
  const skipped = new Map<string, number>();
  /** With `split`, the machines (the tag's first part) that sent each skipped tag: a plant tag has one. */
  const skippedFrom = new Map<string, Set<string>>();
  /** Machine and wide column → what its rows said (a machine sends one name per reading). */
  const seen = new Map<string, TagSeen>();
  /** Per machine, the first few tags it sends that the contract does not read: their first time as written and read. */
  const unread = new Map<string, Map<string, { stamp: string; at: number }>>();
  const width = table.header.length;
  table.rows.forEach((cells, i) => {
    const line = table.lines[i];
    if (cells.length !== width) {
      errors.add(line, null, `${cells.length} cells, the header has ${width}`, cellsKind(width));
      return;
    }
    let tag = cells[tagCol].trim();
    let machine = machineCol >= 0 ? cells[machineCol].trim() : "";
    if (long.split) {
      // CNC07.SPINDLE.LOAD_PCT: machine CNC07, tag SPINDLE.LOAD_PCT (no split: no machine's, skipped).
      const cut = tag.indexOf(long.split);
      if (cut <= 0) {
        skipped.set(tag, (skipped.get(tag) ?? 0) + 1);
        return;
      }
      machine = tag.slice(0, cut);
      tag = tag.slice(cut + long.split.length);
    }
    const column = tags.get(tag);
    if (column === undefined) {
      skipped.set(tag, (skipped.get(tag) ?? 0) + 1);
      if (long.split) {
        let from = skippedFrom.get(tag);
        if (!from) skippedFrom.set(tag, (from = new Set()));
        if (from.size < 2) from.add(machine);
      }
      let mine = unread.get(machine);
      if (!mine) unread.set(machine, (mine = new Map()));
      if (mine.size < TAGS_NAMED && !mine.has(tag)) {
        const stamp = c.time ? cells[timeCol].trim() : `row ${line}`;
        const raw = !c.time ? i : c.time.counter ? parseDecimal(stamp, c.csv.decimal) : parseTime(stamp);
        // In buckets, as the machine's rows are (a tag sampled seconds into the first bucket is not late).
        const at = long.every ? Math.floor(raw / long.every.size) * long.every.size : raw;
        mine.set(tag, { stamp, at });
      }
      return;
    }
    let s = seen.get(`${machine}\u0000${column}`);
    if (!s) {
      s = { tag, line, good: 0, unfit: 0, at: Number.NEGATIVE_INFINITY, atLine: 0 };
      seen.set(`${machine}\u0000${column}`, s);
    } else if (s.tag !== tag) {
      errors.add(
        line,
        long.tag,
        `machine '${machine}' sends '${column}' as '${s.tag}' (row ${s.line}) and as '${tag}'; keep one name per machine`,
        "a machine sends a reading under two tags",
      );
      return;
    }
    if (qualityCol >= 0 && !good.has(cells[qualityCol].trim())) {
      // A historian marks a sample it could not read (its value then often a state such as
      // "I/O Timeout"): skipped, so the tag's previous value holds (with `hold`) or the cell is empty.
      const k = cells[qualityCol].trim();
      unfit.set(k, (unfit.get(k) ?? 0) + 1);
      s.unfit++;
      return;
    }
    let at = i;
    let stamp = "";
    if (c.time) {
      const ts = cells[timeCol];
      at = c.time.counter ? parseDecimal(ts.trim(), c.csv.decimal) : parseTime(ts);
      if (!Number.isFinite(at)) {
        errors.add(
          line,
          timeName,
          ts === "" ? "empty time" : notATime(ts, c.time, "time.format"),
          ts === "" ? "empty time" : `not ${timeWords(c.time)}`,
        );
        return;
      }
      // Rows are grouped and sorted by time below, so a clock that went back would be merged
      // silently: each tag's rows of a machine must go forward, as a historian writes them.
      if (at < s.at) {
        errors.add(
          line,
          timeName,
          `time goes backwards for tag '${tag}' of machine '${machine}' (${cells[timeCol]} after row ${s.atLine} at ${c.time.counter ? s.at : new Date(s.at).toISOString()}; each tag's rows of a machine must be in time order)`,
          "time goes backwards for a tag",
        );
        return;
      }
      stamp = cells[timeCol];
    }
    s.good++;
    s.at = at;
    s.atLine = line;
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
    const before = g.cells.get(column);
    if (before && before.at === at)
      errors.add(
        line,
        long.value,
        `a second '${tag}' for machine '${machine}' at ${cells[timeCol] ?? "this time"} (the first is row ${before.line})`,
        "a second sample of a tag at the same time",
      );
    else if (!before || at > before.at) g.cells.set(column, { value: cells[valueCol], tag, line, at });
  });
  errors.throwIfAny();
  const warnings: string[] = [];
  if (groups.size > 0) {
    warnings.push(...checkCoverage(c, file, seen, groups.values(), [...skipped.keys()], errors));
    errors.throwIfAny();
  }
  if (groups.size === 0)
    throw new MillwrightError(
      "MW_CSV",
      `${file}: no row holds a tag ${c.source} reads (its readings' column names: ${[...tags.keys()].slice(0, TAGS_NAMED).join(", ")}); the ${long.tag} column holds ${[...skipped.keys()].slice(0, TAGS_NAMED).join(", ") || "nothing"}`,
      { file },
    );
  // Each machine's rows in time order, machines in the order they first appear.
  const order = new Map<string, number>();
  for (const g of groups.values()) if (!order.has(g.machine)) order.set(g.machine, order.size);
  let rows = [...groups.values()].sort(
    (a, b) => (order.get(a.machine) as number) - (order.get(b.machine) as number) || a.time - b.time,
  );
  if (long.every && long.hold) {
    holdValues(rows, c, long.hold.size);
    const lead = dropLeading(rows, c, file);
    rows = lead.rows;
    if (lead.warning) warnings.push(lead.warning);
  }
  const tagList = [...new Set(tags.values())];
  const header = [...(c.time ? [c.time.column] : []), ...(c.machine ? [c.machine.column] : []), ...tagList];
  const wide = rows.map((g) => [
    ...(c.time ? [g.stamp] : []),
    ...(c.machine ? [g.machine] : []),
    ...tagList.map((t) => g.cells.get(t)?.value ?? ""),
  ]);
  // Each machine's first time (its rows are in time order): a tag it began sending later may be a rename.
  const firsts = new Map<string, number>();
  for (const g of rows) if (!firsts.has(g.machine)) firsts.set(g.machine, g.time);
  const firstOf = (m: string) => firsts.get(m) ?? Number.NEGATIVE_INFINITY;
  // A message about a wide row points at the long row it came from: the tag's own row for a value,
  // else the first row of that machine and time (a tag with no row at all is said so).
  const locate = (line: number, column: string | null) => {
    const g = rows[line - 1];
    const cell = column === null ? undefined : g.cells.get(column);
    if (cell) return `${file} row ${cell.line}, ${long.value} (tag '${cell.tag}')`;
    if (column !== null && tagList.includes(column))
      return `${file}: machine '${g.machine}' at ${g.stamp} (from row ${g.line}) has no '${seen.get(`${g.machine}\u0000${column}`)?.tag ?? column}' row${unreadHint(unread.get(g.machine), firstOf(g.machine))}`;
    return `${file} row ${g.line}${column === null ? "" : `, ${column}`}`;
  };
  const nSkipped = [...skipped.values()].reduce((a, b) => a + b, 0);
  if (nSkipped > 0) {
    // A tag one "machine" alone sent is named whole: PLANT.COMPRESSOR.PRESS, not COMPRESSOR.PRESS as
    // if a machine PLANT sent it (trial 4); one many machines send is named once, by its own part.
    const names = [...skipped.keys()].map((t) => {
      const from = skippedFrom.get(t);
      return from?.size === 1 ? `${[...from][0]}${long.split}${t}` : t;
    });
    warnings.push(
      `${file}: ${nSkipped} row${nSkipped > 1 ? "s" : ""} of ${names.length} tag${names.length > 1 ? "s" : ""} the contract does not read skipped (${names
        .slice(0, TAGS_NAMED)
        .map((n) => `'${n}'`)
        .join(", ")}${names.length > TAGS_NAMED ? ", …" : ""})`,
    );
  }
  const nUnfit = [...unfit.values()].reduce((a, b) => a + b, 0);
  if (nUnfit > 0)
    warnings.push(
      `${file}: ${nUnfit} row${nUnfit > 1 ? "s" : ""} of quality other than ${[...good].map((g) => `'${g}'`).join(", ")} skipped (${[
        ...unfit,
      ]
        .slice(0, TAGS_NAMED)
        .map(([k, n]) => `'${k}': ${n}`)
        .join(", ")})`,
    );
  return {
    part: {
      file,
      // The tag a wide cell came from (CoolantTemp_F, where the reading's first name is COOLANT.TEMP):
      // a column's unit or scale is chosen by it, and errors name it (trial 4: neither was, in long files).
      table: { header, rows: wide, lines: rows.map((_, i) => i + 1), locate, own: ownTag(rows, seen) },
    },
    warnings,
  };
}

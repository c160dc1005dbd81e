// What a long export's rows said about each machine's tags, and the checks made on it once the file
// is read: a reading no row holds at all is one error naming the contract key (not one per bucket),
// a machine that never sends a reading, or sends it only with a bad quality, is one error naming the
// machine and tag; and the held values of `long.hold`. Pure.
import { MillwrightError } from "../core/errors.js";
import type { Contract } from "../contract/types.js";
import type { RowErrors } from "./errors.js";

/** One machine's rows of one reading: the tag it sends it as, how many were usable, the newest. */
export interface TagSeen {
  tag: string;
  line: number;
  good: number;
  unfit: number;
  /** The newest usable sample's time and row (each tag's rows of a machine go forward in time). */
  at: number;
  atLine: number;
}

export interface Cell {
  value: string;
  tag: string;
  line: number;
  at: number;
}

export interface Group {
  machine: string;
  time: number;
  /** The time cell as written (exact times), or the bucket's start (with `every`). */
  stamp: string;
  /** Per wide column: its value, the tag and line it came from and that row's time. */
  cells: Map<string, Cell>;
  line: number;
}

const quote = (names: string[]) => names.map((n) => `'${n}'`).join(" or ");

/**
 * Every reading some row holds, and every machine's non-optional readings with a usable sample, or
 * an error; an optional reading no row holds is a warning.
 */
export function checkCoverage(
  c: Contract,
  file: string,
  seen: Map<string, TagSeen>,
  groups: Iterable<Group>,
  skippedTags: string[],
  errors: RowErrors,
): string[] {
  const long = c.long as NonNullable<Contract["long"]>;
  const warnings: string[] = [];
  const firstLine = new Map<string, number>();
  for (const g of groups)
    if (!firstLine.has(g.machine) || g.line < (firstLine.get(g.machine) as number))
      firstLine.set(g.machine, g.line);
  const columns = new Set([...seen.keys()].map((k) => k.slice(k.indexOf("\u0000") + 1)));
  c.readings.forEach((r, k) => {
    const names = [r.column, ...(r.aliases ?? [])];
    if (columns.has(r.column)) return;
    if (r.optional) {
      warnings.push(`${file}: no row holds tag ${quote(names)} (optional ${r.name}): missing in every row`);
      return;
    }
    throw new MillwrightError(
      "MW_CSV",
      `${file}: no row holds tag ${quote(names)} (${c.source}: readings[${k}].column, ${r.name}, not optional); the ${long.tag} column's other tags: ${
        skippedTags
          .slice(0, 8)
          .map((t) => `'${t}'`)
          .join(", ") || "none"
      }`,
      { file, missing: names },
    );
  });
  for (const [machine, line] of firstLine)
    for (const r of c.readings) {
      if (r.optional) continue;
      const s = seen.get(`${machine}\u0000${r.column}`);
      const why = `${r.name} is not optional in ${c.source}`;
      if (!s)
        errors.add(
          line,
          long.tag,
          `machine '${machine}' has no row of tag ${quote([r.column, ...(r.aliases ?? [])])} (${why})`,
        );
      else if (s.good === 0)
        errors.add(
          s.line,
          long.value,
          `machine '${machine}': all ${s.unfit} '${s.tag}' rows have a quality other than ${long.quality?.good.map((g) => `'${g}'`).join(", ")} (${why})`,
        );
    }
  return warnings;
}

/**
 * `hold`: a reading's tag with no sample in a bucket keeps the machine's latest earlier sample of it
 * when that is at most `hold` before the bucket's start, as a historian's step interpolation reads a
 * tag stored only on change. The held cell keeps its own row, so a message about it names that row.
 * Label columns are never held. `rows` is each machine's buckets in time order.
 */
export function holdValues(rows: Group[], c: Contract, hold: number): void {
  const columns = c.readings.map((r) => r.column);
  let machine: string | null = null;
  const last = new Map<string, Cell>();
  for (const g of rows) {
    if (g.machine !== machine) {
      machine = g.machine;
      last.clear();
    }
    for (const col of columns) {
      const cell = g.cells.get(col);
      if (cell) last.set(col, cell);
      else {
        const before = last.get(col);
        if (before && g.time - before.at <= hold) g.cells.set(col, before);
      }
    }
  }
}

/**
 * With `hold`, a machine's first buckets before every non-optional reading has had a sample are
 * left out (counted in a warning): tags start at their own instants, and before a tag's first
 * sample there is nothing to hold. Later gaps are still errors. `rows` is each machine's buckets in
 * time order.
 */
export function dropLeading(
  rows: Group[],
  c: Contract,
  file: string,
): { rows: Group[]; warning: string | null } {
  const need = c.readings.filter((r) => !r.optional).map((r) => r.column);
  const kept: Group[] = [];
  const dropped = new Map<string, number>();
  let machine: string | null = null;
  let started = false;
  for (const g of rows) {
    if (g.machine !== machine) {
      machine = g.machine;
      started = false;
    }
    if (!started) started = need.every((col) => g.cells.has(col));
    if (started) kept.push(g);
    else dropped.set(g.machine, (dropped.get(g.machine) ?? 0) + 1);
  }
  if (dropped.size === 0) return { rows, warning: null };
  const n = [...dropped.values()].reduce((a, b) => a + b, 0);
  return {
    rows: kept,
    warning: `${file}: ${n} first row${n > 1 ? "s" : ""} of ${dropped.size} machine${dropped.size > 1 ? "s" : ""} left out, before each reading's first sample (${[
      ...dropped,
    ]
      .slice(0, 8)
      .map(([m, k]) => `${m}: ${k}`)
      .join(", ")})`,
  };
}

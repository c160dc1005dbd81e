// What a contract reads, summed up before any training: `millwright check`. A customer writing a
// contract for an export we have never seen wants to know, in a minute, whether the columns, times,
// events and failures came through as they meant (how much of each sensor is there, its range, how
// many failures of each kind fall within the horizon) and what would make training weak. Pure.
import { telemetryRates } from "../features/counter-rate.js";
import { horizonLabels } from "../features/labels.js";
import { featurePlan } from "../features/plan.js";
import type { ContractData } from "./contract-data.js";
import { driftGroupRows, MIN_GROUP_ROWS } from "./drift-groups.js";
import { mostFirst } from "./errors.js";
import type { EventTable } from "./events.js";
import type { Telemetry } from "./telemetry.js";
import {
  headless,
  type LabelsProfile,
  labelProfile,
  lateFailures,
  staggeredCounts,
} from "./profile-problems.js";
import { describeConversion } from "../contract/units.js";
import { profileTasks, type TaskGroupProfile } from "./profile-tasks.js";
import { partMismatchWarning, taskKindMismatches } from "../contract/task-kinds.js";

export interface ReadingProfile {
  name: string;
  column: string;
  /** Every name the contract gives it (two makes' column or tag names), the first being `column`. */
  columns: string[];
  /** The columns read in another unit, each said once: "'LUBE_OIL_F' from °F", "'OilTemp' of R-01 from °F". */
  converted: string[];
  unit: string;
  /** Share of telemetry rows with a value. */
  present: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** A counter reading (`kind: counter`): its rate between a machine's readings, which the model sees. */
  counter?: CounterProfile;
  /**
   * A category's levels as written, the most rows first (at most LEVELS_NAMED): what a user needs
   * to write `levels:`. `listed`: among the levels it is read with (the contract's `levels:`, or
   * those learned from this data); an unlisted one reads as missing.
   */
  levels?: { level: string; rows: number; listed: boolean }[];
  /** The levels seen beyond those in `levels`, and their rows. */
  more_levels?: { levels: number; rows: number };
  /** No file read has a column for it (`check --data` on one make's file): a warning, not a problem. */
  no_column?: true;
}

/** Category levels named per reading; the rest are counted. */
export const LEVELS_NAMED = 10;

/** A category's levels as written, the most rows first. */
function levelProfile(
  seen: Map<string, number>,
  levels: readonly string[],
): Pick<ReadingProfile, "levels" | "more_levels"> {
  const all = mostFirst(seen);
  const rest = all.slice(LEVELS_NAMED);
  return {
    levels: all
      .slice(0, LEVELS_NAMED)
      .map(([level, rows]) => ({ level, rows, listed: levels.includes(level) })),
    ...(rest.length > 0
      ? { more_levels: { levels: rest.length, rows: rest.reduce((a, [, n]) => a + n, 0) } }
      : {}),
  };
}

export interface CounterProfile {
  /** "strokes/h" (per step on a counter time). */
  unit: string;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Rows whose count went down (a reset or rollover): rate unknown there. */
  resets: number;
}

/** How many values are present, and their range and mean. */
function summary(v: Float64Array): { n: number; min: number; max: number; mean: number } {
  let n = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const x of v) {
    if (Number.isNaN(x)) continue;
    n++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { n, min, max, mean: sum / n };
}

/** A counter's rates: unknown at each machine's first value and at each reset, so those are counted. */
function counterProfile(t: Telemetry, raw: Float64Array, rate: Float64Array, unit: string): CounterProfile {
  const s = summary(rate);
  const machines = new Set<number>();
  let present = 0;
  for (let i = 0; i < t.n; i++)
    if (!Number.isNaN(raw[i])) {
      present++;
      machines.add(t.machine[i]);
    }
  return {
    unit,
    min: s.n === 0 ? null : s.min,
    max: s.n === 0 ? null : s.max,
    mean: s.n === 0 ? null : s.mean,
    resets: Math.max(0, present - s.n - machines.size),
  };
}

export interface ContractProfile {
  contract: string;
  files: { role: string; file: string; rows: number }[];
  rows: number;
  machines: number;
  from: number | null;
  to: number | null;
  counter: boolean;
  readings: ReadingProfile[];
  /** `filtered`: rows the table's `where` left out (absent without one). */
  events: { name: string; rows: number; kinds: Record<string, number>; filtered?: number }[];
  failures: {
    rows: number;
    filtered?: number;
    kinds: Record<string, number>;
    horizon: string;
    positive_rows: number;
    censored_rows: number;
  } | null;
  /** A row-labelled contract: rows labelled a failure, and per mode (null: no labels read). */
  labels: LabelsProfile | null;
  /** The contract's tasks as each machine gets them, grouped by head and override (empty: no tasks). */
  tasks: TaskGroupProfile[];
  /** `monitor.drift_by`'s groups of machines; `tested`: enough rows for a drift test of their own. */
  drift_groups: { attribute: string; value: string; machines: number; rows: number; tested: boolean }[];
  warnings: string[];
  /** What would make training weak or fail: fix these first. */
  problems: string[];
}

function kinds(t: EventTable): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of t.kind) out[k || "(no kind)"] = (out[k || "(no kind)"] ?? 0) + 1;
  return out;
}

/**
 * `part`: the data is a part of the contract's telemetry (`check --data`, one make's file): a task
 * kind it lacks is a warning, as `train --data` says it, not a problem.
 */
export function profileContractData(d: ContractData, opts: { part?: boolean } = {}): ContractProfile {
  const c = d.contract;
  const t = d.telemetry;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < t.n; i++) {
    if (t.time[i] < from) from = t.time[i];
    if (t.time[i] > to) to = t.time[i];
  }
  const problems: string[] = [];
  // A counter's rates, as the model and the drift monitor see them (features/counter-rate.ts).
  const plan = featurePlan(c);
  const rates = plan.counters.length > 0 ? telemetryRates(plan, t) : null;
  const readings = c.readings.map((r, j): ReadingProfile => {
    const { n, min, max, mean } = summary(t.values[j]);
    const category = r.kind === "category";
    // A reading one make's file has no column for is that make's lack, said as a warning already.
    const noColumn = d.absent?.includes(r.name) === true;
    if (n === 0 && !noColumn) problems.push(`${r.name} ('${r.column}'): no value in any row`);
    else if (n > 0 && min === max)
      problems.push(
        `${r.name} ('${r.column}'): always ${category ? `'${(r.levels as string[])[min]}'` : min}, it tells the model nothing`,
      );
    const seen = t.levelRows?.[j];
    return {
      name: r.name,
      column: r.column,
      columns: [r.column, ...(r.aliases ?? [])],
      converted: (r.convert ?? []).map(describeConversion),
      unit: r.unit,
      present: t.n === 0 ? 0 : n / t.n,
      min: n === 0 || category ? null : min,
      max: n === 0 || category ? null : max,
      mean: n === 0 || category ? null : mean,
      ...(rates && r.kind === "counter"
        ? { counter: counterProfile(t, t.values[j], rates[j], plan.features[j].unit) }
        : {}),
      ...(category && seen ? levelProfile(seen, r.levels ?? []) : {}),
      ...(noColumn ? { no_column: true as const } : {}),
    };
  });
  let failures: ContractProfile["failures"] = null;
  if (c.failures && d.failures) {
    const fk = c.failures.kinds ?? [];
    const l = horizonLabels(t, d.failures, fk, c.failures.horizon.size, c.time?.counter === true);
    const any = l.heads.get("machine_failure") as Uint8Array;
    let positive = 0;
    let censored = 0;
    for (let i = 0; i < t.n; i++) {
      positive += any[i];
      censored += l.censored[i];
    }
    if (c.time?.counter === true) lateFailures(d, problems);
    const byKind = kinds(d.failures);
    if (d.failures.n === 0) problems.push("no failures: there is nothing to learn to predict");
    // A failure of a machine in neither the telemetry nor the machine table is skipped (a warning),
    // so a misspelt id ("VF2 #1" for "VF-2 #1") drops it from the labels: name its row here.
    const file = d.files.find((f) => f.role === "failures")?.file ?? "failures";
    for (const u of d.failures.skipped ?? [])
      if (!d.machineTable?.has(u.machine))
        problems.push(
          `${file} row ${u.line}, ${c.failures.machine ?? "machine"}: '${u.machine}' is in neither the telemetry nor the machine table, so its ${u.rows} failure${u.rows === 1 ? " is" : "s are"} skipped (a misspelt machine id?)`,
        );
    // The same failure logged twice counts twice in the failures by kind (and the card).
    for (const r of d.failures.repeats ?? [])
      problems.push(
        `${file} row ${r.line}: the same failure as row ${r.first} (machine, time and kind): logged twice?`,
      );
    problems.push(...headless(d, l, any, byKind));
    failures = {
      rows: d.failures.n,
      ...left(d.failures),
      kinds: byKind,
      horizon: c.failures.horizon.label,
      positive_rows: positive,
      censored_rows: censored,
    };
  }
  const staggered = c.time?.counter ? staggeredCounts(t) : null;
  if (staggered) problems.push(staggered);
  const labels = labelProfile(d, problems);
  // Said at plan time otherwise, long after training: a counter's tasks need rows_per_hour.
  const warnings = [...d.warnings];
  if (c.tasks && c.time?.counter !== false && c.tasks.rowsPerHour === null)
    warnings.push(
      `${c.source}: tasks.rows_per_hour is missing: a contract whose time is a counter needs it to plan (rows per hour turn per-row risk into per-shift risk)`,
    );
  const tasks = profileTasks(c, t.machines, d.attributes, d.machineTable ?? null);
  // A head or task event kind the data does not have: train --contract refuses it, so a problem here
  // (with --data, train warns of it: so does check).
  const wrong = taskKindMismatches(c);
  if (opts.part) warnings.push(...wrong.map(partMismatchWarning));
  else problems.push(...wrong.map((m) => m.message));
  warnings.push(...tasks.warnings);
  return {
    contract: c.name,
    files: d.files.map(({ role, file, rows }) => ({ role, file, rows })),
    rows: t.n,
    machines: t.machines.length,
    from: t.n === 0 ? null : from,
    to: t.n === 0 ? null : to,
    counter: c.time?.counter !== false,
    readings,
    events: c.events.map((e, i) => ({
      name: e.name,
      rows: d.events[i].n,
      ...left(d.events[i]),
      kinds: kinds(d.events[i]),
    })),
    failures,
    labels,
    tasks: tasks.groups,
    // Training skips a group with too few rows (registry/reference-groups.ts; also one whose rows
    // span less than a day of windows, which only training's calibration finds).
    drift_groups: driftGroupRows(c, d).map((g) => ({
      attribute: g.attribute,
      value: g.value,
      machines: g.machines.length,
      rows: g.rows.length,
      tested: g.rows.length >= MIN_GROUP_ROWS,
    })),
    warnings,
    problems,
  };
}

/** The rows a table's `where` left out, when it has one (a PM among the failures is not one). */
const left = (e: EventTable) => (e.filtered === undefined ? {} : { filtered: e.filtered });

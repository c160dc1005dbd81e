// What a contract reads, summed up before any training: `millwright check`. A customer writing a
// contract for an export we have never seen wants to know, in a minute, whether the columns, times,
// events and failures came through as they meant (how much of each sensor is there, its range, how
// many failures of each kind fall within the horizon) and what would make training weak. Pure.
import { isMillwrightError } from "../core/errors.js";
import { createRng } from "../core/rng.js";
import { horizonLabels } from "../features/labels.js";
import { MIN_MODE_POSITIVES } from "../train/fit.js";
import { splitRows } from "../train/time-split.js";
import type { ContractData } from "./contract-data.js";
import type { EventTable } from "./events.js";

export interface ReadingProfile {
  name: string;
  column: string;
  /** Every name the contract gives it (two makes' column or tag names), the first being `column`. */
  columns: string[];
  unit: string;
  /** Share of telemetry rows with a value. */
  present: number;
  min: number | null;
  max: number | null;
  mean: number | null;
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
  events: { name: string; rows: number; kinds: Record<string, number> }[];
  failures: {
    rows: number;
    kinds: Record<string, number>;
    horizon: string;
    positive_rows: number;
    censored_rows: number;
  } | null;
  /** A row-labelled contract: rows labelled a failure, and per mode (null: no labels read). */
  labels: { column: string; failure_rows: number; modes: Record<string, number> } | null;
  warnings: string[];
  /** What would make training weak or fail: fix these first. */
  problems: string[];
}

function kinds(t: EventTable): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of t.kind) out[k || "(no kind)"] = (out[k || "(no kind)"] ?? 0) + 1;
  return out;
}

export function profileContractData(d: ContractData): ContractProfile {
  const c = d.contract;
  const t = d.telemetry;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < t.n; i++) {
    if (t.time[i] < from) from = t.time[i];
    if (t.time[i] > to) to = t.time[i];
  }
  const problems: string[] = [];
  const readings = c.readings.map((r, j) => {
    const v = t.values[j];
    let n = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < t.n; i++) {
      const x = v[i];
      if (Number.isNaN(x)) continue;
      n++;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (n === 0) problems.push(`${r.name} ('${r.column}'): no value in any row`);
    else if (min === max)
      problems.push(`${r.name} ('${r.column}'): always ${min}, it tells the model nothing`);
    const category = r.kind === "category";
    return {
      name: r.name,
      column: r.column,
      columns: [r.column, ...(r.aliases ?? [])],
      unit: r.unit,
      present: t.n === 0 ? 0 : n / t.n,
      min: n === 0 || category ? null : min,
      max: n === 0 || category ? null : max,
      mean: n === 0 || category ? null : sum / n,
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
    for (const [k, n] of Object.entries(byKind))
      if (n < MIN_MODE_POSITIVES)
        problems.push(
          `failure kind '${k}': ${n} failure${n === 1 ? "" : "s"}, too few for a head of its own (it still counts in machine_failure)`,
        );
    problems.push(...headless(d, l, any, byKind));
    failures = {
      rows: d.failures.n,
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
  return {
    contract: c.name,
    files: d.files.map(({ role, file, rows }) => ({ role, file, rows })),
    rows: t.n,
    machines: t.machines.length,
    from: t.n === 0 ? null : from,
    to: t.n === 0 ? null : to,
    counter: c.time?.counter !== false,
    readings,
    events: c.events.map((e, i) => ({ name: e.name, rows: d.events[i].n, kinds: kinds(d.events[i]) })),
    failures,
    labels,
    warnings,
    problems,
  };
}

/**
 * The kinds `train --contract` (its default time split, time-split.ts) would give no head: a head
 * needs failure rows in the fit part and in validation (fit-history.ts). `check` said "no problems"
 * and training then dropped a kind with 8 failures, none of them in the validation period.
 */
function headless(
  d: ContractData,
  l: ReturnType<typeof horizonLabels>,
  any: Uint8Array,
  byKind: Record<string, number>,
): string[] {
  const t = d.telemetry;
  const fs = d.contract.failures;
  // A counter time is trained split by machine (README: each unit's count is its own clock), drawn
  // at random and stratified by failure kind (time-split.ts), so no kind is left out by the split:
  // the default time split, judged here, is not the one such data is trained with.
  if (!fs || d.contract.time?.counter) return [];
  let split: ReturnType<typeof splitRows>;
  try {
    const usable = l.censored.map((x) => 1 - x);
    const x = { time: t.time, machine: t.machine, nMachines: t.machines.length, usable, y: any };
    split = splitRows({ ...x, horizon: fs.horizon.size }, { by: "time", testFrom: null }, createRng(0));
  } catch (e) {
    if (isMillwrightError(e)) return []; // training says why it cannot split
    throw e;
  }
  const rows = (y: Uint8Array, idx: Uint32Array) => idx.reduce((s, i) => s + y[i], 0);
  const out: string[] = [];
  for (const k of fs.kinds ?? []) {
    if ((byKind[k] ?? 0) < MIN_MODE_POSITIVES) continue; // said above: too few failures
    const y = l.heads.get(k) as Uint8Array;
    const [fit, val] = [rows(y, split.fit), rows(y, split.validation)];
    if (fit < MIN_MODE_POSITIVES || val === 0)
      out.push(
        `failure kind '${k}': ${fit} rows within its horizon in the fit part and ${val} in validation (${split.describe}), so train --contract gives it no head (it still counts in machine_failure): more history, or --test-from a later time`,
      );
  }
  return out;
}

/**
 * A counter each machine started at its own count (an hours meter, not cycles from 1): a split by
 * time cuts every machine at one count, so its test part would hold only the machines whose meters
 * stand highest. Said when the machines' first counts spread over more than half the counts seen.
 */
function staggeredCounts(t: ContractData["telemetry"]): string | null {
  const first = new Map<number, number>();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < t.n; i++) {
    const m = t.machine[i];
    if (!first.has(m) || t.time[i] < (first.get(m) as number)) first.set(m, t.time[i]);
    if (t.time[i] < lo) lo = t.time[i];
    if (t.time[i] > hi) hi = t.time[i];
  }
  if (first.size < 2) return null;
  const starts = [...first].sort((a, b) => a[1] - b[1]);
  const [low, high] = [starts[0], starts[starts.length - 1]];
  if (high[1] - low[1] <= 0.5 * (hi - lo)) return null;
  return `time is a counter each machine starts at its own count ('${t.machines[low[0]]}' at ${low[1]}, '${t.machines[high[0]]}' at ${high[1]}): a split by time tests only the machines with the highest counts; train with --split machine`;
}

/**
 * A row-labelled contract's labels, counted. check reads labels only where the file has the
 * column (so it can profile a file to score), which let a misspelt `labels.column` pass as
 * "no problems found" and fail only at train: it is a problem here.
 */
function labelProfile(d: ContractData, problems: string[]): ContractProfile["labels"] {
  const c = d.contract;
  if (!c.labels) return null;
  const t = d.telemetry;
  if (!t.labels) {
    problems.push(
      `labels: column '${c.labels.column}' is not in the telemetry, so train --contract cannot read what to predict (predict can still score this file)`,
    );
    return null;
  }
  const count = (y: Uint8Array) => y.reduce((s, v) => s + (v === 1 ? 1 : 0), 0);
  const failureRows = count(t.labels.get("machine_failure") as Uint8Array);
  if (failureRows === 0)
    problems.push(
      `labels: no row of '${c.labels.column}' is a failure: there is nothing to learn to predict`,
    );
  const modes: Record<string, number> = {};
  for (const m of c.labels.modes) {
    const n = count(t.labels.get(m.name) as Uint8Array);
    modes[m.name] = n;
    if (n < MIN_MODE_POSITIVES)
      problems.push(
        `label mode '${m.name}' ('${m.column}'): ${n} row${n === 1 ? "" : "s"}, too few for a head of its own (it still counts in machine_failure)`,
      );
  }
  return { column: c.labels.column, failure_rows: failureRows, modes };
}

/**
 * A counter's failure after its unit's last row: no row of that unit sees it (its last rows are
 * censored instead of positive), so a run-to-failure unit would silently teach nothing; almost
 * always a wrong cycle or a wrong unit id in the failures file.
 */
function lateFailures(d: ContractData, problems: string[]): void {
  const t = d.telemetry;
  const f = d.failures as EventTable;
  const last = new Float64Array(t.machines.length).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < t.n; i++) if (t.time[i] > last[t.machine[i]]) last[t.machine[i]] = t.time[i];
  const late: string[] = [];
  for (let i = 0; i < f.n; i++)
    if (f.time[i] > last[f.machine[i]])
      late.push(`${t.machines[f.machine[i]]} at ${f.time[i]}, its last row ${last[f.machine[i]]}`);
  if (late.length > 0)
    problems.push(
      `${late.length} failure${late.length === 1 ? "" : "s"} after its unit's last row, seen by no row (${late.slice(0, 5).join("; ")}${late.length > 5 ? "; …" : ""})`,
    );
}

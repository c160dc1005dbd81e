// What a contract reads, summed up before any training: `millwright check`. A customer writing a
// contract for an export we have never seen wants to know, in a minute, whether the columns, times,
// events and failures came through as they meant (how much of each sensor is there, its range, how
// many failures of each kind fall within the horizon) and what would make training weak. Pure.
import { horizonLabels } from "../features/labels.js";
import { MIN_MODE_POSITIVES } from "../train/fit.js";
import type { ContractData } from "./contract-data.js";
import type { EventTable } from "./events.js";

export interface ReadingProfile {
  name: string;
  column: string;
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
    for (const [k, n] of Object.entries(byKind))
      if (n < MIN_MODE_POSITIVES)
        problems.push(
          `failure kind '${k}': ${n} failure${n === 1 ? "" : "s"}, too few for a head of its own (it still counts in machine_failure)`,
        );
    failures = {
      rows: d.failures.n,
      kinds: byKind,
      horizon: c.failures.horizon.label,
      positive_rows: positive,
      censored_rows: censored,
    };
  }
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

// The problems `millwright check` (profile.ts) finds that would make training weak or wrong, each
// said before any training: a failure kind the default split gives no head, a counter each machine
// starts at its own count, a row-labelled contract's labels, a failure after its unit's last row. Pure.
import { isMillwrightError } from "../core/errors.js";
import { createRng } from "../core/rng.js";
import type { horizonLabels } from "../features/labels.js";
import { MIN_MODE_POSITIVES } from "../train/fit.js";
import { splitRows } from "../train/time-split.js";
import type { ContractData } from "./contract-data.js";
import type { EventTable } from "./events.js";

/** A row-labelled contract's labels: rows labelled a failure, and per mode. */
export interface LabelsProfile {
  column: string;
  failure_rows: number;
  modes: Record<string, number>;
}

/**
 * Which kinds `train --contract` (its default time split, time-split.ts) gives a head, said the way
 * training decides it: a head needs failure rows in the fit part and in validation (fit-history.ts).
 * `check` said "no problems" and training then dropped a kind with 8 failures, none of them in the
 * validation period; and it said a kind of 4 failures was too few for a head, which training then
 * gave one (trial G: its 48-hour horizon gave their rows enough), learnt from 3 of them.
 */
export function headless(
  d: ContractData,
  l: ReturnType<typeof horizonLabels>,
  any: Uint8Array,
  byKind: Record<string, number>,
): string[] {
  const t = d.telemetry;
  const fs = d.contract.failures;
  if (!fs) return [];
  const few = (k: string, n: number) =>
    `failure kind '${k}': ${n} failure${n === 1 ? "" : "s"}, too few for a head of its own (it still counts in machine_failure)`;
  const rare = Object.entries(byKind).filter(([, n]) => n < MIN_MODE_POSITIVES);
  // A counter time is trained split by machine (README: each unit's count is its own clock), drawn
  // at random and stratified by failure kind (time-split.ts), so no kind is left out by the split:
  // the default time split, judged here, is not the one such data is trained with.
  if (d.contract.time?.counter) return rare.map(([k, n]) => few(k, n));
  let split: ReturnType<typeof splitRows>;
  try {
    const usable = l.censored.map((x) => 1 - x);
    const x = { time: t.time, machine: t.machine, nMachines: t.machines.length, usable, y: any };
    split = splitRows({ ...x, horizon: fs.horizon.size }, { by: "time", testFrom: null }, createRng(0));
  } catch (e) {
    if (isMillwrightError(e)) return rare.map(([k, n]) => few(k, n)); // training says why it cannot split
    throw e;
  }
  const rows = (y: Uint8Array, idx: Uint32Array) => idx.reduce((s, i) => s + y[i], 0);
  const out: string[] = [];
  for (const k of fs.kinds ?? []) {
    const n = byKind[k] ?? 0;
    const y = l.heads.get(k) as Uint8Array;
    const [fit, val] = [rows(y, split.fit), rows(y, split.validation)];
    const head = fit >= MIN_MODE_POSITIVES && val > 0;
    const parts = `${fit} rows within its horizon in the fit part and ${val} in validation (${split.describe})`;
    if (!head && n < MIN_MODE_POSITIVES) out.push(few(k, n));
    else if (!head)
      out.push(
        `failure kind '${k}': ${parts}, so train --contract gives it no head (it still counts in machine_failure): more history, or --test-from a later time`,
      );
    else if (n < MIN_MODE_POSITIVES)
      out.push(
        `failure kind '${k}': only ${n} failure${n === 1 ? "" : "s"}, and train --contract gives it a head (${parts}): learnt from that few, its figures and its risk in the plan are rough`,
      );
  }
  return out;
}

/**
 * A counter each machine started at its own count (an hours meter, not cycles from 1): a split by
 * time cuts every machine at one count, so its test part would hold only the machines whose meters
 * stand highest. Said when the machines' first counts spread over more than half the counts seen.
 */
export function staggeredCounts(t: ContractData["telemetry"]): string | null {
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
export function labelProfile(d: ContractData, problems: string[]): LabelsProfile | null {
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
export function lateFailures(d: ContractData, problems: string[]): void {
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

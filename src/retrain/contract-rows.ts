// The telemetry rows a contract model's retraining writes back: the champion's stored rows, then
// the readings the server logged since. A row-labelled contract (AI4I: no failures table, the label
// in the row) keeps its labels in the same row: the stored rows' as read, a logged reading's from
// its `label` entry (POST /v1/feedback, keyed by the answer's id), and a reading no label has named
// yet is left out, since training requires every row's label. Without a machine column every row is
// one machine's: a logged reading goes in when its time is later than every row before it (a live
// simulator's counter goes on after the training data's: up-ai4i-contract.ts). Pure: contract-data.ts
// writes them.
import type { Contract } from "../contract/types.js";
import { labelColumns } from "../data/label-cell.js";
import { telemetryCells } from "../data/telemetry-cells.js";
import type { Telemetry } from "../data/telemetry.js";
import type { LoggedLabel, LogEntry } from "../store/history/types.js";

export interface RetrainRows {
  header: string[];
  /** [machine (when the contract has a machine column), time, ...readings, ...label cells]. */
  rows: string[][];
  base_rows: number;
  /** Logged readings left out: no label yet (row-labelled contracts only). */
  unlabelled: number;
}

type Labels = NonNullable<Contract["labels"]>;

/** A row's label cells as the contract reads them: 1/0 per column, or the mode column's value. */
function labelCells(l: Labels, failure: number, mode: (name: string) => number): string[] {
  if (l.modeColumn) {
    const named = l.modes.find((m) => mode(m.name) === 1);
    return [String(failure), named ? named.column : ""];
  }
  return [String(failure), ...l.modes.map((m) => String(mode(m.name)))];
}

export function retrainRows(
  c: Contract & { time: NonNullable<Contract["time"]> },
  t: Telemetry,
  entries: readonly LogEntry[],
): RetrainRows {
  const { time: timeCell, reading: cell } = telemetryCells(c);
  const l = c.labels && !c.failures ? c.labels : null;
  // Without a machine column every row is one machine's, whatever machine a client named.
  const machineOf = (m: string) => (c.machine ? [m] : []);
  const rows: string[][] = [];
  const last = new Map<string, number>();
  for (let i = 0; i < t.n; i++) {
    const m = t.machines[t.machine[i]];
    const labels = t.labels;
    const own =
      l && labels
        ? labelCells(l, labels.get("machine_failure")?.[i] ?? 0, (h) => labels.get(h)?.[i] ?? 0)
        : [];
    rows.push([
      ...machineOf(m),
      timeCell(t.time[i]),
      ...c.readings.map((_, k) => cell(k, t.values[k][i])),
      ...own,
    ]);
    last.set(m, Math.max(last.get(m) ?? Number.NEGATIVE_INFINITY, t.time[i]));
  }
  const base = rows.length;
  const told = new Map<string, LoggedLabel>();
  if (l) for (const e of entries) if (e.type === "label") told.set(e.label.id, e.label);
  let unlabelled = 0;
  for (const e of entries) {
    if (e.type !== "reading") continue;
    const r = e.reading;
    const key = c.machine ? r.machine : (t.machines[0] ?? r.machine);
    const before = last.get(key) ?? Number.NEGATIVE_INFINITY;
    const time = r.time;
    if (time <= before) continue;
    const y = l ? told.get(r.id) : null;
    if (l && !y) {
      unlabelled++;
      continue;
    }
    last.set(key, time);
    const own = l && y ? labelCells(l, y.label, (h) => y.modes[h] ?? 0) : [];
    rows.push([
      ...machineOf(r.machine),
      timeCell(time),
      ...c.readings.map((_, k) => cell(k, r.values[k] ?? null)),
      ...own,
    ]);
  }
  const header = [
    ...(c.machine ? [c.machine.column] : []),
    c.time.column,
    ...c.readings.map((r) => r.column),
    ...(l ? labelColumns(l) : []),
  ];
  return { header, rows, base_rows: base, unlabelled };
}

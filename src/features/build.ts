// Batch feature building: every row of a telemetry table, each machine's rows and events pushed
// through one MachineHistory in time order (the class the server keeps per machine), written back
// at the row's place in the file. Pure: no I/O.
import type { EventTable } from "../data/events.js";
import type { Telemetry } from "../data/telemetry.js";
import { MachineHistory } from "./history.js";
import type { FeaturePlan } from "./plan.js";

export interface HistoryInput {
  telemetry: Telemetry;
  /** Per attribute, its value for each telemetry machine. */
  attributes: Float64Array[];
  /** One per contract event table, in contract order. */
  events: EventTable[];
  /** Failures that also count as events of another table (the part was replaced), or null. */
  resets: { table: number; failures: EventTable } | null;
}

/** Row-major features, `nRows × nCols` (the AI4I matrix of physics.ts too: nCols = N_FEATURES). */
export interface FeatureMatrix {
  data: Float64Array;
  nRows: number;
  nCols: number;
}

/** Row indices of each machine, in file order (which validation made time order). */
export function rowsByMachine(t: Telemetry): Int32Array[] {
  const counts = new Int32Array(t.machines.length);
  for (let i = 0; i < t.n; i++) counts[t.machine[i]]++;
  const out = Array.from(counts, (c) => new Int32Array(c));
  counts.fill(0);
  for (let i = 0; i < t.n; i++) out[t.machine[i]][counts[t.machine[i]]++] = i;
  return out;
}

/** First index of each machine's block in an event table sorted by machine (length machines + 1). */
function blocks(e: EventTable, machines: number): Int32Array {
  const start = new Int32Array(machines + 1);
  for (let i = 0; i < e.n; i++) start[e.machine[i] + 1]++;
  for (let m = 0; m < machines; m++) start[m + 1] += start[m];
  return start;
}

export function buildFeatures(plan: FeaturePlan, input: HistoryInput): FeatureMatrix {
  const { telemetry: t } = input;
  const nCols = plan.features.length;
  const data = new Float64Array(t.n * nCols);
  const sources = input.events.map((e, table) => ({ e, table }));
  if (input.resets) sources.push({ e: input.resets.failures, table: input.resets.table });
  const starts = sources.map((s) => blocks(s.e, t.machines.length));
  const byMachine = rowsByMachine(t);
  const nr = plan.nReadings;
  for (let m = 0; m < byMachine.length; m++) {
    const h = new MachineHistory(plan);
    const next = starts.map((s) => s[m]);
    for (const i of byMachine[m]) {
      const now = t.time[i];
      for (let s = 0; s < sources.length; s++) {
        const { e, table } = sources[s];
        const end = starts[s][m + 1];
        while (next[s] < end && e.time[next[s]] <= now) {
          h.addEvent(table, e.time[next[s]], e.kind[next[s]]);
          next[s]++;
        }
      }
      const o = i * nCols;
      for (let r = 0; r < nr; r++) data[o + r] = t.values[r][i];
      for (let a = 0; a < input.attributes.length; a++) data[o + nr + a] = input.attributes[a][m];
      h.addRow(now, data, o);
    }
  }
  return { data, nRows: t.n, nCols };
}

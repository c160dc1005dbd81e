// Planning states of a fleet's machines from feature rows: the one place that turns "the newest row
// of each machine" into what contract-risk.ts forecasts from, for the CLI (rows built from files) and
// the server (rows kept by FleetHistory). Pure.
import { decodeAttributes, type MachineAttributes } from "../contract/machine-table.js";
import type { Contract } from "../contract/types.js";
import type { KnownEvent, RowState } from "../features/forecast-row.js";
import type { FeaturePlan } from "../features/plan.js";
import type { PlanMachine } from "./contract-forecast.js";

/**
 * Which category attribute answers as a machine's `machine_model` (plan and board): the one called
 * `machine_model`, else `model`, else the first. One rule for both: a shop whose table lists `make`
 * before `machine_model` saw its make under machine_model and its model under attributes.
 */
export function modelAttributeIndex(c: Contract): number {
  const cols = c.attributes?.columns ?? [];
  for (const name of ["machine_model", "model"]) {
    const i = cols.findIndex((a) => a.name === name && a.kind === "category");
    if (i >= 0) return i;
  }
  return cols.findIndex((a) => a.kind === "category");
}

/** The machine's make and model, as modelAttributeIndex picks it. */
export function machineModelOf(c: Contract, plan: FeaturePlan, row: Float64Array): string | null {
  const i = modelAttributeIndex(c);
  const a = c.attributes?.columns[i];
  if (a?.kind !== "category" || !a.levels) return null;
  const code = row[plan.nReadings + i];
  return Number.isInteger(code) ? (a.levels[code] ?? null) : null;
}

/**
 * A machine to plan. Its attributes pick its tasks (a head's `for:` overrides): as registered when
 * the caller knows them (the server's machine table keeps a level the model never saw as written),
 * else as its row codes them.
 */
export function planMachine(
  c: Contract,
  plan: FeaturePlan,
  id: string,
  state: RowState,
  attributes?: MachineAttributes | null,
): PlanMachine {
  const n = c.attributes?.columns.length ?? 0;
  return {
    id,
    model: machineModelOf(c, plan, state.row),
    attributes: attributes ?? decodeAttributes(c, state.row.subarray(plan.nReadings, plan.nReadings + n)),
    state,
  };
}

/** Each machine's newest row in a feature matrix (rows of a machine in time order), with events the rows do not see. */
export function newestRows(
  machines: string[],
  machineOf: Int32Array,
  time: Float64Array,
  data: Float64Array,
  nCols: number,
  laterEvents: (machine: number, after: number) => KnownEvent[],
): { id: string; state: RowState }[] {
  const last = new Int32Array(machines.length).fill(-1);
  for (let i = 0; i < machineOf.length; i++) last[machineOf[i]] = i;
  const out: { id: string; state: RowState }[] = [];
  machines.forEach((id, m) => {
    const i = last[m];
    if (i < 0) return;
    out.push({
      id,
      state: { time: time[i], row: data.slice(i * nCols, (i + 1) * nCols), later: laterEvents(m, time[i]) },
    });
  });
  return out;
}

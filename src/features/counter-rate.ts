// A counter reading (`kind: counter`: a cold header's stroke count, a spindle-hours meter) is
// cumulative per machine: its value grows for as long as the machine runs, so any later window lies
// beyond every value training saw (trial G's stroke counter neared its drift threshold within a week
// of an unchanged fleet, and the trees split on values it would never see again). What tells of a
// machine's state is how fast it counts: the model, the history windows and the drift monitor all
// see its RATE per hour (per step of a counter time) between the machine's consecutive readings.
// This file is the one place the rate is made: MachineHistory (training, predict, the server) and
// the monitor's reference sample (training's rates) call it. Pure.
import type { Telemetry } from "../data/telemetry.js";
import { type FeaturePlan, MS_PER_HOUR } from "./plan.js";

/**
 * The rate between two readings of one machine, `at` and `before` in the plan's units (hours, or
 * counter steps): unknown (NaN) for a machine's first reading, next to a missing value, or when the
 * count went down (a reset or a rollover: how far it counted in between is not known, and a negative
 * rate is no machine's speed).
 */
export function counterRate(before: number, beforeAt: number, value: number, at: number): number {
  const dt = at - beforeAt;
  if (!(dt > 0) || !(value >= before)) return Number.NaN;
  return (value - before) / dt;
}

/** One machine's counters: the last value of each and when it was read. */
export class CounterRates {
  private readonly value: Float64Array;
  private readonly at: Float64Array;

  constructor(private readonly slots: readonly number[]) {
    this.value = new Float64Array(slots.length).fill(Number.NaN);
    this.at = new Float64Array(slots.length).fill(Number.NaN);
  }

  /**
   * Replaces each counter's value in `base` (the row's readings, as read and converted) by its rate
   * since the machine's previous reading of it, at time `u` (plan units). A missing value is a
   * missing rate and keeps the previous value, so the next rate spans the gap.
   */
  apply(u: number, base: Float64Array): void {
    for (let k = 0; k < this.slots.length; k++) {
      const s = this.slots[k];
      const v = base[s];
      if (Number.isNaN(v)) continue;
      base[s] = counterRate(this.value[k], this.at[k], v, u);
      this.value[k] = v;
      this.at[k] = u;
    }
  }
}

/** Time in a plan's units: hours on a clock, the count itself on a counter time. */
export const planUnits = (t: number, counterTime: boolean): number => (counterTime ? t : t / MS_PER_HOUR);

/**
 * A telemetry table's readings with each counter's values replaced by its rates, machine by machine
 * (a machine's rows are in time order in the table): what training's history computes row by row.
 * Columns that are not counters are the table's own arrays.
 */
export function telemetryRates(plan: FeaturePlan, t: Telemetry): Float64Array[] {
  const slots = plan.counters;
  if (slots.length === 0) return t.values;
  const out = t.values.map((v, j) => (slots.includes(j) ? new Float64Array(t.n) : v));
  const byMachine = Array.from({ length: t.machines.length }, () => new CounterRates(slots));
  const base = new Float64Array(plan.nReadings);
  for (let i = 0; i < t.n; i++) {
    for (const s of slots) base[s] = t.values[s][i];
    byMachine[t.machine[i]].apply(planUnits(t.time[i], plan.counter), base);
    for (const s of slots) out[s][i] = base[s];
  }
  return out;
}

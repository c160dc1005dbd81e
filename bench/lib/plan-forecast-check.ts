// The forecast check in the planner's own world. The run-to-failure check (forecast-check.ts) scores
// the forecast on a fleet whose parts grow far older than any the planners' models are trained on;
// this one scores the forecasts the MIP planner actually made each morning of its replay (the same
// model, machine states and forecast method as its plan) against what then happened in that
// replayed world, once the replay is over (a task added later changes nothing before it, so the
// final world is what followed every morning).
//
// Censoring: a part replaced by a task (a planned or scheduled swap) before it failed and before the
// window ended is left out of that window's score. Its outcome is unknown: the task is there
// because the forecast was high, so counting it as "no failure" would punish every forecast the
// planner acted on, and counting it as a failure would reward them all. Leaving it out is the
// usual right-censoring rule; the price is that the score covers the part-mornings the plan did
// not act on within the window, so the count left out is printed beside it.
// Reference: persistence's forecast of the same part-mornings (one more risk run per morning),
// and the observed rate (skill 0 = no better than knowing the base rate).
import type { ForecastMethod } from "../../src/features/forecast-row.js";
import type { PlanMachine } from "../../src/plan/contract-forecast.js";
import { cumulative } from "../../src/plan/contract-forecast.js";
import type { ContractPlan } from "../../src/plan/contract-plan.js";
import { contractRisk } from "../../src/plan/contract-risk.js";
import type { HistoryModel } from "../../src/train/history-model.js";
import { DAY, HOUR, type World } from "./backtest-world.js";
import { BINS } from "./forecast-check.js";
import { table } from "./report.js";

export interface Forecast {
  machine: string;
  head: string;
  start: number;
  /** Risk within the first day (3 shifts) and within 7 days (21 shifts), per method. */
  p1: number[];
  p7: number[];
  /** The planners' forecast's cumulative risk by the end of each shift (BACKTEST_DUMP). */
  byShift?: number[];
}

const SHIFTS = 21;
const WINDOWS = [
  { label: "first day", ms: DAY, pick: (f: Forecast) => f.p1 },
  { label: "7 days", ms: 7 * DAY, pick: (f: Forecast) => f.p7 },
] as const;

/** Outcome of a forecast over `ms` in the world: 1 failed, 0 did not, null replaced first (censored) or past the end. */
export function outcomeIn(w: Pick<World, "sim">, f: Forecast, ms: number): 0 | 1 | null {
  const sim = w.sim;
  if (f.start + ms > sim.startMs + sim.hours * HOUR) return null;
  const m = sim.machines.findIndex((x) => x.id === f.machine);
  const after = <T extends { machine: number; component: string; ms: number }>(xs: T[]) =>
    xs.find((x) => x.machine === m && x.component === f.head && x.ms >= f.start)?.ms ??
    Number.POSITIVE_INFINITY;
  const failed = after(sim.failures);
  // A failure's own repair is a maintenance event too; only a task (planned or scheduled) censors.
  const replaced = after(sim.maintenance.filter((e) => e.reason !== "failure"));
  if (failed <= replaced && failed < f.start + ms) return 1;
  if (replaced < f.start + ms) return null;
  return 0;
}

/** Rows of a calibration table by the planner's forecast (method 0). */
function calibration(scored: { p: number[]; y: number }[], left: number[]): string[][] {
  return BINS.slice(0, -1).map((lo, b) => {
    const hi = BINS[b + 1];
    const xs = scored.filter((s) => s.p[0] >= lo && s.p[0] < hi);
    const mean = xs.reduce((a, s) => a + s.p[0], 0) / (xs.length || 1);
    const rate = xs.reduce((a, s) => a + s.y, 0) / (xs.length || 1);
    return [
      `${lo}–${Math.min(1, hi).toFixed(2)}`,
      xs.length ? `${xs.length}: ${mean.toFixed(4)} / ${rate.toFixed(4)}` : "–",
      String(left.filter((p) => p >= lo && p < hi).length),
    ];
  });
}

export class PlanForecastCheck {
  private forecasts: Forecast[] = [];
  /** Largest difference between this check's 7-day risk and the plan's by_end (should be ~0). */
  private maxDiff = 0;
  /** `methods[0]` is the planners' forecast; the others are references (persistence). */
  constructor(readonly methods: ForecastMethod[]) {}

  /** A morning of the replay: the forecasts of the plan `plan` made at `start` from `machines`. */
  morning(model: HistoryModel, machines: PlanMachine[], start: number, plan: ContractPlan): void {
    const tasks = model.contract.tasks;
    if (!tasks) return;
    const runs = this.methods.map((forecast) =>
      contractRisk({ model, tasks, machines, start, shifts: SHIFTS, shiftHours: 8, renewal: true, forecast }),
    );
    runs[0].forEach((fc, i) => {
      const planned = plan.machines.find((m) => m.machine_id === fc.machine.id);
      fc.heads.forEach((h, k) => {
        const p7 = runs.map((r) => cumulative(r[i].heads[k].hazard, 0, SHIFTS));
        const byEnd = planned?.heads[h.head]?.by_end;
        if (byEnd !== undefined) this.maxDiff = Math.max(this.maxDiff, Math.abs(byEnd - p7[0]));
        this.forecasts.push({
          machine: fc.machine.id,
          head: h.head,
          start,
          p1: runs.map((r) => cumulative(r[i].heads[k].hazard, 0, 3)),
          p7,
          byShift: h.hazard.map((_, u) => cumulative(h.hazard, 0, u + 1)),
        });
      });
    });
  }

  /** Every part-morning's forecasts (BACKTEST_DUMP). */
  records(): readonly Forecast[] {
    return this.forecasts;
  }

  /** Per window: counts, Brier per method, skill against the observed rate and against persistence. */
  scores(w: World) {
    return WINDOWS.map(({ label, ms, pick }) => {
      const scored: { p: number[]; y: number }[] = [];
      /** The planner's forecasts of the part-mornings left out (a task replaced the part first). */
      const left: number[] = [];
      for (const f of this.forecasts) {
        const y = outcomeIn(w, f, ms);
        if (y === null) {
          if (f.start + ms <= w.sim.startMs + w.sim.hours * HOUR) left.push(pick(f)[0]);
        } else scored.push({ p: pick(f), y });
      }
      const n = scored.length || 1;
      const rate = scored.reduce((a, s) => a + s.y, 0) / n;
      const ref = scored.reduce((a, s) => a + (rate - s.y) ** 2, 0) / n;
      const brier = this.methods.map((_, j) => scored.reduce((a, s) => a + (s.p[j] - s.y) ** 2, 0) / n);
      const mean = this.methods.map((_, j) => scored.reduce((a, s) => a + s.p[j], 0) / n);
      return { label, n: scored.length, censored: left.length, rate, ref, brier, mean, scored, left };
    });
  }

  /** Markdown: one row per window and method. */
  report(w: World): string {
    const f4 = (v: number) => v.toFixed(4);
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    const scores = this.scores(w);
    const rows = scores.flatMap((s) =>
      this.methods.map((m, j) => [
        s.label,
        m,
        s.n,
        s.censored,
        f4(s.brier[j]),
        f4(s.ref),
        pct(1 - s.brier[j] / s.ref),
        j === 0 ? pct(1 - s.brier[0] / s.brier[1]) : "–",
        f4(s.mean[j]),
        f4(s.rate),
      ]),
    );
    return `${table(["window", "forecast", "part-mornings scored", "left out (replaced first)", "Brier", "Brier of the observed rate", "skill vs rate", `skill vs ${this.methods[1]}`, "mean forecast", "observed rate"], rows)}

7-day calibration of the ${this.methods[0]} forecast in this world (part-mornings scored in the bin: mean forecast / observed failure rate; and how many of the bin a task replaced first, left out):

${table(["forecast risk within 7 days", "scored: forecast / observed", "left out"], calibration(scores[1].scored, scores[1].left))}

Largest difference between this check's 7-day risk and the plan's own by_end: ${this.maxDiff.toFixed(4)}.`;
  }
}

// How well a planning forecast says what then happens. On a fleet run to failure in the replayed
// weeks (no task cuts a failure short, so every outcome is seen), each morning's forecast of each
// part's risk within the first day and within the 7 planned days is set against whether that part
// failed then. Per forecast method: the Brier score, the score of a forecast that knows only the
// observed rate (the reference a useful forecast beats), the mean forecast against the observed
// rate, and a calibration table. The model is the planner's model of that week.
import type { ForecastMethod } from "../../src/features/forecast-row.js";
import { featurePlan } from "../../src/features/plan.js";
import { cumulative } from "../../src/plan/contract-forecast.js";
import { contractRisk } from "../../src/plan/contract-risk.js";
import type { HistoryModel } from "../../src/train/history-model.js";
import { DAY, HOUR, type World } from "./backtest-world.js";
import { table } from "./report.js";

interface Sample {
  /** Forecast risk within day 1 and within 7 days, per method. */
  p1: number[];
  p7: number[];
  y1: number;
  y7: number;
  /** The 7 days lie within the simulated span. */
  whole: boolean;
}

const SHIFTS = 21;
export const BINS = [0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.000001];

export class ForecastCheck {
  private samples: Sample[] = [];
  constructor(
    private readonly world: World,
    readonly methods: ForecastMethod[],
  ) {}

  /** The morning at `start`: every machine's forecast per method, and what followed in the world. */
  morning(model: HistoryModel, start: number): void {
    const tasks = model.contract.tasks;
    if (!tasks) return;
    const machines = this.world.machinesAt(model, featurePlan(model.contract), start);
    const runs = this.methods.map((forecast) =>
      contractRisk({ model, tasks, machines, start, shifts: SHIFTS, shiftHours: 8, forecast }),
    );
    const sim = this.world.sim;
    const end = sim.startMs + sim.hours * HOUR;
    runs[0].forEach((fc, i) => {
      const index = sim.machines.findIndex((m) => m.id === fc.machine.id);
      fc.heads.forEach((h, k) => {
        const next = sim.failures.find((f) => f.machine === index && f.component === h.head && f.ms >= start);
        const at = next ? next.ms - start : Number.POSITIVE_INFINITY;
        this.samples.push({
          p1: runs.map((r) => cumulative(r[i].heads[k].hazard, 0, 3)),
          p7: runs.map((r) => cumulative(r[i].heads[k].hazard, 0, SHIFTS)),
          y1: at < DAY ? 1 : 0,
          y7: at < 7 * DAY ? 1 : 0,
          whole: start + 7 * DAY <= end,
        });
      });
    });
  }

  /** Markdown: Brier scores per method and window, and the 7-day calibration table. */
  report(): string {
    const rows: (string | number)[][] = [];
    const f4 = (v: number) => v.toFixed(4);
    for (const [label, pick, ys] of [
      ["first day", (s: Sample) => s.p1, (s: Sample) => s.y1],
      ["7 days", (s: Sample) => s.p7, (s: Sample) => s.y7],
    ] as const) {
      const xs = this.samples.filter((s) => label === "first day" || s.whole);
      const rate = xs.reduce((a, s) => a + ys(s), 0) / xs.length;
      const ref = xs.reduce((a, s) => a + (rate - ys(s)) ** 2, 0) / xs.length;
      this.methods.forEach((m, j) => {
        const brier = xs.reduce((a, s) => a + (pick(s)[j] - ys(s)) ** 2, 0) / xs.length;
        const mean = xs.reduce((a, s) => a + pick(s)[j], 0) / xs.length;
        rows.push([
          label,
          m,
          xs.length,
          f4(brier),
          f4(ref),
          `${(100 * (1 - brier / ref)).toFixed(1)} %`,
          f4(mean),
          f4(rate),
        ]);
      });
    }
    const cal: (string | number)[][] = [];
    for (let b = 0; b + 1 < BINS.length; b++) {
      const cells: (string | number)[] = [`${BINS[b]}–${Math.min(1, BINS[b + 1]).toFixed(2)}`];
      this.methods.forEach((_, j) => {
        const xs = this.samples.filter((s) => s.whole && s.p7[j] >= BINS[b] && s.p7[j] < BINS[b + 1]);
        const mean = xs.reduce((a, s) => a + s.p7[j], 0) / (xs.length || 1);
        const rate = xs.reduce((a, s) => a + s.y7, 0) / (xs.length || 1);
        cells.push(xs.length ? `${xs.length}: ${f4(mean)} / ${f4(rate)}` : "–");
      });
      cal.push(cells);
    }
    return `${table(["window", "forecast", "part-mornings", "Brier", "Brier of the observed rate", "skill", "mean forecast", "observed rate"], rows)}

7-day calibration (part-mornings in the bin: mean forecast / observed failure rate):

${table(["forecast risk within 7 days", ...this.methods], cal)}`;
  }
}

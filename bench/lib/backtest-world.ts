// The plan backtest's world: the historian simulator re-run under a maintenance policy (a task done
// really replaces the part, historian-life.ts), its export written as the contract's CSV files, read
// back through the contract as a user's export would be, and the weekly model trained on what was
// known at the week's start. One run per policy and change; a replacement at hour h changes nothing
// before h, so the history a planner saw stays true after its tasks are added.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Contract } from "../../src/contract/types.js";
import { type ContractData, readContractData } from "../../src/data/contract-data.js";
import { type Historian, simulateHistorian } from "../../src/data/historian.js";
import { historianToCsv } from "../../src/data/historian-csv.js";
import { buildFeatures } from "../../src/features/build.js";
import type { KnownEvent } from "../../src/features/forecast-row.js";
import type { FeaturePlan } from "../../src/features/plan.js";
import { planMachine } from "../../src/plan/contract-machines.js";
import type { PlanMachine } from "../../src/plan/contract-forecast.js";
import type { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import type { HistoryModel } from "../../src/train/history-model.js";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Task {
  machine: number;
  component: string;
  hour: number;
}

/** The simulation's export cut at `cutMs` (rows and events before it), as the shop would have it then. */
function cut(h: Historian, cutMs: number): Historian {
  const hours = Math.min(h.hours, Math.round((cutMs - h.startMs) / HOUR));
  const before = <T extends { ms: number }>(xs: T[]) => xs.filter((x) => x.ms < cutMs);
  return {
    ...h,
    hours,
    machines: h.machines.map((m) => ({
      ...m,
      readings: Object.fromEntries(
        Object.entries(m.readings).map(([k, xs]) => [k, xs ? xs.subarray(0, hours) : null]),
      ) as typeof m.readings,
    })),
    alarms: before(h.alarms),
    maintenance: before(h.maintenance),
    failures: before(h.failures),
  };
}

/** Writes the export into `dir` and returns the contract's file overrides for it. */
function writeExport(h: Historian, dir: string) {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(historianToCsv(h))) writeFileSync(join(dir, name), text);
  return {
    telemetry: join(dir, "telemetry.csv"),
    events: {
      alarms: join(dir, "alarms.csv"),
      maintenance: join(dir, "maintenance.csv"),
      failures: join(dir, "failures.csv"),
    },
  };
}

export interface WorldOptions {
  dir: string;
  machines: number;
  days: number;
  seed: number;
  /** Hour at which the shop's fixed-interval PM stops (the policy's start); Infinity = never. */
  scheduledUntil: number;
}

export class World {
  sim: Historian;
  private tasks: Task[] = [];
  private features: {
    model: HistoryModel;
    data: ContractData;
    X: { data: Float64Array; nCols: number };
  } | null = null;
  private runs = 0;
  constructor(private readonly o: WorldOptions) {
    this.sim = this.simulate();
  }

  private simulate(): Historian {
    return simulateHistorian({
      machines: this.o.machines,
      days: this.o.days,
      seed: this.o.seed,
      policy: { maintenance: this.tasks, scheduledUntil: this.o.scheduledUntil },
    });
  }

  get done(): readonly Task[] {
    return this.tasks;
  }

  /** Tasks done: the simulation is re-run with them (the past before each stays as it was). */
  add(tasks: Task[]): void {
    if (tasks.length === 0) return;
    this.tasks.push(...tasks);
    this.sim = this.simulate();
    this.features = null;
  }

  /** A model trained on the export as it stood at `cutMs`; the last week is its test period. */
  train(contract: Contract, text: string, registry: ModelRegistry, cutMs: number): HistoryModel {
    const files = writeExport(cut(this.sim, cutMs), join(this.o.dir, `train-${this.runs++}`));
    const data = readContractData(contract, { learn: true, labels: "require", ...files });
    const { version } = trainHistoryAndRegister(registry, data, text, {
      seed: 1,
      split: { by: "time", testFrom: cutMs - 7 * DAY },
      ...(process.env.BACKTEST_PARAMS ? { params: JSON.parse(process.env.BACKTEST_PARAMS) } : {}),
    });
    return registry.historyModel(version);
  }

  /** Each machine's newest feature row before `t` (features at t see only data at or before t). */
  machinesAt(model: HistoryModel, plan: FeaturePlan, t: number): PlanMachine[] {
    if (this.features?.model !== model) {
      const files = writeExport(this.sim, join(this.o.dir, `now-${this.runs++}`));
      const data = readContractData(model.contract, { learn: false, labels: "no", ...files });
      this.features = { model, data, X: buildFeatures(plan, data) };
    }
    const { data, X } = this.features;
    const tele = data.telemetry;
    const last = new Int32Array(tele.machines.length).fill(-1);
    for (let i = 0; i < tele.n; i++) if (tele.time[i] < t) last[tele.machine[i]] = i;
    const later: KnownEvent[] = [];
    return tele.machines.map((id, m) =>
      planMachine(model.contract, plan, id, {
        time: tele.time[last[m]],
        row: X.data.slice(last[m] * X.nCols, (last[m] + 1) * X.nCols),
        later,
      }),
    );
  }
}

// `millwright plan` when the champion is a data-contract model: the machines' newest feature rows
// from the telemetry file (the contract's, or --data) and its event files, technicians from
// --technicians, tasks and costs from the contract stored with the model version.
import { parseCostsFile } from "../../plan/costs-file.js";
import type { ContractTasks } from "../../contract/types.js";
import { readFileSync } from "node:fs";
import { readContractData } from "../../data/contract-data.js";
import type { KnownEvent } from "../../features/forecast-row.js";
import { buildFeatures } from "../../features/build.js";
import { featurePlan } from "../../features/plan.js";
import { type ContractPlan, makeContractPlan, planStartTime } from "../../plan/contract-plan.js";
import { newestRows, planMachine } from "../../plan/contract-machines.js";
import type { PlanMachine } from "../../plan/contract-forecast.js";
import { parseTechnicians } from "../../plan/config.js";
import type { HistoryModel } from "../../train/history-model.js";
import { MillwrightError } from "../../core/errors.js";
import { eventsOpt } from "../contract-opts.js";

export interface ContractPlanArgs {
  technicians: string;
  data?: string;
  events?: unknown;
  horizonShifts: number;
  solver?: "mip" | "greedy";
  /** contract-options.ts worthPlanning; the planner's default when not given. */
  minReturn?: number;
}

export function readTechniciansFile(file: string) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new MillwrightError("MW_CONFIG", `${file}: technicians file not found`, { file });
  }
  return parseTechnicians(text, file);
}

/** `plan --costs FILE`: the contract's tasks: key in a file of its own, checked against the model's contract. */
export function readCostsFile(file: string, m: HistoryModel): ContractTasks {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new MillwrightError("MW_CONFIG", `${file}: costs file not found`, { file });
  }
  return parseCostsFile(text, file, m);
}

/** Each machine's newest feature row from the telemetry and event files, as the model's contract reads them. */
export function contractMachines(m: HistoryModel, data?: string, events?: unknown): PlanMachine[] {
  const telemetry = data;
  if (!telemetry && m.contract.telemetry.length === 0)
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `--data is required: the contract of model ${m.version} names no telemetry file`,
    );
  const d = readContractData(m.contract, {
    telemetry,
    events: eventsOpt(events),
    learn: false,
    labels: "no",
  });
  for (const w of d.warnings) process.stderr.write(`warning: ${w}\n`);
  const plan = featurePlan(m.contract);
  const X = buildFeatures(plan, d);
  const t = d.telemetry;
  // Events after a machine's newest row (maintenance logged after the export's last reading).
  const later = (machine: number, after: number): KnownEvent[] => {
    const out: KnownEvent[] = [];
    const tables = d.events.map((e, i) => ({ e, table: i }));
    if (d.resets) tables.push({ e: d.resets.failures, table: d.resets.table });
    for (const { e, table } of tables)
      for (let i = 0; i < e.n; i++)
        if (e.machine[i] === machine && e.time[i] > after)
          out.push({ table, kind: e.kind[i], time: e.time[i] });
    return out;
  };
  return newestRows(t.machines, t.machine, t.time, X.data, X.nCols, later).map((r) =>
    planMachine(m.contract, plan, r.id, r.state),
  );
}

export async function planContract(m: HistoryModel, a: ContractPlanArgs): Promise<ContractPlan> {
  const technicians = readTechniciansFile(a.technicians);
  const machines = contractMachines(m, a.data, a.events);
  return makeContractPlan({
    model: m,
    machines,
    technicians,
    techniciansFile: a.technicians,
    // The plan starts where the data ends: a file is a snapshot, and its "now" is its newest reading.
    // One machine whose clock runs ahead does not move it (core/fleet-time.ts; the server's plan alike).
    startTime: planStartTime(m, machines),
    horizonShifts: a.horizonShifts,
    timeLimitSeconds: 10,
    madeAt: new Date(),
    solver: a.solver,
    minReturn: a.minReturn,
  });
}

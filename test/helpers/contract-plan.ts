// The seeded plan the contract planner's tests check: the trained historian shop's model with cheap
// tasks (so a plan has many of them), two technicians, three weeks of shifts.
import { makeContractPlan } from "../../src/plan/contract-plan.js";
import type { PlanMachine } from "../../src/plan/contract-forecast.js";
import type { Technician } from "../../src/plan/types.js";
import type { HistoryModel } from "../../src/train/history-model.js";

export const ALL: Technician[] = [
  { name: "Ana", skills: ["*"], hoursPerShift: 8 },
  { name: "Ben", skills: ["spindle", "axes", "coolant", "tool_changer"], hoursPerShift: 8 },
];

/** The same model with cheap tasks, so a seeded plan has many of them to check. */
export function cheap(m: HistoryModel): HistoryModel {
  const c = structuredClone(m.contract.tasks!);
  for (const h of c.heads) if (h.task) Object.assign(h.task, { hours: 1, partsCost: 20 });
  return { ...m, contract: { ...m.contract, tasks: c } };
}

export type PlanOptions = Partial<Parameters<typeof makeContractPlan>[0]>;

export const seededPlan = (model: HistoryModel, machines: PlanMachine[], over: PlanOptions = {}) =>
  makeContractPlan({
    model: cheap(model),
    machines,
    technicians: ALL,
    startTime: new Date(Math.max(...machines.map((x) => x.state.time))),
    horizonShifts: 21,
    madeAt: new Date("2026-12-03T00:00:00Z"),
    ...over,
  });

// Issue 16's solve-time target for the contract planner: 100 machines × 7 days × 3 shifts × 10
// technicians, optimal or a reported gap ≤ 1 % within 10 s. The machines are a 100-machine historian
// fleet (seed 7) run to failure for 60 days (old parts: many candidates worth planning), scored by the
// backtest's last weekly model.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { historianToCsv } from "../../src/data/historian-csv.js";
import { featurePlan } from "../../src/features/plan.js";
import { parseTechnicians } from "../../src/plan/config.js";
import { makeContractPlan } from "../../src/plan/contract-plan.js";
import type { HistoryModel } from "../../src/train/history-model.js";
import { DAY, HOUR, World } from "./backtest-world.js";
import { machineLine, table, writeSection } from "./report.js";

const MACHINES = 100;
const DAYS = 60;
// Failure costs × these factors: at the contract's own costs few tasks pay off on a given morning, so
// the solver's instance is small; scaled up, most candidates are worth planning and capacity binds.
const SCALES = [1, 10, 100];

// 10 technicians over all three shifts, each skill held by several of them.
const TECHNICIANS = `technicians:
${[
  ["spindle", "axes"],
  ["spindle", "axes"],
  ["spindle"],
  ["axes", "coolant"],
  ["coolant", "tool_changer"],
  ["coolant", "tool_changer"],
  ["tool_changer", "axes"],
  ["*"],
  ["*"],
  ["spindle", "coolant"],
]
  .map(
    (skills, i) =>
      `  - { name: T${i + 1}, skills: [${skills.map((s) => JSON.stringify(s)).join(", ")}], hours_per_shift: 6, shifts: [${["day", "evening", "night"][i % 3]}, ${["evening", "night", "day"][i % 3]}] }`,
  )
  .join("\n")}
`;

function scaled(model: HistoryModel, k: number): HistoryModel {
  const t = model.contract.tasks!;
  const heads = t.heads.map((h) => ({
    ...h,
    failure: { ...h.failure, costPerHour: h.failure.costPerHour * k, repairCost: h.failure.repairCost * k },
  }));
  return { ...model, contract: { ...model.contract, tasks: { ...t, heads } } };
}

export async function solveTimeSection(dir: string, model: HistoryModel): Promise<void> {
  const technicians = parseTechnicians(TECHNICIANS, "bench technicians");
  const w = new World({
    dir: join(dir, "size"),
    machines: MACHINES,
    days: DAYS,
    seed: 7,
    scheduledUntil: 0,
  });
  // The contract reads the machines table from dir/historian: the same seed gives the backtest's 24
  // machines the same make and age, and adds the other 76.
  writeFileSync(join(dir, "historian", "machines.csv"), historianToCsv(w.sim)["machines.csv"]);
  const plan = featurePlan(model.contract);
  const rows: (string | number)[][] = [];
  const start = w.sim.startMs + (DAYS - 1) * DAY + 6 * HOUR;
  const machines = w.machinesAt(model, plan, start);
  for (const k of SCALES) {
    const common = {
      model: scaled(model, k),
      machines,
      technicians,
      startTime: new Date(start),
      horizonShifts: 21,
    };
    const mip = await makeContractPlan({
      ...common,
      madeAt: new Date(start),
      solver: "mip",
      timeLimitSeconds: 10,
    });
    const greedy = await makeContractPlan({ ...common, madeAt: new Date(start), solver: "greedy" });
    const s = mip.summary;
    rows.push([
      `× ${k}`,
      `${s.candidates} (${s.pruned_no_value} no value)`,
      `${s.variables} / ${s.constraints}`,
      mip.status,
      mip.gap === null ? "–" : `${(100 * mip.gap).toFixed(2)} %`,
      Math.round(mip.solve_ms),
      mip.tasks.length,
      Math.round(mip.objective),
      Math.round(greedy.objective),
      Math.round(greedy.solve_ms),
    ]);
    console.log(rows[rows.length - 1].join(" | "));
  }
  const met = rows.every(
    (r) => r[3] === "optimal" || (r[3] === "time_limit" && Number.parseFloat(String(r[4])) <= 1),
  );
  const body = `Issue 16's target: ${MACHINES} machines × 7 days × 3 shifts × 10 technicians, optimal or a reported gap ≤ 1 % within 10 s (bench/lib/plan-size.ts, run by bench/plan-backtest.js). A ${MACHINES}-machine historian fleet (seed 7, the backtest's 24 machines and 76 more) run to failure for ${DAYS} days, so many parts are old and worth a task; scored by the backtest's last weekly MIP model; 10 technicians over the three shifts (each skill held by 4–6 of them, 6 h a shift); the contract planner (makeContractPlan, HiGHS, time limit 10 s) on the fleet's last morning, with the contract's failure costs × 1, × 10 and × 100 (at its own costs few tasks pay off, so the instance is small; scaled up, many more are worth a task and compete for the technicians' hours). Candidates = every (machine, task, shift, technician) option, 100 × 4 × 21 × 10; those that avoid less than they cost, lack the skill or shift, or fall within a min_interval are pruned, and the rest are the MIP's variables; objective = expected failure cost avoided − task cost.

${table(["failure costs", "candidates (pruned: no value)", "variables / constraints", "status", "gap", "MIP ms", "tasks", "MIP objective", "greedy objective", "greedy ms"], rows)}

Target ${met ? "**met**" : "**not met**"} on this box.

${machineLine()}`;
  writeSection("Plan solve time (100 machines)", body);
  console.log(body);
}

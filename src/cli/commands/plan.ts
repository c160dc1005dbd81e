import { MillwrightError } from "../../core/errors.js";
import { loadCsvFile } from "../../data/load.js";
import type { Reading } from "../../data/schema.js";
import type { MachineHistory } from "../../plan/forecast.js";
import { PLAN_HELP } from "../../plan/plan.js";
import { parseHorizon } from "../../plan/shifts.js";
import { historyModelFromJSON, isHistoryModelJSON } from "../../train/history-model.js";
import { loadPlanningConfig, planFor } from "../../plan/planning.js";
import { createStore } from "../../store/index.js";
import { readConfig, sqlitePath } from "../config.js";
import { out, parse, outThen, outJsonThen, type Options } from "../io.js";
import { registryOpt } from "../model-opts.js";
import { planContract } from "./plan-contract.js";

const HELP = `${PLAN_HELP.trimEnd()}

Machine histories come from the prediction log (MILLWRIGHT_DATA_DIR or DATABASE_URL), or from a
fleet CSV with machine_id (--data FILE, e.g. the output of \`millwright simulate\`).

When the champion is a data-contract model, the tasks and failure costs come from its contract's
\`tasks:\` key (--costs is not used), the machines' history from the contract's telemetry and event
files (--data TELEMETRY.csv and --events NAME=FILE override them), and the plan starts at the newest
reading in the data. --greedy plans with the greedy baseline instead of the exact MIP.`;

async function historiesFromLog(): Promise<MachineHistory[]> {
  const cfg = readConfig();
  const store = await createStore({ databaseUrl: cfg.databaseUrl, sqlitePath: sqlitePath(cfg) });
  const by = new Map<string, MachineHistory>();
  try {
    for await (const p of store.queryPredictions({ limit: 20_000 })) add(by, p.reading);
  } finally {
    await store.close();
  }
  return [...by.values()];
}

function add(by: Map<string, MachineHistory>, r: Reading): void {
  if (!r.machine_id) return;
  let h = by.get(r.machine_id);
  if (!h) by.set(r.machine_id, (h = { id: r.machine_id, model: r.machine_model ?? "unknown", history: [] }));
  h.history.push(r);
  if (h.history.length > 100) h.history.shift();
}

const OPTIONS: Options = {
  strings: ["technicians", "costs", "horizon", "registry", "data"],
  flags: ["json", "greedy"],
  lists: ["events"],
};

export async function planCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, OPTIONS, HELP);
  if (values.help) return outThen(HELP, 0);
  if (!values.technicians) throw new MillwrightError("MW_BAD_INPUT", `--technicians is required\n\n${HELP}`);
  const registry = registryOpt(values);
  const stored = registry.readModelJson("champion");
  if (isHistoryModelJSON(stored.obj)) {
    if (values.costs)
      process.stderr.write(
        "warning: --costs is not used: a contract model's costs are its contract's tasks\n",
      );
    const plan = await planContract(historyModelFromJSON(stored.obj, stored.file), {
      technicians: values.technicians as string,
      data: values.data as string | undefined,
      events: values.events,
      horizonShifts: parseHorizon((values.horizon as string | undefined) ?? "7d"),
      solver: values.greedy ? "greedy" : "mip",
    });
    if (values.json) return outJsonThen(plan, 0);
    out(
      `plan ${plan.status} by model ${plan.model.version} from data up to ${plan.data_time}, made ${plan.made_at}: ${plan.tasks.length} tasks, avoids ${plan.summary.avoided_cost.toFixed(0)} for ${plan.summary.planned_cost.toFixed(0)}`,
    );
    for (const t of plan.tasks)
      out(`  ${t.shift.label.padEnd(10)} ${t.technician.padEnd(14)} ${t.machine_id} ${t.task}: ${t.why}`);
    for (const u of plan.unplanned_risks)
      out(`  unplanned ${u.machine_id} ${u.head} (${(u.risk * 100).toFixed(0)} %): ${u.reason}`);
    for (const w of plan.warnings) out(`warning: ${w}`);
    return 0;
  }
  const config = loadPlanningConfig(values.technicians as string, values.costs as string | undefined);
  const bundle = registry.load("champion");
  let machines: MachineHistory[];
  let start = new Date();
  if (values.data) {
    const by = new Map<string, MachineHistory>();
    const rows = loadCsvFile(values.data as string).rows;
    for (const r of rows) add(by, r);
    machines = [...by.values()];
    const last = rows[rows.length - 1]?.timestamp;
    if (last && !Number.isNaN(Date.parse(last))) start = new Date(last);
    if (machines.length === 0)
      throw new MillwrightError("MW_BAD_INPUT", `${String(values.data)}: no machine_id column or values`);
  } else machines = await historiesFromLog();
  if (machines.length === 0)
    throw new MillwrightError(
      "MW_BAD_INPUT",
      "no machine histories in the prediction log: pass --data FLEET.csv",
    );
  const plan = await planFor({
    machines,
    bundle,
    config,
    horizonShifts: parseHorizon((values.horizon as string | undefined) ?? "7d"),
    startTime: start,
  });
  if (values.json) return outJsonThen(plan, 0);
  out(
    `plan ${plan.status} (gap ${plan.gap === null ? "n/a" : `${(plan.gap * 100).toFixed(2)} %`}, ${plan.solve_ms.toFixed(0)} ms): objective ${plan.objective.toFixed(0)}, ${plan.tasks.length} tasks`,
  );
  for (const t of plan.tasks)
    out(
      `  ${t.shift.label.padEnd(10)} ${t.technician.padEnd(12)} ${t.machine_id} ${t.task.padEnd(16)} ${t.why}`,
    );
  for (const w of plan.warnings) out(`warning: ${w}`);
  return 0;
}

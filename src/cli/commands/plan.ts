import { MillwrightError } from "../../core/errors.js";
import { DEFAULT_MIN_RETURN } from "../../plan/contract-options.js";
import { PLAN_HELP } from "../../plan/plan.js";
import { parseHorizon } from "../../plan/shifts.js";
import { historyModelFromJSON, isHistoryModelJSON } from "../../train/history-model.js";
import { numOpt, out, parse, outThen, outJsonThen, type Options } from "../io.js";
import { refuseAi4iModel, registryOpt } from "../model-opts.js";
import { planContract } from "./plan-contract.js";

const HELP = `${PLAN_HELP.trimEnd()}

The champion is a data-contract model (a model of the retired AI4I app is refused, exit 2): the
tasks and failure costs come from its contract's \`tasks:\` key (--costs is not used), the
machines' history from the contract's telemetry and event files (--data TELEMETRY.csv and --events
NAME=FILE override them), and the plan starts at the newest reading in the data. A technician's
skill that no task asks for (skills match exactly) is a warning naming the skills the tasks use.
--greedy plans with the greedy baseline instead of the exact MIP.
--min-return R plans a task only when its expected avoided failure cost is at least (1 + R) × its
cost (default ${DEFAULT_MIN_RETURN}; 0.2 = 20 % over its cost); the plan still maximises avoided − cost.`;

const OPTIONS: Options = {
  strings: ["technicians", "costs", "horizon", "registry", "data", "min-return"],
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
      minReturn: numOpt(values, "min-return"),
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
  // The AI4I app's plan (from its prediction log or a fleet CSV) went with the app (docs/one-server.md).
  return refuseAi4iModel(stored.version, "plan");
}

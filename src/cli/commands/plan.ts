import { MillwrightError } from "../../core/errors.js";
import { money } from "../../plan/contract-report.js";
import { PLAN_HELP } from "../../plan/plan.js";
import { parseHorizon } from "../../plan/shifts.js";
import { historyModelFromJSON, isHistoryModelJSON } from "../../train/history-model.js";
import { numOpt, out, parse, outThen, outJsonThen, type Options } from "../io.js";
import { refuseAi4iModel, registryOpt } from "../model-opts.js";
import { planContract, readCostsFile } from "./plan-contract.js";
import { withTasks } from "../../plan/costs-file.js";

const HELP = `${PLAN_HELP.trimEnd()}

The champion must be a data-contract model (a model of the retired AI4I app is refused, exit 2).
A technician's skill that no task asks for (skills match exactly) is a warning naming the
skills the tasks use.`;

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
    const trained = historyModelFromJSON(stored.obj, stored.file);
    const model = values.costs ? withTasks(trained, readCostsFile(values.costs as string, trained)) : trained;
    const plan = await planContract(model, {
      technicians: values.technicians as string,
      data: values.data as string | undefined,
      events: values.events,
      horizonShifts: parseHorizon((values.horizon as string | undefined) ?? "7d"),
      solver: values.greedy ? "greedy" : "mip",
      minReturn: numOpt(values, "min-return"),
    });
    if (values.json) return outJsonThen(plan, 0);
    const currency = model.contract.tasks?.currency ?? "";
    out(
      `plan ${plan.status} by model ${plan.model.version} from data up to ${plan.data_time}, made ${plan.made_at}: ${plan.tasks.length} tasks, avoids ${money(plan.summary.avoided_cost, currency)} of expected failure cost for ${money(plan.summary.planned_cost, currency)} of work and parts`,
    );
    const clock = plan.horizon.clock ?? "UTC";
    out(
      `shifts of ${plan.horizon.shift_hours} h on ${clock} time, ${plan.horizon.labels[0]} ${plan.horizon.start} to ${plan.horizon.labels[plan.horizon.labels.length - 1]}${model.contract.time?.zone ? "" : " (the contract has no time.zone: set it to plan on the shop's own clock)"}`,
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

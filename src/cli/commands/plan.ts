import { MillwrightError } from "../../core/errors.js";
import { money } from "../../plan/contract-report.js";
import { PLAN_HELP } from "../../plan/plan.js";
import { parseHorizon } from "../../plan/shifts.js";
import { historyModelFromJSON, isHistoryModelJSON } from "../../train/history-model.js";
import { numOpt, out, parse, outThen, outJsonThen, type Options } from "../io.js";
import { refuseAi4iModel, registryOpt } from "../model-opts.js";
import { planContract, readCostsFile } from "./plan-contract.js";
import { withTasks } from "../../plan/costs-file.js";
import type { ContractPlan } from "../../plan/contract-plan.js";
import type { ServedPlan } from "../../plan/served-plan.js";

const HELP = `${PLAN_HELP.trimEnd()}

The champion must be a data-contract model (a model of the retired AI4I app is refused, exit 2).
A technician's skill that no task asks for (skills match exactly) is a warning naming the
skills the tasks use.`;

const OPTIONS: Options = {
  strings: ["technicians", "costs", "horizon", "registry", "data", "min-return", "url"],
  flags: ["json", "greedy"],
  lists: ["events"],
};

export async function planCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, OPTIONS, HELP);
  if (values.help) return outThen(HELP, 0);
  if (values.url) return servedPlan(values.url as string, values.json === true);
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
    printPlan(plan, model.contract.tasks?.currency ?? "", !!model.contract.time?.zone);
    return 0;
  }
  // The AI4I app's plan (from its prediction log or a fleet CSV) went with the app (docs/one-server.md).
  return refuseAi4iModel(stored.version, "plan");
}

/**
 * `plan --url`: the plan a running server holds (GET /v1/plan: made from the history it logged, the
 * technicians and costs it was given), printed as a plan made here is (trial 3: the CLI could only
 * plan from the export files, a week behind the server's data). No token: GET /v1/plan is open.
 */
async function servedPlan(url: string, json: boolean): Promise<number> {
  const at = `${url.replace(/\/+$/, "")}/v1/plan`;
  let r: Response;
  try {
    r = await fetch(at, { signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    throw new MillwrightError("MW_BAD_INPUT", `--url: cannot reach ${at}: ${(e as Error).message}`);
  }
  const body = (await r.json().catch(() => null)) as (ServedPlan & { detail?: string; code?: string }) | null;
  if (!r.ok || !body?.horizon || !Array.isArray(body.tasks))
    throw new MillwrightError(
      body?.code === "MW_CONFIG" ? "MW_CONFIG" : "MW_BAD_INPUT",
      `${at}: ${r.status} ${body?.detail ?? "not a plan"}`,
    );
  if (json) return outJsonThen(body, 0);
  if (body.stale)
    out(`stale: ${body.stale_reason ?? "re-planning"}; the server is making a new one (ask again)`);
  printPlan(body, body.currency, body.horizon.clock !== "UTC");
  // What the technicians marked (the Plan page's "Done and skipped"), newest last.
  for (const o of body.outcomes ?? [])
    out(
      `  ${o.status.padEnd(8)} ${o.machine_id} ${o.task} (${o.shift}) at ${o.at}${o.reason ? `: ${o.reason}` : ""}`,
    );
  // The week's score (the Plan page's "This week: planned and done"; plan/week.ts).
  const w = body.week;
  if (w) {
    const n = (k: keyof typeof w.by_status) => `${w.by_status[k].tasks} ${k.replace("_", " ")}`;
    out(
      `week from ${w.start}: ${w.planned.tasks} jobs planned (${w.planned.hours} h): ${n("done")}, ${n("skipped")}, ${n("not_marked")}, ${n("in_progress")}, ${n("to_come")}`,
    );
  }
  return 0;
}

function printPlan(plan: ContractPlan | ServedPlan, currency: string, zoned: boolean): void {
  // A served plan's totals leave skipped tasks out (keeper.ts): say how many, and what they were worth.
  const skipped = "skipped" in plan.summary ? plan.summary.skipped : null;
  const left = skipped?.tasks
    ? ` (${skipped.tasks} skipped, not counted: ${money(skipped.avoided_cost, currency)} for ${money(skipped.planned_cost, currency)})`
    : "";
  out(
    `plan ${plan.status} by model ${plan.model.version} from data up to ${plan.data_time}, made ${plan.made_at}: ${plan.tasks.length - (skipped?.tasks ?? 0)} tasks, avoids ${money(plan.summary.avoided_cost, currency)} of expected failure cost for ${money(plan.summary.planned_cost, currency)} of work and parts${left}`,
  );
  const clock = plan.horizon.clock ?? "UTC";
  out(
    `shifts of ${plan.horizon.shift_hours} h on ${clock} time, ${plan.horizon.labels[0]} ${plan.horizon.start} to ${plan.horizon.labels[plan.horizon.labels.length - 1]}${zoned ? "" : " (the contract has no time.zone: set it to plan on the shop's own clock)"}`,
  );
  for (const t of plan.tasks)
    out(
      `  ${t.shift.label.padEnd(10)} ${t.technician.padEnd(14)} ${t.machine_id} ${t.task}: ${t.why}${t.carried ? " [in progress (this shift)]" : ""}${t.status && t.status !== "planned" ? ` [${t.status}]` : ""}`,
    );
  for (const u of plan.unplanned_risks)
    out(`  unplanned ${u.machine_id} ${u.head} (${(u.risk * 100).toFixed(0)} %): ${u.reason}`);
  for (const w of plan.warnings) out(`warning: ${w}`);
}

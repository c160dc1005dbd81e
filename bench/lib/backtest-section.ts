// The plan backtest's section of BENCHMARKS.md: the policies' table, the forecast checks and issue
// 16's targets, in words a reader checks against the numbers (bench/plan-backtest.ts runs it).
import { machineLine, table } from "./report.js";

export interface Row {
  failures: number;
  tasks: number;
  downtime: number;
  failureCost: number;
  taskCost: number;
  solveMs: number;
  maxSolveMs: number;
  trainS: number;
  seen: string;
  trees: string;
  /** Weeks that kept the previous model (no failure in the new test week). */
  kept: number;
}

export interface SectionInput {
  machines: number;
  seed: number;
  horizons: string[];
  trainDays: number;
  weeks: number;
  forecast: string;
  minReturn: number;
  totalS: number;
  results: [string, Row][];
  mips: Row[];
  forecastTable: string;
  ownTable: string;
}

/** The table rows (also printed) and the section's markdown. */
export function backtestSection(o: SectionInput): { rows: (string | number)[][]; body: string } {
  const { machines: MACHINES, seed: SEED, horizons: HORIZONS, trainDays: TRAIN_DAYS, weeks: WEEKS } = o;
  const { forecast: FORECAST, minReturn, totalS, results, mips, forecastTable, ownTable } = o;
  const money = (v: number) => Math.round(v).toLocaleString("en-GB");
  const rows = results.map(([name, r]) => [
    name,
    r.failures,
    r.tasks,
    r.downtime,
    money(r.failureCost),
    money(r.taskCost),
    money(r.failureCost + r.taskCost),
    r.seen,
    r.solveMs ? `${Math.round(r.solveMs)} (max ${Math.round(r.maxSolveMs)})` : "–",
    r.trainS ? `${r.trainS.toFixed(0)}${r.kept ? ` (${r.kept} kept)` : ""}` : "–",
  ]);
  const total = (r: Row) => r.failureCost + r.taskCost;
  const [a, b, c] = results.map(([, r]) => r);
  const d = mips.reduce((x, y) => (total(y) < total(x) ? y : x));
  const dName = results.find(([, r]) => r === d)![0];
  const trees = HORIZONS.map((h, i) => `${h}: ${mips[i].trees}`).join("; ");
  // Why, in the numbers above: a planner can only prevent what the model sees coming for that part,
  // and a task is worth planning only when re-scoring the machine with the part replaced lowers that risk.
  const why =
    "A plan prevents a failure only when the model's probability for that part rises ahead of it, above the fleet's median for that part (a replacement's risk after is at most that median: src/plan/contract-risk.ts). The part heads are trained on the few failures of each part in the history (early stopping on a validation week stops most of them after a few trees; the counts above), so most move little with the part's signals or age, and many failures are not seen in time.";
  const cheaper = total(d) < Math.min(total(a), total(b), total(c));
  const fewer = d.failures <= 0.5 * a.failures;
  const body = `Historian fleet, ${MACHINES} machines, seed ${SEED}, contract examples/contracts/historian.yaml with its failure horizon (24 h)${HORIZONS.length > 1 ? ` and ${HORIZONS.filter((h) => h !== "24h").join(", ")} (a longer one can see a failure coming early enough to plan its task)` : ""}. The first ${TRAIN_DAYS} days ran under the shop's fixed-interval PM in every policy; then ${WEEKS} weeks were replayed per policy by re-running the simulator with that policy (historian-life.ts: a task done replaces the part, so a prevented failure is gone and the new part ages from zero; nothing before a task changes). The planners retrain every week on their own history as it stood at the week's start (time split, the last week as test), and every morning at 06:00 plan the next 7 days (21 shifts, the technicians of ${process.env.BACKTEST_TECHNICIANS ?? "examples/contracts/historian-technicians.yaml"}); the day's tasks are done.${minReturn > 0 ? ` Both planners plan a task only when it avoids at least ${Math.round(minReturn * 100)} % more than it costs (min_return ${minReturn}).` : ""} Costs and downtime are the contract's: a failure costs its downtime × cost per hour + repair, a task its hours × planned cost per hour + parts (a PM swap is costed as that part's task). Downtime counts a failure's downtime_hours and each task's hours. "Seen" = failures and planned replacements with a morning plan in the horizon before them where the model's probability for that kind was above 10 %. Whole run ${totalS.toFixed(0)} s.${process.env.BACKTEST_PARAMS ? ` GBDT parameters changed for this run: ${process.env.BACKTEST_PARAMS}.` : ""}

${table(["policy", "failures", "tasks / swaps", "downtime h", "failure cost", "maintenance cost", "total cost", "seen", "solve ms, 56 plans", "train s, 8 models"], rows)}

The last weekly model of each MIP row, trees per head: ${trees}. ${why}${results.some(([, r]) => r.kept) ? ' "Kept": weeks whose new test week had no failure to evaluate a model on, so the policy planned on with its previous model.' : ""}

The forecast against what happened: every morning of the ${HORIZONS[0]} MIP row's weeks, that week's model forecast each part's risk (within the first day, and within the 7 planned days) on the run-to-failure fleet of row (a), where no task cuts a failure short, and the part failed then or not. The planners used **${FORECAST}**. Skill = 1 − Brier / Brier of the observed rate (0: no better than knowing the base rate).

${forecastTable}

The same in the planner's own world: every morning's forecast of the ${HORIZONS[0]} MIP row (the risks its plan used) against what then happened in that replayed world; a part replaced by a task before it failed and before the window ended is left out (its outcome is unknown; bench/lib/plan-forecast-check.ts). Skill vs persistence = 1 − Brier / Brier of persistence's forecast of the same part-mornings.

${ownTable}

Issue 16's targets, for the best MIP row (${dName}): a total cost below every baseline (${money(total(d))} vs ${money(total(a))}, ${money(total(b))}, ${money(total(c))}): **${cheaper ? "met" : "not met"}**; at least 50 % fewer failures than run to failure (${d.failures} vs ${a.failures}): **${fewer ? "met" : "not met"}**.

${machineLine()}`;
  return { rows, body };
}

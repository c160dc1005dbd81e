// Plan backtest on a simulated historian fleet (issue 16): 24 machines run 60 days under the shop's
// fixed-interval preventive maintenance (PM), then 8 weeks are replayed under each policy, side by
// side: (a) run to failure (PM stops, nothing replaces it), (b) the fixed-interval PM going on, (c) the
// greedy planner and (d) the exact MIP planner instead of PM. A planner policy retrains each week on
// the export as it stood at the week's start (its own history: its tasks are in it) and plans every
// morning 7 days ahead with that week's model; the day's tasks are done, and the simulator is re-run
// with them (historian-life.ts: a task done replaces the part; nothing before it changes), so a
// prevented failure is really gone and the new part can still fail. The contract is
// examples/contracts/historian.yaml with its failure horizon (24h) and a longer one (72h): the MIP
// planner runs with each (the greedy one with the first), every one with its own weekly models.
// Run: npm run build && node dist/bench/plan-backtest.js   (BACKTEST_HORIZONS=24h,48h to change;
// BACKTEST_SEED=11 for another fleet, written to its own section; BACKTEST_PARAMS='{"maxDepth":3,...}'
// overrides the contract's `training:` parameters for an experiment; BACKTEST_MIN_RETURN=0.2 plans
// both planners with that margin, contract-options.ts worthPlanning; BACKTEST_TECHNICIANS=file plans
// with another crew). Each MIP morning also makes
// the greedy plan of the same forecast and compares the day's tasks (printed at the end).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadContract } from "../src/contract/load.js";
import { isMillwrightError } from "../src/core/errors.js";
import { resolveHead } from "../src/contract/task-overrides.js";
import { failureCostOf, plannedCostOfTask } from "../src/contract/tasks.js";
import { simulateHistorian } from "../src/data/historian.js";
import { historianToCsv } from "../src/data/historian-csv.js";
import { featurePlan } from "../src/features/plan.js";
import { parseTechnicians } from "../src/plan/config.js";
import { DEFAULT_FORECAST, makeContractPlan } from "../src/plan/contract-plan.js";
import { checkMinReturn, DEFAULT_MIN_RETURN } from "../src/plan/contract-options.js";
import type { ForecastMethod } from "../src/features/forecast-row.js";
import { ModelRegistry } from "../src/registry/registry.js";
import type { HistoryModel } from "../src/train/history-model.js";
import { DAY, HOUR, type Task, World } from "./lib/backtest-world.js";
import { ROOT } from "./lib/historian-input.js";
import { writeSection } from "./lib/report.js";
import { backtestSection, type Row } from "./lib/backtest-section.js";
import { solveTimeSection } from "./lib/plan-size.js";
import { ForecastCheck } from "./lib/forecast-check.js";
import { PlanDiff } from "./lib/plan-diff.js";
import { PlanForecastCheck } from "./lib/plan-forecast-check.js";
import { fatesOfTasks } from "./lib/part-lives.js";

const MACHINES = 24;
const TRAIN_DAYS = 60;
const WEEKS = 8;
const SEED = Number(process.env.BACKTEST_SEED ?? 7);
const HORIZONS = (process.env.BACKTEST_HORIZONS ?? "24h,72h").split(",");

const dir = mkdtempSync(join(tmpdir(), "mw-backtest-"));
// The fleets, contracts and registries of one run (hundreds of MB over 8 weeks × 4 policies): gone
// when the process ends, however it ends.
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "historian"));
mkdirSync(join(dir, "contracts"));
const days = TRAIN_DAYS + 7 * WEEKS;
const first = simulateHistorian({ machines: MACHINES, days, seed: SEED });
writeFileSync(join(dir, "historian", "machines.csv"), historianToCsv(first)["machines.csv"]);
const original = readFileSync(join(ROOT, "examples", "contracts", "historian.yaml"), "utf8");
/** The example contract with another failure horizon (same files, same tasks and costs). */
function contractWith(horizon: string) {
  const file = join(dir, "contracts", `historian-${horizon}.yaml`);
  writeFileSync(file, original.replace(/horizon: 24h/, `horizon: ${horizon}`));
  return loadContract(file);
}
const { contract } = contractWith(HORIZONS[0]);
const registry = new ModelRegistry(join(dir, "models"));
const tasks = contract.tasks!;
/** A part's head as it applies to machine i: its make's or model's task and costs (the contract's `for:`). */
const head = (kind: string, i: number) => {
  const m = first.machines[i];
  return resolveHead(tasks.heads.find((h) => h.head === kind)!, m.id, {
    model: m.model.name,
    age: m.ageYears,
  });
};
const taskCost = (kind: string, i: number) =>
  plannedCostOfTask(head(kind, i).task!, tasks.plannedCostPerHour);
/** BACKTEST_TECHNICIANS=file: another crew (e.g. a smaller one, whose hours bind), written into the section. */
const CREW = process.env.BACKTEST_TECHNICIANS ?? join(ROOT, "examples/contracts/historian-technicians.yaml");
const technicians = parseTechnicians(readFileSync(CREW, "utf8"), CREW);
const testFrom = first.startMs + TRAIN_DAYS * DAY;
const testEnd = testFrom + WEEKS * 7 * DAY;
const inTest = (ms: number) => ms >= testFrom && ms < testEnd;

/** What a policy's world cost over the replayed weeks (costs and downtime hours of the contract). */
function outcome(
  w: World,
  kind: "scheduled" | "planned",
): Omit<Row, "solveMs" | "maxSolveMs" | "trainS" | "seen" | "trees" | "kept"> {
  const failures = w.sim.failures.filter((f) => inTest(f.ms));
  const swaps = w.sim.maintenance.filter((e) => e.reason === kind && inTest(e.ms));
  return {
    failures: failures.length,
    tasks: swaps.length,
    downtime:
      failures.reduce((a, f) => a + head(f.component, f.machine).failure.downtimeHours, 0) +
      swaps.reduce((a, e) => a + head(e.component, e.machine).task!.hours, 0),
    failureCost: failures.reduce((a, f) => a + failureCostOf(head(f.component, f.machine)), 0),
    taskCost: swaps.reduce((a, e) => a + taskCost(e.component, e.machine), 0),
  };
}

let lastModel: HistoryModel | null = null;
/** BACKTEST_DUMP=file: each replayed world's test-period failures and tasks as JSON (for comparing two policies part by part). */
const dumped: Record<string, unknown> = {};
const worldEvents = (w: World) => ({
  failures: w.sim.failures
    .filter((f) => inTest(f.ms))
    .map((f) => ({ machine: w.sim.machines[f.machine].id, kind: f.component, ms: f.ms })),
  tasks: w.sim.maintenance
    .filter((e) => e.reason === "planned" && inTest(e.ms))
    .map((e) => ({ machine: w.sim.machines[e.machine].id, kind: e.component, ms: e.ms })),
  fates: fatesOfTasks(w.sim, SEED).filter((f) => inTest(f.ms)),
});
/** The fleet re-simulated under a policy whose shop PM stops at hour `scheduledUntil`. */
const worldOf = (name: string, scheduledUntil: number) =>
  new World({ dir: join(dir, name), machines: MACHINES, days, seed: SEED, scheduledUntil });

const diff = new PlanDiff();
/** The planners' forecast (BACKTEST_FORECAST=trend to try another) and the ones measured against the run-to-failure world. */
const FORECAST = (process.env.BACKTEST_FORECAST ?? DEFAULT_FORECAST) as ForecastMethod;
const METHODS: ForecastMethod[] = ["persistence", "calibrated", "trend", "revert"];
/** The margin a task must promise over its cost, the same for both planners (the planner's default unless told). */
const MIN_RETURN = checkMinReturn(Number(process.env.BACKTEST_MIN_RETURN ?? DEFAULT_MIN_RETURN));
let check: ForecastCheck | null = null;
/** The MIP's own forecasts scored in its replayed world, with persistence's of the same mornings. */
const own = new PlanForecastCheck([FORECAST, "persistence"]);
let ownTable = "";

async function replay(solver: "mip" | "greedy", horizon: string): Promise<Row> {
  const { contract, text } = contractWith(horizon);
  const w = worldOf(`${solver}-${horizon}`, TRAIN_DAYS * 24);
  let solveMs = 0;
  let maxSolveMs = 0;
  let trainS = 0;
  // Failures the plans saw coming: the model's probability of that kind above 10 % at some morning
  // within the horizon before the failure (counted over the failures that happened and those prevented).
  const warned: { machine: string; kind: string; ms: number }[] = [];
  let current: HistoryModel | null = null;
  let kept = 0;
  for (let week = 0; week < WEEKS; week++) {
    const weekStart = testFrom + week * 7 * DAY;
    const t0 = performance.now();
    let model: HistoryModel;
    try {
      model = w.train(contract, text, registry, weekStart);
    } catch (e) {
      // A week whose test part has no failure (the plans prevented them all) cannot be evaluated:
      // as a shop's retraining gate would, the policy keeps the model it has.
      if (!(isMillwrightError(e) && e.code === "MW_TRAINING_DATA" && current)) throw e;
      model = current;
      kept++;
    }
    current = model;
    trainS += (performance.now() - t0) / 1000;
    lastModel = model;
    const plan = featurePlan(model.contract);
    for (let d = 0; d < 7; d++) {
      const start = weekStart + d * DAY + 6 * HOUR; // the day shift's start
      const machines = w.machinesAt(model, plan, start);
      const planWith = (s: "mip" | "greedy") =>
        makeContractPlan({
          model,
          machines,
          technicians,
          startTime: new Date(start),
          horizonShifts: 21,
          madeAt: new Date(start),
          solver: s,
          timeLimitSeconds: 10,
          forecast: FORECAST,
          minReturn: MIN_RETURN,
        });
      const p = await planWith(solver);
      if (solver === "mip" && horizon === HORIZONS[0]) {
        diff.compare(start, p, await planWith("greedy"));
        check?.morning(model, start);
        own.morning(model, machines, start, p);
      }
      solveMs += p.solve_ms;
      maxSolveMs = Math.max(maxSolveMs, p.solve_ms);
      for (const m of p.machines)
        for (const [kind, h] of Object.entries(m.heads))
          if (h && h.now > 0.1) warned.push({ machine: m.machine_id, kind, ms: start });
      const today: Task[] = p.tasks
        .filter((t) => t.shift.index < 3)
        .map((t) => ({
          machine: w.sim.machines.findIndex((m) => m.id === t.machine_id),
          component: t.head,
          hour: (Date.parse(t.shift.start) - w.sim.startMs) / HOUR,
        }));
      w.add(today);
    }
  }
  const horizonMs = contract.failures!.horizon.size;
  const due = [
    ...w.sim.failures
      .filter((f) => inTest(f.ms))
      .map((f) => ({ machine: w.sim.machines[f.machine].id, kind: f.component, ms: f.ms })),
    ...w.sim.maintenance
      .filter((e) => e.reason === "planned")
      .map((e) => ({ machine: w.sim.machines[e.machine].id, kind: e.component, ms: e.ms })),
  ];
  const seen = due.filter((f) =>
    warned.some(
      (x) => x.machine === f.machine && x.kind === f.kind && x.ms <= f.ms && x.ms > f.ms - horizonMs,
    ),
  );
  const trees = Object.entries(lastModel!.heads)
    .map(([k, h]) => `${k} ${h ? h.booster.trees.length : "none"}`)
    .join(", ");
  const seenText = `${seen.length} of ${due.length}`;
  dumped[`${solver}-${horizon}`] = worldEvents(w);
  if (solver === "mip" && horizon === HORIZONS[0]) {
    for (const line of diff.lines(w)) console.log(line);
    ownTable = own.report(w);
  }
  return { ...outcome(w, "planned"), solveMs, maxSolveMs, trainS, seen: seenText, trees, kept };
}

const t0 = performance.now();
const rtf = worldOf("rtf", TRAIN_DAYS * 24);
const pm = worldOf("pm", Number.POSITIVE_INFINITY);
check = new ForecastCheck(rtf, METHODS);
const none = { solveMs: 0, maxSolveMs: 0, trainS: 0, seen: "–", trees: "", kept: 0 };
const results: [string, Row][] = [
  ["(a) run to failure (PM stopped, no plan)", { ...outcome(rtf, "planned"), ...none }],
  ["(b) fixed-interval PM (maker's interval ±10 %)", { ...outcome(pm, "scheduled"), ...none }],
  [`(c) greedy planner, ${HORIZONS[0]} horizon (no PM)`, await replay("greedy", HORIZONS[0])],
];
const mips: Row[] = [];
for (const h of HORIZONS) {
  const r = await replay("mip", h);
  mips.push(r);
  results.push([`(d) MIP planner (HiGHS), ${h} horizon (no PM)`, r]);
}
const totalS = (performance.now() - t0) / 1000;
const forecastTable = check.report();
const { rows, body } = backtestSection({
  machines: MACHINES,
  seed: SEED,
  horizons: HORIZONS,
  trainDays: TRAIN_DAYS,
  weeks: WEEKS,
  forecast: FORECAST,
  minReturn: MIN_RETURN,
  totalS,
  results,
  mips,
  forecastTable,
  ownTable,
});
for (const r of rows) console.log(r.join(" | "));
console.log(`MIP vs greedy on the MIP's mornings: ${JSON.stringify(diff.summary())}`);
if (process.env.BACKTEST_DUMP)
  writeFileSync(
    process.env.BACKTEST_DUMP,
    JSON.stringify({
      ...dumped,
      rtf: worldEvents(rtf),
      pm: worldEvents(pm),
      diff: diff.records(),
      forecasts: own.records(),
    }),
  );
console.log(forecastTable);
console.log(ownTable);
writeSection(SEED === 7 ? "Plan backtest" : `Plan backtest, seed ${SEED}`, body);
console.log(body);
if (!process.env.BACKTEST_SKIP_SIZE && lastModel) await solveTimeSection(dir, lastModel);

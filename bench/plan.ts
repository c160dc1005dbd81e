// Maintenance planner benchmark: 24 machines × 7 days × 3 shifts × 6 technicians (the example
// technicians file), a seeded synthetic risk shaped like the model's (rising with tool wear and
// across the AI4I thresholds), default costs. Solves each seed exactly with HiGHS and, in the same
// run, with the greedy baseline (highest value first, within capacity).
// Run: npm run build && node dist/bench/plan.js   (or: node --import tsx bench/plan.ts)
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { createRng } from "../src/core/rng.js";
import { MACHINE_MODELS } from "../src/data/machines.js";
import { DEFAULT_COSTS, parseTechnicians } from "../src/plan/config.js";
import { forecastRisk } from "../src/plan/forecast.js";
import { greedyPlan } from "../src/plan/greedy.js";
import { loadHighs, solveMip } from "../src/plan/mip.js";
import { makePlan } from "../src/plan/plan.js";
import { buildShifts } from "../src/plan/shifts.js";
import { syntheticFleet, syntheticPredict } from "../src/plan/synthetic.js";
import { buildOptions } from "../src/plan/tasks.js";
import { machineLine, table, writeSection } from "./lib/report.js";

const MACHINES = 24;
const SHIFTS = 21;
const SEEDS = [1, 2, 3, 4, 5];
const TARGET_MS = 2000;
const START = new Date("2026-11-26T06:00:00Z");

const technicians = parseTechnicians(
  readFileSync("examples/technicians.yaml", "utf8"),
  "examples/technicians.yaml",
  {
    knownModels: MACHINE_MODELS.map((m) => m.name),
  },
);

function instance(seed: number) {
  const t0 = performance.now();
  const machines = syntheticFleet(createRng(seed), MACHINES, START);
  const slots = buildShifts({ startTime: START, horizonShifts: SHIFTS });
  const base = {
    machines,
    horizonShifts: SHIFTS,
    shiftHours: 8,
    startTime: START,
    predict: syntheticPredict,
  };
  const forecasts = forecastRisk(base);
  const fresh = forecastRisk({ ...base, toolChangeAt: Object.fromEntries(machines.map((m) => [m.id, 0])) });
  const set = buildOptions({ technicians, slots, shiftHours: 8 }, forecasts, fresh, DEFAULT_COSTS);
  return { set, build_ms: performance.now() - t0 };
}

const t0 = performance.now();
await loadHighs();
const loadMs = performance.now() - t0;

const rows: (string | number)[][] = [];
const warm: number[] = [];
const warmCpu: number[] = [];
let cold = 0;
let coldCpu = 0;
let worstGreedy = 1;
for (let pass = 0; pass < 2; pass++) {
  for (const seed of SEEDS) {
    if (pass === 1 && seed !== SEEDS[0]) continue; // pass 2: the first seed again, warm
    const { set, build_ms } = instance(seed);
    const cpu0 = process.cpuUsage();
    const mip = await solveMip(set, { timeLimitSeconds: 30 });
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const greedy = greedyPlan(set);
    const first = rows.length === 0;
    if (first) {
      cold = mip.solve_ms;
      coldCpu = cpuMs;
    } else {
      warm.push(mip.solve_ms);
      warmCpu.push(cpuMs);
    }
    const ratio = mip.objective > 0 ? greedy.objective / mip.objective : 1;
    worstGreedy = Math.min(worstGreedy, ratio);
    rows.push([
      `${seed}${first ? " (cold)" : pass === 1 ? " (again)" : ""}`,
      set.considered,
      mip.variables,
      mip.constraints,
      build_ms.toFixed(0),
      mip.solve_ms.toFixed(0),
      cpuMs.toFixed(0),
      mip.status,
      mip.gap === null ? "n/a" : mip.gap.toExponential(1),
      mip.objective.toFixed(0),
      greedy.objective.toFixed(0),
      `${(100 * ratio).toFixed(1)} %`,
      greedy.solve_ms.toFixed(0),
    ]);
  }
}

const e2e0 = performance.now();
const plan = await makePlan({
  machines: syntheticFleet(createRng(SEEDS[0]), MACHINES, START),
  technicians,
  predict: syntheticPredict,
  startTime: START,
  horizonShifts: SHIFTS,
});
const e2eMs = performance.now() - e2e0;

const sorted = [...warm].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const maxCpu = Math.max(...warmCpu);
const verdict = (wall: number, cpu: number) =>
  wall <= TARGET_MS
    ? "met"
    : cpu <= TARGET_MS
      ? "met in CPU time, not in wall time on this busy machine"
      : "NOT met";
const header = [
  "seed",
  "candidates",
  "variables",
  "constraints",
  "build ms",
  "solve ms",
  "solve CPU ms",
  "status",
  "gap",
  "MIP objective",
  "greedy objective",
  "greedy / MIP",
  "greedy ms",
];
const body = [
  `Maintenance planner: ${MACHINES} machines × 7 days × 3 shifts × ${technicians.length} technicians (examples/technicians.yaml),`,
  "synthetic seeded risk (src/plan/synthetic.ts), default costs; exact MIP with HiGHS (WebAssembly, mip_rel_gap 0)",
  "vs the greedy baseline in the same run. Objective = expected avoided failure cost − planned work cost.",
  "",
  `Machine: ${machineLine()}; load average at the end ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ")}.`,
  "Solve ms is wall time; CPU ms is the process's CPU time over the solve (it includes V8's background",
  "compilation of the solver), which shows how much of the wall time is waiting for a busy machine.",
  "",
  table(header, rows),
  "",
  `HiGHS load ${loadMs.toFixed(0)} ms. First solve in the process (cold: V8 has not yet optimised the solver's`,
  `WebAssembly; a server can call warmUpHighs() at start-up) ${cold.toFixed(0)} ms wall, ${coldCpu.toFixed(0)} ms CPU.`,
  `Later solves: median ${median.toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms wall, max ${maxCpu.toFixed(0)} ms CPU.`,
  `Target ≤ ${TARGET_MS} ms to optimality: warm ${verdict(sorted[sorted.length - 1], maxCpu)}; cold ${verdict(cold, coldCpu)}.`,
  `makePlan end to end (forecast, fresh-tool forecast, options, solve, report), warm: ${e2eMs.toFixed(0)} ms, ${plan.tasks.length} tasks, status ${plan.status}.`,
  `Greedy reaches at worst ${(100 * worstGreedy).toFixed(1)} % of the optimum: it takes tool changes one at a time and cannot see that`,
  "a change is worth more together with the next one.",
].join("\n");
console.log(body);
writeSection("plan", body);

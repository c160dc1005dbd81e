// The maintenance planner's public API, for the CLI (`millwright plan`) and the server (`POST /v1/plan`).
export {
  DEFAULT_COSTS,
  parseCosts,
  parseTechnicians,
  readCosts,
  readTechnicians,
  SHIFT_NAMES,
  type TechnicianOptions,
} from "./config.js";
export type { MachineForecast, MachineHistory } from "./forecast.js";
export { forecastRisk } from "./forecast.js";
export { loadHighs, type MipStatus, warmUpHighs } from "./mip.js";
export {
  makePlan,
  PLAN_HELP,
  type PlanInput,
  type PlannedTask,
  type PlanResult,
  type UnplannedRisk,
} from "./plan.js";
export { buildShifts, parseHorizon } from "./shifts.js";
export type { CostConfig, PredictFn, RiskPrediction, TaskType, Technician } from "./types.js";

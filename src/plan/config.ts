// The technicians and costs files: parsed once at the edge (CLI, server) and passed into makePlan.
// Costs have sensible defaults, so a shop can start with only a technicians file; a costs file may
// override any single value (per mode, or `default` for every mode it does not name).
import { MillwrightError } from "../core/errors.js";
import { MODE_HEADS } from "../data/schema.js";
import {
  type CostConfig,
  type FailureCost,
  type ShiftPattern,
  TASK_TYPES,
  type TaskType,
  type Technician,
} from "./types.js";
import {
  configError,
  fraction,
  join,
  list,
  mapping,
  nonNegative,
  parseYaml,
  positive,
  text,
} from "../core/yamlcheck.js";

export const SHIFT_NAMES = ["day", "evening", "night"] as const;

const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const FULL_DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const DAY_GROUPS: Record<string, number[]> = {
  weekdays: [1, 2, 3, 4, 5],
  weekend: [0, 6],
};

/**
 * Defaults in one currency unit per hour of a stopped machine. A tool-wear failure is a broken tool
 * and a scrapped part; heat and power failures take the spindle or drive down for a day or more.
 */
export const DEFAULT_COSTS: CostConfig = {
  failure: {
    twf: { downtimeHours: 3, costPerHour: 400, repairCost: 600 },
    hdf: { downtimeHours: 10, costPerHour: 400, repairCost: 2500 },
    pwf: { downtimeHours: 12, costPerHour: 400, repairCost: 3000 },
    osf: { downtimeHours: 6, costPerHour: 400, repairCost: 1800 },
  },
  plannedCostPerHour: 120,
  tasks: {
    tool_change: { hours: 0.5, partsCost: 150, effectiveness: 1 },
    cooling_check: { hours: 1.5, partsCost: 60, effectiveness: 0.8 },
    load_inspection: { hours: 2, partsCost: 0, effectiveness: 0.8 },
  },
};

export interface TechnicianOptions {
  /** Machine model names a skill may name (besides "*"); absent = any name is accepted. */
  knownModels?: readonly string[];
  /** Shift names of the shop's calendar. */
  shiftNames?: readonly string[];
}

/** Parses a technicians YAML file's text; `file` is used in error messages. */
export function parseTechnicians(source: string, file: string, opts: TechnicianOptions = {}): Technician[] {
  return readTechnicians(parseYaml(source, file), file, opts);
}

/**
 * Checks an already-parsed technicians document (`{technicians: [...]}`), e.g. a JSON request body;
 * `file` names its source in error messages ("request body").
 */
export function readTechnicians(doc: unknown, file: string, opts: TechnicianOptions = {}): Technician[] {
  const root = mapping(doc, file, "", ["technicians"], ["technicians"]);
  const items = list(root.technicians, file, "technicians");
  const seen = new Set<string>();
  let before = "";
  return items.map((raw, i) => {
    const path = join("technicians", i);
    // Named as a manager reads the file (trial 9: "technicians[2]" counts from 0 and says no name):
    // by its name, or, without one, by the technician before it.
    const given = (raw as { name?: unknown } | null)?.name;
    const who =
      typeof given === "string" && given.trim()
        ? given.trim()
        : before
          ? `the one after ${before}`
          : "the first";
    try {
      const o = mapping(
        raw,
        file,
        path,
        ["name", "skills", "hours_per_shift", "shifts"],
        ["name", "skills", "hours_per_shift"],
      );
      const name = text(o.name, file, join(path, "name"));
      if (seen.has(name.toLowerCase()))
        throw configError(file, join(path, "name"), `duplicate technician '${name}'`);
      seen.add(name.toLowerCase());
      before = name;
      return technician(o, name, file, path, opts);
    } catch (e) {
      if (e instanceof MillwrightError) e.message = e.message.replace(`${path}`, `${path} (${who})`);
      throw e;
    }
  });
}

function technician(
  o: Record<string, unknown>,
  name: string,
  file: string,
  path: string,
  opts: TechnicianOptions,
): Technician {
  const skills = list(o.skills, file, join(path, "skills")).map((s, j) =>
    skill(s, file, join(join(path, "skills"), j), opts.knownModels),
  );
  const hoursPerShift = positive(o.hours_per_shift, file, join(path, "hours_per_shift"), 24);
  const tech: Technician = { name, skills, hoursPerShift };
  if (o.shifts !== undefined && o.shifts !== null) {
    const names = opts.shiftNames ?? SHIFT_NAMES;
    tech.shifts = list(o.shifts, file, join(path, "shifts")).map((s, j) =>
      shiftPattern(s, file, join(join(path, "shifts"), j), names),
    );
  }
  return tech;
}

function skill(v: unknown, file: string, path: string, known?: readonly string[]): string {
  const s = text(v, file, path);
  if (s === "*" || !known) return s;
  // Case-insensitive, but stored in the catalogue's spelling so matching later is exact.
  const hit = known.find((k) => k.toLowerCase() === s.toLowerCase());
  if (!hit)
    throw configError(file, path, `unknown machine model '${s}' (known: ${known.join(", ")}, or "*")`);
  return hit;
}

/** "day", "Mon", "Mon night", "weekdays evening", "sat-day". */
function shiftPattern(v: unknown, file: string, path: string, names: readonly string[]): ShiftPattern {
  const s = text(v, file, path).toLowerCase();
  const parts = s.split(/[\s\-_/]+/).filter(Boolean);
  const p: ShiftPattern = {};
  for (const part of parts) {
    const day = Math.max(DAY_NAMES.indexOf(part), FULL_DAYS.indexOf(part));
    if (day >= 0 && !p.days) p.days = [day];
    else if (DAY_GROUPS[part] && !p.days) p.days = DAY_GROUPS[part];
    else if (names.includes(part) && !p.shift) p.shift = part;
    else {
      throw configError(
        file,
        path,
        `cannot read shift '${String(v)}': expected a shift (${names.join(", ")}), a day (Mon…Sun, weekdays, weekend) or both, e.g. "Mon night"`,
      );
    }
  }
  return p;
}

const FAILURE_KEYS = ["downtime_hours", "cost_per_hour", "repair_cost"] as const;

/** Parses a costs YAML file's text, filling what it leaves out from `base` (the defaults). */
export function parseCosts(source: string, file: string, base: CostConfig = DEFAULT_COSTS): CostConfig {
  return readCosts(parseYaml(source, file), file, base);
}

/** Checks an already-parsed costs document (e.g. a JSON request body); empty = the defaults. */
export function readCosts(doc: unknown, file: string, base: CostConfig = DEFAULT_COSTS): CostConfig {
  if (doc === null || doc === undefined) return structuredClone(base);
  const root = mapping(doc, file, "", ["failure", "planned", "tasks"]);
  const out = structuredClone(base);
  if (root.failure !== undefined) {
    const f = mapping(root.failure, file, "failure", ["default", ...MODE_HEADS]);
    const def = f.default === undefined ? {} : failureFields(f.default, file, "failure.default");
    for (const mode of MODE_HEADS) {
      const own = f[mode] === undefined ? {} : failureFields(f[mode], file, join("failure", mode));
      out.failure[mode] = { ...base.failure[mode], ...def, ...own };
    }
  }
  if (root.planned !== undefined) {
    const p = mapping(root.planned, file, "planned", ["cost_per_hour"]);
    if (p.cost_per_hour !== undefined) {
      out.plannedCostPerHour = nonNegative(p.cost_per_hour, file, "planned.cost_per_hour");
    }
  }
  if (root.tasks !== undefined) {
    const t = mapping(root.tasks, file, "tasks", TASK_TYPES);
    for (const task of TASK_TYPES) {
      if (t[task] === undefined) continue;
      const path = join("tasks", task);
      // A tool change installs a new tool, whose own wear curve models its effect: no effectiveness.
      const keys =
        task === "tool_change" ? ["hours", "parts_cost"] : ["hours", "parts_cost", "effectiveness"];
      const o = mapping(t[task], file, path, keys);
      const cur = out.tasks[task as TaskType];
      if (o.hours !== undefined) cur.hours = positive(o.hours, file, join(path, "hours"), 24);
      if (o.parts_cost !== undefined)
        cur.partsCost = nonNegative(o.parts_cost, file, join(path, "parts_cost"));
      if (o.effectiveness !== undefined) {
        cur.effectiveness = fraction(o.effectiveness, file, join(path, "effectiveness"));
      }
    }
  }
  return out;
}

function failureFields(v: unknown, file: string, path: string): Partial<FailureCost> {
  const o = mapping(v, file, path, FAILURE_KEYS);
  const r: Partial<FailureCost> = {};
  if (o.downtime_hours !== undefined)
    r.downtimeHours = nonNegative(o.downtime_hours, file, join(path, "downtime_hours"));
  if (o.cost_per_hour !== undefined)
    r.costPerHour = nonNegative(o.cost_per_hour, file, join(path, "cost_per_hour"));
  if (o.repair_cost !== undefined) r.repairCost = nonNegative(o.repair_cost, file, join(path, "repair_cost"));
  return r;
}

// A failure kind's cost and task per make, model or machine (`tasks.heads.<head>.for:`): a 1982 cold
// header's main bearing is not a lathe's spindle bearing, in hours, parts or downtime. Each override
// names machines by their attributes (the machine table's columns the contract declares) and/or by
// id, and lays its keys over the head's default; the first that matches a machine wins, in file
// order. Read here, resolved here (resolveHead), so the planner and the check read one rule.
// `applies: false` says the kind cannot happen on the machines it matches (a lathe has no tool
// changer): the model still scores it there, but the plan leaves that machine's kind out. Pure.
import { type Obj, configError, describe, join, list, mapping, text } from "../core/yamlcheck.js";
import type {
  AttributeMatch,
  AttributeSpec,
  FailureCosts,
  HeadTasks,
  MachineAttributes,
  TaskOverride,
  TaskSpec,
} from "./types.js";

/** How tasks.ts reads a failure's costs and a task, passed in so this file does not import it back. */
export interface OverrideReaders {
  attributes: readonly AttributeSpec[];
  failure: (raw: Obj, path: string) => FailureCosts;
  task: (raw: Obj, path: string) => TaskSpec;
}

const FAILURE_KEYS = ["downtime_hours", "cost_per_hour", "repair_cost"];
const TASK_KEYS = ["words", "hours", "parts_cost", "skills", "min_interval", "effectiveness", "event"];

/** Reads a head's `for:` (at `path`), whose own failure and task are `defaults` (raw YAML, and the task read). */
export function readOverrides(
  v: unknown,
  file: string,
  path: string,
  defaults: { failure: Obj; task: Obj | null; parsed: TaskSpec | null },
  r: OverrideReaders,
): TaskOverride[] {
  if (v === undefined || v === null) return [];
  return list(v, file, path).map((raw, i) => {
    const p = join(path, i);
    const o = mapping(raw, file, p, ["match", "machines", "applies", "failure", "task"]);
    if (o.match === undefined && o.machines === undefined)
      throw configError(
        file,
        p,
        "give match: (machine attributes) or machines: (machine ids); an override for every machine is the head's own failure: and task:",
      );
    if (o.applies !== undefined && typeof o.applies !== "boolean")
      throw configError(file, join(p, "applies"), `must be true or false, got ${describe(o.applies)}`);
    const applies = o.applies !== false;
    // A kind that cannot happen has no cost or task to change there: both written is a contradiction.
    for (const k of ["failure", "task"] as const)
      if (!applies && o[k] !== undefined)
        throw configError(
          file,
          join(p, k),
          `applies: false says this kind does not happen on these machines, so it has no ${k} to change: drop ${k}: or applies: false`,
        );
    if (applies && o.failure === undefined && o.task === undefined)
      throw configError(file, p, "overrides nothing: give failure: or task: keys to change");
    const match = o.match === undefined ? [] : readMatch(o.match, file, join(p, "match"), r.attributes);
    const machines =
      o.machines === undefined
        ? []
        : list(o.machines, file, join(p, "machines")).map((m, j) =>
            typeof m === "number" ? String(m) : text(m, file, join(join(p, "machines"), j)),
          );
    const label = labelOf(match, machines);
    if (!applies)
      return {
        match,
        machines,
        label,
        failure: r.failure(defaults.failure, join(p, "failure")),
        task: null,
        applies: false as const,
      };
    const f = o.failure === undefined ? {} : mapping(o.failure, file, join(p, "failure"), FAILURE_KEYS);
    let task: TaskSpec | null = null;
    if (o.task !== undefined) {
      const tp = join(p, "task");
      if (!defaults.task)
        throw configError(file, tp, "the head has no task of its own to change: give it a task: first");
      const t = mapping(o.task, file, tp, TASK_KEYS.concat("name"));
      if (t.name !== undefined)
        throw configError(
          file,
          join(tp, "name"),
          "a task keeps its name on every machine (plans and events name it): change its words: instead",
        );
      task = r.task({ ...defaults.task, ...t }, tp);
    } else task = defaults.parsed;
    return {
      match,
      machines,
      label,
      failure: r.failure({ ...defaults.failure, ...f }, join(p, "failure")),
      task,
    };
  });
}

function readMatch(
  v: unknown,
  file: string,
  path: string,
  attrs: readonly AttributeSpec[],
): AttributeMatch[] {
  if (attrs.length === 0)
    throw configError(file, path, "the contract has no attributes: (a machine table) to match");
  const o = mapping(
    v,
    file,
    path,
    attrs.map((a) => a.name),
  );
  const out = Object.entries(o).map(([name, raw]) => {
    const a = attrs.find((x) => x.name === name) as AttributeSpec;
    const p = join(path, name);
    if (a.kind === "number" && raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
      const r = mapping(raw, file, p, ["min", "max"]);
      const bound = (k: "min" | "max") => {
        const b = r[k];
        if (b === undefined || b === null) return null;
        if (typeof b !== "number" || !Number.isFinite(b))
          throw configError(file, join(p, k), `must be a number, got ${describe(b)}`);
        return b;
      };
      const m = { attribute: name, values: null, min: bound("min"), max: bound("max") };
      if (m.min === null && m.max === null) throw configError(file, p, "give min:, max: or both");
      return m;
    }
    const values = (Array.isArray(raw) ? list(raw, file, p) : [raw]).map((x, j) => {
      const xp = Array.isArray(raw) ? join(p, j) : p;
      if (a.kind === "number") {
        if (typeof x !== "number" || !Number.isFinite(x))
          throw configError(
            file,
            xp,
            `must be a number (${a.name} is a number attribute), or { min, max }, got ${describe(x)}`,
          );
        return x;
      }
      // A level written as a number (a year, a size class) is its digits, as the table's cell is.
      const s = typeof x === "number" ? String(x) : text(x, file, xp);
      if (a.levels && !a.levels.includes(s))
        throw configError(file, xp, `'${s}' is not a level of ${a.name} (${a.levels.join(", ")})`);
      return s;
    });
    return { attribute: name, values, min: null, max: null };
  });
  if (out.length === 0) throw configError(file, path, "names no attribute");
  return out;
}

function labelOf(match: AttributeMatch[], machines: string[]): string {
  const parts = match.map((m) =>
    m.values
      ? `${m.attribute} ${m.values.join(" or ")}`
      : `${m.attribute} ${m.min !== null ? `≥ ${m.min}` : ""}${m.min !== null && m.max !== null ? " and " : ""}${m.max !== null ? `≤ ${m.max}` : ""}`,
  );
  if (machines.length > 0) parts.push(`machine ${machines.join(" or ")}`);
  return parts.join(", ");
}

/** Whether an override applies to machine `id` with these attributes (a missing value matches nothing). */
export function overrideMatches(o: TaskOverride, id: string, attrs: Readonly<MachineAttributes>): boolean {
  if (o.machines.length > 0 && !o.machines.includes(id)) return false;
  return o.match.every((m) => {
    const v = attrs[m.attribute];
    if (v === null || v === undefined) return false;
    if (m.values) return m.values.some((x) => (typeof x === "number" ? x === v : x === String(v)));
    return typeof v === "number" && (m.min === null || v >= m.min) && (m.max === null || v <= m.max);
  });
}

/**
 * The head as it applies to one machine: its first matching override's failure and task, else its
 * own; `applies` false when that override says the kind does not happen on it (task then null).
 */
export function resolveHead(
  h: HeadTasks,
  id: string,
  attrs: Readonly<MachineAttributes>,
): HeadTasks & { rule: number | null; applies: boolean } {
  const i = (h.for ?? []).findIndex((o) => overrideMatches(o, id, attrs));
  if (i < 0) return { ...h, rule: null, applies: true };
  const o = (h.for as TaskOverride[])[i];
  return { ...h, failure: o.failure, task: o.task, rule: i, applies: o.applies !== false };
}

// The contract's `tasks:` key: for each failure kind (model head), the maintenance task that
// prevents it and what a failure of that kind costs. The planner (src/plan/contract-*.ts) reads
// only this, so a shop describes its own work in its own words; nothing is wired to AI4I.
// Pure: `file` names the source in every message ("shop.yaml: tasks.heads.ball_screw.task.hours: …").
import {
  configError,
  describe,
  fraction,
  join,
  list,
  mapping,
  nonNegative,
  type Obj,
  positive,
  text,
} from "../core/yamlcheck.js";
import { optText } from "./fields.js";
import { parseSpan } from "./spans.js";
import { readOverrides } from "./task-overrides.js";
import type {
  AttributeSpec,
  ContractTasks,
  EventSpec,
  FailureCosts,
  HeadTasks,
  ReadingSpec,
  TaskEffect,
  TaskSpec,
} from "./types.js";

/** A head's failure cost: pass the machine's resolved head (task-overrides.ts resolveHead) where it differs per make. */
export function failureCostOf(h: Pick<HeadTasks, "failure">): number {
  return h.failure.downtimeHours * h.failure.costPerHour + h.failure.repairCost;
}

export function plannedCostOfTask(t: TaskSpec, plannedCostPerHour: number): number {
  return t.hours * plannedCostPerHour + t.partsCost;
}

interface Known {
  counter: boolean;
  readings: ReadingSpec[];
  events: EventSpec[];
  /** Head names known when the contract is read (labels' modes); null: learned in training. */
  heads: string[] | null;
  /** The machine table's attributes, which a head's `for:` overrides match on. */
  attributes: readonly AttributeSpec[];
}

export function validateTasks(v: unknown, file: string, k: Known): ContractTasks | null {
  if (v === undefined || v === null) return null;
  const o = mapping(
    v,
    file,
    "tasks",
    ["planned_cost_per_hour", "rows_per_hour", "currency", "heads"],
    ["heads"],
  );
  const headsObj = mapping(o.heads, file, "tasks.heads", Object.keys((o.heads ?? {}) as object));
  const heads: HeadTasks[] = Object.entries(headsObj).map(([head, raw]) => {
    const path = join("tasks.heads", head);
    if (k.heads && head !== "machine_failure" && !k.heads.includes(head))
      throw configError(
        file,
        path,
        `'${head}' is not a failure kind of this contract (known: ${k.heads.join(", ")})`,
      );
    const h = mapping(raw, file, path, ["failure", "task", "for"], ["failure"]);
    const fp = join(path, "failure");
    const f = mapping(h.failure, file, fp, FAILURE_KEYS, FAILURE_KEYS);
    const readTask = (o: unknown, p: string) => task(o, file, p, k);
    const own = h.task === undefined || h.task === null ? null : readTask(h.task, join(path, "task"));
    const out: HeadTasks = { head, failure: failureCosts(f, file, fp), task: own };
    const overrides = readOverrides(
      h.for,
      file,
      join(path, "for"),
      { failure: f, task: own ? (h.task as Obj) : null, parsed: own },
      { attributes: k.attributes, failure: (o, p) => failureCosts(o, file, p), task: readTask },
    );
    if (overrides.length > 0) out.for = overrides;
    return out;
  });
  if (heads.length === 0) throw configError(file, "tasks.heads", "names no failure kind");
  const names = new Set<string>();
  for (const h of heads) {
    if (!h.task) continue;
    if (names.has(h.task.name))
      throw configError(
        file,
        join(join("tasks.heads", h.head), "task.name"),
        `duplicate task name '${h.task.name}'`,
      );
    names.add(h.task.name);
  }
  return {
    plannedCostPerHour:
      o.planned_cost_per_hour === undefined
        ? 120
        : nonNegative(o.planned_cost_per_hour, file, "tasks.planned_cost_per_hour"),
    rowsPerHour:
      o.rows_per_hour === undefined ? null : positive(o.rows_per_hour, file, "tasks.rows_per_hour"),
    currency: o.currency === undefined || o.currency === null ? "" : String(o.currency),
    heads,
  };
}

const FAILURE_KEYS = ["downtime_hours", "cost_per_hour", "repair_cost"];

function failureCosts(f: Obj, file: string, fp: string): FailureCosts {
  return {
    downtimeHours: nonNegative(f.downtime_hours, file, join(fp, "downtime_hours")),
    costPerHour: nonNegative(f.cost_per_hour, file, join(fp, "cost_per_hour")),
    repairCost: nonNegative(f.repair_cost, file, join(fp, "repair_cost")),
  };
}

function task(v: unknown, file: string, path: string, k: Known): TaskSpec {
  const t = mapping(
    v,
    file,
    path,
    ["name", "words", "hours", "parts_cost", "skills", "min_interval", "effectiveness", "event"],
    ["name", "hours"],
  );
  const name = text(t.name, file, join(path, "name"));
  if (!/^[a-z][a-z0-9_]*$/.test(name))
    throw configError(file, join(path, "name"), `must be snake_case (a-z, 0-9, _), got ${describe(t.name)}`);
  return {
    name,
    words: optText(t, "words", file, path) ?? name.replace(/_/g, " "),
    hours: positive(t.hours, file, join(path, "hours"), 24),
    partsCost: t.parts_cost === undefined ? 0 : nonNegative(t.parts_cost, file, join(path, "parts_cost")),
    skills:
      t.skills === undefined || t.skills === null
        ? []
        : list(t.skills, file, join(path, "skills"), false).map((s, i) =>
            text(s, file, join(join(path, "skills"), i)),
          ),
    minInterval:
      t.min_interval === undefined || t.min_interval === null
        ? null
        : parseSpan(t.min_interval, k.counter, file, join(path, "min_interval")),
    effectiveness:
      t.effectiveness === undefined ? 1 : fraction(t.effectiveness, file, join(path, "effectiveness")),
    event: t.event === undefined || t.event === null ? null : effect(t.event, file, join(path, "event"), k),
  };
}

function effect(v: unknown, file: string, path: string, k: Known): TaskEffect {
  const e = mapping(v, file, path, ["table", "kind", "reading", "value"]);
  if (e.table !== undefined) {
    const table = text(e.table, file, join(path, "table"));
    const spec = k.events.find((x) => x.name === table);
    if (!spec?.since)
      throw configError(
        file,
        join(path, "table"),
        `'${table}' is not an event table with since: true (known: ${
          k.events
            .filter((x) => x.since)
            .map((x) => x.name)
            .join(", ") || "none"
        })`,
      );
    if (e.reading !== undefined)
      throw configError(file, path, "give either table (an event) or reading, not both");
    // A table with a kind column keeps a since feature per kind: a task's event must say which
    // (without one, marking the task done would post an event the server refuses for lack of kind).
    if (spec.kind && (e.kind === undefined || e.kind === null || String(e.kind).trim() === ""))
      throw configError(
        file,
        join(path, "kind"),
        `${table} has a kind column (${spec.kind}): say which kind the task's event is, e.g. the component it replaces`,
      );
    return { table, kind: e.kind === undefined ? "" : text(e.kind, file, join(path, "kind")).trim() };
  }
  if (e.reading !== undefined) {
    const reading = text(e.reading, file, join(path, "reading"));
    const r = k.readings.find((x) => x.name === reading && x.kind === "number");
    if (k.readings.some((x) => x.name === reading && x.kind === "counter"))
      throw configError(
        file,
        join(path, "reading"),
        `'${reading}' is a counter: the model sees its rate, which a task does not set`,
      );
    if (!r)
      throw configError(
        file,
        join(path, "reading"),
        `'${reading}' is not a numeric reading (known: ${k.readings
          .filter((x) => x.kind === "number")
          .map((x) => x.name)
          .join(", ")})`,
      );
    if (typeof e.value !== "number" || !Number.isFinite(e.value))
      throw configError(file, join(path, "value"), `must be a number, got ${describe(e.value)}`);
    return { reading, value: e.value };
  }
  throw configError(
    file,
    path,
    "give table: (an event table with since: true) and kind:, or reading: and value:",
  );
}

// `millwright check`'s view of the contract's tasks per machine: which of a head's `for:` overrides
// (or its own task) each machine of the data gets, grouped, with the makes and models in each group,
// so a maintenance lead sees that the 1982 header got the header's bearing job before a plan does.
// Warnings for an override that matches no machine and for a machine id in no table. Pure.
import { decodeAttributes, type MachineAttributes } from "../contract/machine-table.js";
import { overrideMatches, resolveHead } from "../contract/task-overrides.js";
import { failureCostOf } from "../contract/tasks.js";
import type { Contract } from "../contract/types.js";

export interface TaskGroupProfile {
  head: string;
  /** Which rule: "own" (the head's own task) or "for[i]: make Hyodo, model HC-12". */
  rule: string;
  task: string | null;
  hours: number | null;
  parts_cost: number | null;
  skills: string[];
  failure_cost: number;
  /** false: the rule says the kind does not happen on these machines (`applies: false`); the plan leaves it out. */
  applies: boolean;
  machines: number;
  /** Machines per make and model. */
  models: Record<string, number>;
}

/** A machine's make and model as people say it: its make, model (or machine_model) levels, else its first category. */
function modelLabel(c: Contract, a: MachineAttributes): string {
  const cats = (c.attributes?.columns ?? []).filter((x) => x.kind === "category");
  const named = cats.filter((x) => ["make", "model", "machine_model"].includes(x.name));
  const parts = (named.length > 0 ? named : cats.slice(0, 1)).map((x) => a[x.name]).filter((v) => v !== null);
  return parts.length > 0 ? parts.join(" ") : "(no make or model)";
}

export function profileTasks(
  c: Contract,
  machines: readonly string[],
  /** The attributes' codes, one array per attribute column, by machine (ContractData.attributes). */
  codes: readonly Float64Array[],
  machineTable: ReadonlySet<string> | null,
): { groups: TaskGroupProfile[]; warnings: string[] } {
  const groups: TaskGroupProfile[] = [];
  const warnings: string[] = [];
  if (!c.tasks) return { groups, warnings };
  const attrs = machines.map((_, i) =>
    decodeAttributes(
      c,
      Float64Array.from(codes, (col) => col[i]),
    ),
  );
  for (const h of c.tasks.heads) {
    const byRule = new Map<number | null, TaskGroupProfile>();
    machines.forEach((id, i) => {
      const r = resolveHead(h, id, attrs[i]);
      let g = byRule.get(r.rule);
      if (!g) {
        g = {
          head: h.head,
          rule: r.rule === null ? "own" : `for[${r.rule}]: ${h.for?.[r.rule].label}`,
          task: r.task?.name ?? null,
          hours: r.task?.hours ?? null,
          parts_cost: r.task?.partsCost ?? null,
          skills: r.task?.skills ?? [],
          // A kind that does not happen costs nothing there, whatever the head's own failure costs.
          failure_cost: r.applies ? failureCostOf(r) : 0,
          applies: r.applies,
          machines: 0,
          models: {},
        };
        byRule.set(r.rule, g);
      }
      g.machines++;
      const label = modelLabel(c, attrs[i]);
      g.models[label] = (g.models[label] ?? 0) + 1;
    });
    const rules = [...byRule.keys()];
    groups.push(...[null, ...(h.for ?? []).map((_, i) => i)].flatMap((k) => byRule.get(k) ?? []));
    (h.for ?? []).forEach((o, i) => {
      const at = `tasks.heads.${h.head}.for[${i}]`;
      for (const id of o.machines)
        if (!machines.includes(id) && !machineTable?.has(id))
          warnings.push(
            `${c.source}: ${at}.machines: '${id}' is in neither the telemetry nor the machine table`,
          );
      if (rules.includes(i)) return;
      const any = machines.some((id, j) => overrideMatches(o, id, attrs[j]));
      warnings.push(
        `${c.source}: ${at} (${o.label}) ${
          any
            ? "applies to no machine: an earlier override takes every machine it matches (the first match wins)"
            : "matches no machine of the data: a misspelt level or id?"
        }`,
      );
    });
  }
  return { groups, warnings };
}

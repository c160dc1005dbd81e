// What a contract plan warns of before it plans: a tasks head the model has no head for (and the
// true reason: too few failures to learn, or no such failure kind in its training data at all, a
// misspelt head), a failure kind with a head but no task, and a technician's skill that no task
// asks for (trial: `spindel` for `spindle` was taken silently, and the spindle tasks went
// unplanned as "no technician has skill spindle"). Pure.
import { notAFailureKind } from "../contract/task-kinds.js";
import type { ContractTasks } from "../contract/types.js";
import { didYouMean } from "../core/did-you-mean.js";
import type { HistoryModel } from "../train/history-model.js";
import type { Technician } from "./types.js";

export function headWarnings(model: HistoryModel, tasks: ContractTasks): string[] {
  const out: string[] = [];
  const kinds = model.contract.failures?.kinds ?? null;
  for (const h of tasks.heads) {
    if (model.headNames.includes(h.head) && model.heads[h.head]) continue;
    // A model trained before train refused these (or with a labels contract, whose heads are its modes).
    out.push(
      model.headNames.includes(h.head) || !kinds
        ? `tasks.heads.${h.head}: model ${model.version} has no head for it (too few such failures in its training data's fit or validation part to learn; see its card)`
        : `tasks.heads.${h.head}: model ${model.version} has no head for it: ${notAFailureKind(model.contract, h.head, kinds, "its training data")}, so its risk is not planned: correct the contract and train again`,
    );
  }
  for (const h of model.headNames)
    if (h !== "machine_failure" && model.heads[h] && !tasks.heads.some((x) => x.head === h))
      out.push(
        `${h}: the contract's tasks name no task or cost for this failure kind, so the plan ignores its risk`,
      );
  return out;
}

/** A head that gives at least this many machines one and the same risk is said to be flat. */
export const FLAT_HEAD_MACHINES = 3;

/**
 * A failure kind whose head gives every machine the same risk now (trial 4: the ball screw at 8.23 %
 * on all 22, its service "avoids at most $0" everywhere, and nothing said the forecast was flat): it
 * learned nothing that tells the machines apart, so the plan cannot rank them for it.
 */
export function flatHeadWarnings(
  forecasts: readonly { heads: readonly { head: string; now: number }[] }[],
): string[] {
  const byHead = new Map<string, number[]>();
  for (const f of forecasts)
    for (const h of f.heads) {
      const now = byHead.get(h.head);
      if (now) now.push(h.now);
      else byHead.set(h.head, [h.now]);
    }
  const out: string[] = [];
  for (const [head, now] of byHead) {
    if (now.length < FLAT_HEAD_MACHINES) continue;
    const lo = Math.min(...now);
    if (Math.max(...now) - lo > 1e-9) continue;
    out.push(
      `${head}: the model gives all ${now.length} machines the same risk now (${(lo * 100).toFixed(2)} %): its head learned nothing that tells them apart (too few ${head} failures in its training data? see its card), so the plan cannot tell which machine needs the task first`,
    );
  }
  return out;
}

/** Every skill a task of the contract asks for, a head's own or an override's, sorted. */
export function taskSkills(tasks: ContractTasks): string[] {
  const s = new Set<string>();
  for (const h of tasks.heads)
    for (const t of [h.task, ...(h.for ?? []).map((o) => o.task)]) for (const k of t?.skills ?? []) s.add(k);
  return [...s].sort();
}

/**
 * A technician's skill that no task asks for (`file` names the technicians file): taken, since a
 * shop's file may list skills for work outside the contract, but said with the skills the tasks use,
 * as skills match exactly. Silent when no task asks for a skill: every technician may do any task.
 * And a technician without shifts (every shift of the week) in a file where others have them.
 */
export function technicianWarnings(
  technicians: readonly Technician[],
  tasks: ContractTasks,
  file: string,
): string[] {
  const out: string[] = [];
  // A technician without `shifts` works every shift of the week, back to back. In a file where the
  // others have shifts that is a line left out more often than meant (trial 9: a night-shift
  // technician booked day, evening and night of one Tuesday): taken, but said.
  const someHave = technicians.some((t) => t.shifts);
  technicians.forEach((t, i) => {
    if (someHave && !t.shifts)
      out.push(
        `${file}: technicians[${i}] (${t.name}) has no shifts: available in every shift of the week; give shifts (e.g. [weekdays night]) if that is not so`,
      );
  });
  const used = taskSkills(tasks);
  if (used.length === 0) return out;
  technicians.forEach((t, i) => {
    t.skills.forEach((s, j) => {
      if (s === "*" || used.includes(s)) return;
      out.push(
        `${file}: technicians[${i}].skills[${j}]: '${s}' (${t.name}) is a skill no task of the contract asks for (its tasks ask for ${used.join(", ")}${didYouMean(s, used)}), so it qualifies ${t.name} for no task`,
      );
    });
  });
  return out;
}

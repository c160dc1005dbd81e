// A contract's tasks against the kinds its data holds. A failures contract learns its failure kinds
// and its `since` tables' kinds from the data, so a misspelt head (HYD_LEAKS for HYD_LEAK) or task
// event kind (CLNT_PMP for CLNT_PUMP) loads fine: the head then gets no model head and its risk is
// never planned, and the event restarts no `since` feature (trial: both passed check and train and
// surfaced only in plan, the head as "too few failures"). `check` lists these as problems and
// `train --contract` refuses them; the plan says the same reason. Pure: `c` is the contract as
// training resolved it (kinds learned); one not yet learned has nothing to compare with.
import { didYouMean } from "../core/did-you-mean.js";
import { join } from "../core/yamlcheck.js";
import type { Contract, EventSpec, TaskSpec } from "./types.js";

export interface TaskKindMismatch {
  /** The contract key: tasks.heads.HYD_LEAKS, tasks.heads.CLNT_PUMP.for[0].task.event.kind. */
  field: string;
  /** Names the contract file, the key, the kinds the data has and a close one. */
  message: string;
}

/** Why `head` is not a failure kind of `kinds` (the failures' kinds in `data`: "the data"), in words. */
export function notAFailureKind(
  c: Contract,
  head: string,
  kinds: readonly string[],
  data = "the data",
): string {
  const column = c.failures?.kind;
  if (!column)
    return `'${head}' is not a failure kind: the failures have no kind column (failures.kind), so the only head is machine_failure`;
  return `'${head}' is not a failure kind of ${data} (the failures' ${column} column holds ${kinds.join(", ") || "nothing"}${didYouMean(head, kinds)})`;
}

function eventKindWords(c: Contract, spec: EventSpec, kind: string): string {
  const kinds = spec.kinds ?? [];
  if (!spec.kind)
    return `'${kind}' is not a kind of ${spec.name}: it has no kind column, so its event takes no kind (leave event.kind out)`;
  const reset = c.failures?.resets === spec.name ? " and the failures it resets" : "";
  return `'${kind}' is not a kind of ${spec.name} in the data (its ${spec.kind} column${reset}: ${kinds.join(", ") || "none"}${didYouMean(kind, kinds)}): doing the task would restart no since feature, and plan refuses it`;
}

/**
 * A mismatch in a part of the contract's telemetry (`--data`, say one make's file), as `train` and
 * `check` warn of it rather than refuse it: the kind may only be missing because its failures are
 * all on machines outside that file.
 */
export function partMismatchWarning(m: TaskKindMismatch): string {
  return `${m.message} (in this --data; the contract's whole telemetry may have it)`;
}

export function taskKindMismatches(c: Contract): TaskKindMismatch[] {
  const tasks = c.tasks;
  const kinds = c.failures?.kinds;
  // A labels contract's heads are its modes, checked when it loads (contract/tasks.ts).
  if (!tasks || !kinds) return [];
  const out: TaskKindMismatch[] = [];
  const add = (field: string, words: string) =>
    out.push({ field, message: `${c.source}: ${field}: ${words}` });
  for (const h of tasks.heads) {
    const path = join("tasks.heads", h.head);
    if (h.head !== "machine_failure" && !kinds.includes(h.head))
      add(
        path,
        `${notAFailureKind(c, h.head, kinds)}: the model would have no head for it and the plan would never plan its risk`,
      );
    const own = h.task?.event;
    const tasksOf: [TaskSpec | null, string][] = [
      [h.task, join(path, "task")],
      ...(h.for ?? []).map((o, i): [TaskSpec | null, string] => [o.task, `${join(path, "for")}[${i}].task`]),
    ];
    for (const [t, at] of tasksOf) {
      const e = t?.event;
      if (!e || !("table" in e)) continue;
      // An override's task inherits the head's event: said once, at the head's own task.
      if (t !== h.task && own && "table" in own && own.table === e.table && own.kind === e.kind) continue;
      const spec = c.events.find((x) => x.name === e.table);
      if (!spec?.kinds || spec.kinds.includes(e.kind)) continue;
      add(`${at}.event.kind`, eventKindWords(c, spec, e.kind));
    }
  }
  return out;
}

// The plan's tasks and costs from a file of their own: MILLWRIGHT_COSTS, `plan --costs`, PUT
// /v1/plan/costs. The file is the contract's `tasks:` key as written in a contract (copied out
// of it and edited), read against the served model's contract: its failure kinds, readings,
// event tables and machine-table attributes. Prices, hours and skills change more often than the
// model (trial 3: a new repair cost reached the plan only by training anew from the export files,
// which lost the server's own history, and a retraining keeps the champion's stored contract).
// The model's own `tasks:` stay in its card; the plan uses these. Pure.
import { configError, mapping, parseYaml } from "../core/yamlcheck.js";
import { validateTasks } from "../contract/tasks.js";
import type { ContractTasks } from "../contract/types.js";
import type { HistoryModel } from "../train/history-model.js";

/** `text` (YAML: `tasks: {…}`) checked as the contract's `tasks:`; errors name `file` and the key path. */
export function parseCostsFile(text: string, file: string, model: HistoryModel): ContractTasks {
  const c = model.contract;
  const doc = parseYaml(text, file);
  if (doc && typeof doc === "object" && "failure" in doc)
    throw configError(
      file,
      "failure",
      "is the retired AI4I planner's costs format (examples/costs.yaml): a contract model's costs file is the contract's tasks: key, copied out of it and edited",
    );
  const root = mapping(doc, file, "", ["tasks"], ["tasks"]);
  const tasks = validateTasks(root.tasks, file, {
    counter: c.time?.counter !== false,
    readings: c.readings,
    events: c.events,
    heads: model.headNames.filter((h) => h !== "machine_failure"),
    attributes: c.attributes?.columns ?? [],
  });
  if (!tasks) throw configError(file, "tasks", "is empty: give the heads (as the contract's tasks: key)");
  return tasks;
}

/** The model as the plan sees it with `tasks` in place of its contract's (null: the contract's own). */
export function withTasks(model: HistoryModel, tasks: ContractTasks | null): HistoryModel {
  return tasks ? { ...model, contract: { ...model.contract, tasks } } : model;
}

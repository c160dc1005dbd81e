// A registry version read as the contract server serves it: a data-contract model, or an error.
import { MillwrightError } from "../../core/errors.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { type HistoryModel, historyModelFromJSON, isHistoryModelJSON } from "../../train/history-model.js";

/** Loads a version that must be a data-contract model. */
export function loadHistoryModel(registry: ModelRegistry, ref: string): HistoryModel {
  const { obj, file, version } = registry.readModelJson(ref);
  if (!isHistoryModelJSON(obj))
    throw new MillwrightError("MW_MODEL_CORRUPT", `${file}: model ${version} is not a data-contract model`, {
      file,
    });
  return historyModelFromJSON(obj, file);
}

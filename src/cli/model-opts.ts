// The options that name a registered model: `--registry DIR` (default ./models or
// MILLWRIGHT_REGISTRY) and `--model REF` (a version or an alias; default champion).
import { ModelRegistry } from "../registry/registry.js";
import type { ModelBundle } from "../train/bundle.js";
import { type HistoryModel, historyModelFromJSON, isHistoryModelJSON } from "../train/history-model.js";
import { DEFAULT_REGISTRY } from "./io.js";

export function registryOpt(values: Record<string, unknown>): ModelRegistry {
  return new ModelRegistry((values.registry as string | undefined) ?? DEFAULT_REGISTRY);
}

export function modelRefOpt(values: Record<string, unknown>): string {
  return (values.model as string | undefined) ?? "champion";
}

/** The model --model names, of either kind: one trained with a data contract, or an AI4I bundle. */
export type RegisteredModel =
  | { kind: "history"; model: HistoryModel }
  | { kind: "ai4i"; bundle: ModelBundle };

export function registeredModelOpt(values: Record<string, unknown>): RegisteredModel {
  const registry = registryOpt(values);
  const ref = modelRefOpt(values);
  const stored = registry.readModelJson(ref);
  if (isHistoryModelJSON(stored.obj))
    return { kind: "history", model: historyModelFromJSON(stored.obj, stored.file) };
  return { kind: "ai4i", bundle: registry.load(ref) };
}

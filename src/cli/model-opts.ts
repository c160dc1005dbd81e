// The options that name a registered model: `--registry DIR` (default ./models or
// MILLWRIGHT_REGISTRY) and `--model REF` (a version or an alias; default champion).
import { MillwrightError } from "../core/errors.js";
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

/**
 * The data-contract model --model names (default the champion) with its folder, for a command that
 * reads its server's history log (`monitor --once`, `predictions export`). An AI4I app model is
 * refused: the AI4I app and its log are retired (docs/one-server.md); the AI4I example trains as
 * a contract model.
 */
export function contractModelOpt(
  values: Record<string, unknown>,
  command: string,
): { model: HistoryModel; versionDir: string } {
  const registry = registryOpt(values);
  const stored = registry.readModelJson(modelRefOpt(values));
  if (!isHistoryModelJSON(stored.obj)) refuseAi4iModel(stored.version, command);
  return {
    model: historyModelFromJSON(stored.obj, stored.file),
    versionDir: registry.versionDir(stored.version),
  };
}

/** What to do with a registry of the retired AI4I app: train the AI4I example as a data contract. */
export const TRAIN_AI4I_CONTRACT = "millwright train --contract examples/contracts/ai4i.yaml";

/**
 * Refuses a command on a model of the retired AI4I app (docs/one-server.md, step 3): nothing serves,
 * retrains or plans with one any more, and the AI4I example trains as a data contract instead.
 */
export function refuseAi4iModel(version: string, command: string): never {
  throw new MillwrightError(
    "MW_BAD_INPUT",
    `model ${version} is a model of the retired AI4I app, which \`millwright ${command}\` no longer runs; train the AI4I example as a data contract with \`${TRAIN_AI4I_CONTRACT}\` (into another --registry, or promote it here)`,
  );
}

// `millwright up` (what `npm start` runs): the AI4I example served as a data-contract model (issue 15:
// one server; docs/one-server.md). On an empty registry it simulates the AI4I fleet, trains
// examples/contracts/ai4i.yaml on it and serves the contract server; --simulate
// streams the live AI4I simulator into it in the contract's names, the ground truth following on
// POST /v1/feedback, with the drift scenarios switchable over GET /v1/sim and POST /v1/sim/scenario.
import { join } from "node:path";
import { loadContract } from "../../contract/load.js";
import { PACKAGE_ROOT } from "../../core/version.js";
import { readContractData } from "../../data/contract-data.js";
import type { ScenarioName } from "../../data/scenarios.js";
import { ModelRegistry } from "../../registry/registry.js";
import { trainHistoryAndRegister } from "../../registry/train-history.js";
import { startContractServer } from "../../serve/contract/server.js";
import { contractWire } from "../../sim/contract-wire.js";
import type { LiveSimulation } from "../../sim/live.js";
import { isHistoryModelJSON } from "../../train/history-model.js";
import type { Config } from "../config.js";
import { progressBar } from "../io.js";
import { printUrls, waitForSignal } from "./serve.js";
import { ensureTokens } from "../tokens.js";
import { fleetNewest, needsFirstModel, simulatedFleetCsv, startFleetSimulation } from "./up-fleet.js";

import { AI4I_CONTRACT } from "./train.js";
/** Who the plan may give the contract's tasks to (their skills are the tasks' skills, not makes). */
export const AI4I_TECHNICIANS = join(PACKAGE_ROOT, "examples", "contracts", "ai4i-technicians.yaml");

/** A champion this fleet cannot serve: an AI4I app model, or another contract's. */
function notAi4iContract(name: string) {
  return (obj: unknown): string | null => {
    if (!isHistoryModelJSON(obj))
      return "is a model of the retired AI4I app, which Millwright no longer serves (docs/one-server.md); move the folder away or set MILLWRIGHT_REGISTRY to another one, and the AI4I contract is trained there";
    const theirs = (obj as { contract?: { name?: string } }).contract?.name;
    return theirs === name
      ? null
      : `is a model of contract '${theirs}', not '${name}'; set MILLWRIGHT_REGISTRY to another folder`;
  };
}

function ensureAi4iContractModel(cfg: Config, log: (s: string) => void): void {
  const { contract, text } = loadContract(AI4I_CONTRACT);
  const registry = new ModelRegistry(cfg.registryDir);
  if (!needsFirstModel(registry, notAi4iContract(contract.name))) return;
  const file = simulatedFleetCsv(cfg, log);
  const data = readContractData(contract, { telemetry: file, learn: true, labels: "require" });
  log(`training ${AI4I_CONTRACT} on ${data.telemetry.n} readings`);
  const res = trainHistoryAndRegister(registry, data, text, {
    seed: 42,
    split: { by: "time", testFrom: null },
    onProgress: progressBar("training"),
  });
  const m = res.fit.metrics.machine_failure;
  log(
    `model ${res.version} (contract ${contract.name}): PR-AUC ${m?.pr_auc?.toFixed(3)} ROC-AUC ${m?.roc_auc?.toFixed(3)} F1 ${m?.f1.toFixed(3)} (test part)`,
  );
}

export async function upAi4iContract(
  cfg: Config,
  opts: {
    host: string;
    port: number;
    simulate: boolean;
    pace: number;
    machines: number;
    scenario: ScenarioName | null;
  },
): Promise<number> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  ensureAi4iContractModel(cfg, log);
  const tokenFile = ensureTokens(cfg);
  let sim: LiveSimulation | null = null;
  const server = await startContractServer(cfg, {
    host: opts.host,
    port: opts.port,
    simulation: opts.simulate ? () => sim : undefined,
    technicians: cfg.planning.techniciansFile ?? AI4I_TECHNICIANS,
  });
  printUrls(server.url);
  if (tokenFile) log(`  tokens    ${tokenFile} (admin, feedback, hook)`);
  if (opts.simulate) {
    // The contract counts processes (UDI): the counter goes on after its history's newest, and after
    // the champion's training data (a retraining takes a logged reading later than those only).
    const registry = new ModelRegistry(cfg.registryDir);
    const trained = registry.readJson(registry.resolve("champion"), "lineage.json") as {
      time_range?: { to: number } | null;
    } | null;
    const newest = Math.max((await fleetNewest(server.url)) ?? 0, trained?.time_range?.to ?? 0);
    const wire = contractWire(server.models.service.model.contract, newest);
    sim = startFleetSimulation(server.url, cfg, { ...opts, wire }, log);
  }
  await waitForSignal(async () => {
    await sim?.stop();
    await server.close();
  });
  return 0;
}

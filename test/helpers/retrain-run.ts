// A data-contract champion worth retraining, served: the AI4I contract trained as one stump (weak, so
// the server's gate promotes a challenger trained with the usual parameters) on a simulated fleet,
// a real contract server on it (SQLite log in `dir`/data, or PostgreSQL with DATABASE_URL), sent a
// drift window of readings after the training data's counter and every label by prediction id.
// `millwright retrain run` then has a log to train from (test/cli/retrain-run.test.ts, the workflow's
// steps in test/deploy/retrain-workflow.test.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AI4I_CONTRACT } from "../../src/cli/commands/train.js";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { fleetToCsv } from "../../src/data/fleet-csv.js";
import { simulateFleet } from "../../src/data/simulate.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { AI4I_MACHINES, type Ai4iContractServed, serveAi4iContract } from "./ai4i-contract.js";
import { sendAi4iLabels, sendAi4iWindow } from "./ai4i-windows.js";

/** Version 1.0.0 (one stump) in `dir`/models, served and sent a labelled window; the caller closes it. */
export async function servedWeakChampion(
  dir: string,
  env: Record<string, string> = {},
): Promise<{ registryDir: string; served: Ai4iContractServed }> {
  const rows = simulateFleet({ machines: AI4I_MACHINES, days: 4, seed: 7 });
  const file = join(dir, "fleet.csv");
  writeFileSync(file, fleetToCsv(rows));
  const { contract, text } = loadContract(AI4I_CONTRACT);
  const registry = new ModelRegistry(join(dir, "models"));
  const data = readContractData(contract, { telemetry: file, learn: true, labels: "require" });
  trainHistoryAndRegister(registry, data, text, {
    seed: 42,
    split: { by: "time", testFrom: null },
    params: { nEstimators: 1, maxDepth: 1 },
  });
  const served = await serveAi4iContract(
    { dir, registryDir: registry.dir },
    { dataDir: "data", simulate: false, env },
  );
  // Logged readings join the training data after its last counter.
  const counterFrom = Math.max(...rows.map((r) => Number(r.udi)));
  const sent = await sendAi4iWindow(served.url, { seed: 11, counterFrom });
  await sendAi4iLabels(served.url, sent);
  return { registryDir: registry.dir, served };
}

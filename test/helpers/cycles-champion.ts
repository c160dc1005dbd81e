// Shop C1 (shop-cycles.ts) written to a temporary folder and its champion trained with a split by
// machine into a new registry: where the retraining tests on run-to-failure units start.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { SHOP_CYCLES_CONTRACT, shopCycles } from "./shop-cycles.js";

export function cyclesChampion(units: number, prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const shop = shopCycles({ units, seed: 7 });
  writeFileSync(join(dir, "telemetry.csv"), shop.telemetry);
  writeFileSync(join(dir, "failures.csv"), shop.failures);
  writeFileSync(join(dir, "contract.yaml"), SHOP_CYCLES_CONTRACT);
  const { contract } = loadContract(join(dir, "contract.yaml"));
  const registry = new ModelRegistry(join(dir, "models"));
  const data = readContractData(contract, { learn: true, labels: "require" });
  const champ = trainHistoryAndRegister(registry, data, SHOP_CYCLES_CONTRACT, {
    seed: 7,
    split: { by: "machine" },
  });
  return { dir, registry, champ };
}

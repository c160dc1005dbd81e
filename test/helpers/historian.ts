// A simulated historian export in a temp folder, beside a copy of examples/contracts/historian.yaml
// (whose paths point at ../historian/), for the tests that train and serve a contract model.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulateHistorian } from "../../src/data/historian.js";
import { historianToCsv } from "../../src/data/historian-csv.js";

export interface HistorianShop {
  dir: string;
  /** The contract file's path. */
  contract: string;
  /** The telemetry file's path. */
  telemetry: string;
}

export function historianShop(
  opts: { machines: number; days: number; seed: number },
  prefix = "mw-shop-",
): HistorianShop {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "historian"));
  mkdirSync(join(dir, "contracts"));
  for (const [name, text] of Object.entries(historianToCsv(simulateHistorian(opts))))
    writeFileSync(join(dir, "historian", name), text);
  const contract = join(dir, "contracts", "historian.yaml");
  copyFileSync("examples/contracts/historian.yaml", contract);
  return { dir, contract, telemetry: join(dir, "historian", "telemetry.csv") };
}

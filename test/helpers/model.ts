// A registry with one trained model, for tests that need a real model: a small simulated fleet,
// trained with the shipping pipeline (fewer rounds to stay fast).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fleetToCsv } from "../../src/data/fleet-csv.js";
import { simulateFleet } from "../../src/data/simulate.js";
import { writeFileAtomic } from "../../src/registry/fsutil.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainAndRegister } from "../../src/registry/training.js";
import type { FleetReading } from "../../src/data/simulate.js";

export interface TrainedFixture {
  dir: string;
  registry: ModelRegistry;
  dataFile: string;
  rows: FleetReading[];
  version: string;
  cleanup(): void;
}

export function trainedRegistry(
  opts: { machines?: number; days?: number; seed?: number } = {},
): TrainedFixture {
  const dir = mkdtempSync(join(tmpdir(), "mw-reg-"));
  const rows = simulateFleet({ machines: opts.machines ?? 12, days: opts.days ?? 14, seed: opts.seed ?? 7 });
  const dataFile = join(dir, "fleet.csv");
  writeFileAtomic(dataFile, fleetToCsv(rows));
  const registry = new ModelRegistry(join(dir, "models"));
  const res = trainAndRegister(
    registry,
    { rows, data: { file: dataFile, sha256: "test" } },
    { seed: 1, params: { nEstimators: 60 } },
  );
  return {
    dir,
    registry,
    dataFile,
    rows,
    version: res.version,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

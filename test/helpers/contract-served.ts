// Data-contract models for the tests: a simulated historian shop with one version trained on it
// (trainedShop), or two versions and v1's service on a real SQLite history log with its monitor
// (serveTwoVersions, as the swap and shadow tests start it); the test builds its app on top.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Registry as PromRegistry } from "prom-client";
import { loadContract } from "../../src/contract/load.js";
import type { Contract } from "../../src/contract/types.js";
import { type ContractData, readContractData } from "../../src/data/contract-data.js";
import type { GbdtParams } from "../../src/model/types.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { ContractService } from "../../src/serve/contract/contract-service.js";
import { ContractMonitor } from "../../src/monitor/live/monitor.js";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import type { HistoryModel } from "../../src/train/history-model.js";
import { historianShop } from "./historian.js";
import type { FastifyInstance } from "fastify";
import { buildContractApp, type ContractAppOptions } from "../../src/serve/contract/app.js";

const SPLIT = { by: "time" as const, testFrom: null };

export interface TrainedShop {
  dir: string;
  registry: ModelRegistry;
  /** The trained version (seed 1, split by time), and its model loaded. */
  version: string;
  model: HistoryModel;
  /** What it was trained from, to train another version the same way. */
  contract: Contract;
  data: ContractData;
  text: string;
  /** The telemetry file's path. */
  telemetry: string;
}

/** A simulated historian shop (12 machines, 45 days, seed 7) in a temp folder, one version trained. */
/** `edit`: the example contract's text changed before training (a key the example leaves out). */
export function trainedShop(prefix: string, edit?: (contract: string) => string): TrainedShop {
  const shop = historianShop({ machines: 12, days: 45, seed: 7 }, prefix);
  if (edit) writeFileSync(shop.contract, edit(readFileSync(shop.contract, "utf8")));
  const { contract, text } = loadContract(shop.contract);
  const registry = new ModelRegistry(join(shop.dir, "models"));
  const data = readContractData(contract, { learn: true, labels: "require" });
  const version = trainHistoryAndRegister(registry, data, text, { seed: 1, split: SPLIT }).version;
  const model = registry.historyModel(version);
  return { dir: shop.dir, registry, version, model, contract, data, text, telemetry: shop.telemetry };
}

export interface ServedContract {
  dir: string;
  registry: ModelRegistry;
  v1: string;
  v2: string;
  log: SqliteHistoryLog;
  prom: PromRegistry;
  monitor: ContractMonitor;
  service: ContractService;
  /** What buildContractApp takes of these: the service, its monitor and the metrics registry. */
  appOptions: { service: ContractService; monitor: ContractMonitor; metricsRegistry: PromRegistry };
}

/** The shop's machine ids M01 … Mnn. */
export const machineIds = (n: number) =>
  Array.from({ length: n }, (_, i) => `M${String(i + 1).padStart(2, "0")}`);

/** Hour `h` from 2027-01-01T00:00Z, as the readings' timestamps. */
export const at = (h: number) => new Date(Date.UTC(2027, 0, 1) + h * 3600_000).toISOString();

/** Machine `m`'s reading at hour `h`: values that move with the hour (`loadShift` moves the load). */
export const hourlyReading = (m: string, h: number, loadShift = 0) => ({
  machine_id: m,
  timestamp: at(h),
  spindle_speed: 8000 + ((h * 37) % 2000),
  spindle_load: 30 + ((h * 13 + loadShift) % 40),
  vibration: 1 + ((h * 7) % 10) / 10,
});

/** A trained shop with a second version (seed 2, `v2Params`) and v1 served on `h.db`. */
export async function serveTwoVersions(
  prefix: string,
  v2Params?: Partial<GbdtParams>,
): Promise<ServedContract> {
  const { dir, registry, version: v1, model, data, text } = trainedShop(prefix);
  const v2 = trainHistoryAndRegister(registry, data, text, {
    seed: 2,
    split: SPLIT,
    params: v2Params,
  }).version;
  const log = new SqliteHistoryLog(join(dir, "h.db"));
  const prom = new PromRegistry();
  const monitor = new ContractMonitor(model, registry.versionDir(v1), prom);
  const service = await ContractService.open(model, registry.versionDir(v1), log, [monitor]);
  const appOptions = { service, monitor, metricsRegistry: prom };
  return { dir, registry, v1, v2, log, prom, monitor, service, appOptions };
}

export interface ShopApp {
  app: FastifyInstance;
  log: SqliteHistoryLog;
  /** Closes the app, then its log. */
  close(): Promise<void>;
}

/**
 * A trained shop's version served as the server wires it (its monitor on a metrics registry, a
 * real SQLite history log `h.db` in the shop's folder), built with `options` (tokens, maxBatch, …).
 */
export async function servedShop(
  shop: TrainedShop,
  options: Omit<ContractAppOptions, "service" | "monitor" | "metricsRegistry">,
  setup?: (service: ContractService) => void,
): Promise<ShopApp> {
  const log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  const metricsRegistry = new PromRegistry();
  const dir = shop.registry.versionDir(shop.version);
  const monitor = new ContractMonitor(shop.model, dir, metricsRegistry);
  const service = await ContractService.open(shop.model, dir, log, [monitor]);
  setup?.(service);
  const app = await buildContractApp({ ...options, service, monitor, metricsRegistry });
  return {
    app,
    log,
    close: async () => {
      await app.close();
      await log.close();
    },
  };
}

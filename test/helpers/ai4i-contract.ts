// The AI4I example as a data-contract model (examples/contracts/ai4i.yaml) trained here on a small
// simulated fleet, served by a real contract server on 127.0.0.1 (SQLite history in a temp folder),
// with the live AI4I simulator feeding it as `up --simulate` does.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { AI4I_CONTRACT } from "../../src/cli/commands/train.js";
import { AI4I_TECHNICIANS } from "../../src/cli/commands/up-ai4i-contract.js";
import { readConfig } from "../../src/cli/config.js";
import type { Config } from "../../src/core/config.js";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { fleetToCsv } from "../../src/data/fleet-csv.js";
import { simulateFleet } from "../../src/data/simulate.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { startContractServer } from "../../src/serve/contract/server.js";
import { contractWire } from "../../src/sim/contract-wire.js";
import { type LiveSimulation, startLiveSimulation } from "../../src/sim/live.js";

export const AI4I_TOKENS = {
  admin: "admin-token-for-scenarios",
  feedback: "feedback-token-for-labels",
  hook: "hook-token-for-alerts",
};
/** One process of the AI4I contract in its names (`timestamp` is its counter, UDI): what tests send. */
export const AI4I_READING = {
  machine_id: "L-01",
  timestamp: 1,
  type: "L",
  air_temperature: 298.1,
  process_temperature: 308.6,
  rotational_speed: 1551,
  torque: 42.8,
  tool_wear: 108,
};
/** The machines of the trained fleet and of the live one: the same mix, so the baseline is calm. */
export const AI4I_MACHINES = 96;

/** A temp folder with version 1.0.0 of the AI4I contract trained on 24 machines × 10 days (seed 7). */
export function ai4iContractShop(prefix: string): { dir: string; registryDir: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, "fleet.csv");
  writeFileSync(file, fleetToCsv(simulateFleet({ machines: AI4I_MACHINES, days: 6, seed: 7 })));
  const { contract, text } = loadContract(AI4I_CONTRACT);
  const registry = new ModelRegistry(join(dir, "models"));
  const data = readContractData(contract, { telemetry: file, learn: true, labels: "require" });
  trainHistoryAndRegister(registry, data, text, { seed: 42, split: { by: "time", testFrom: null } });
  return { dir, registryDir: registry.dir };
}

/** The AI4I contract trained (seed 1) into `dir`/models on a small simulated fleet written to `dir`. */
export function trainAi4iContract(dir: string, fleet: { machines: number; days: number }) {
  const file = join(dir, "fleet.csv");
  writeFileSync(file, fleetToCsv(simulateFleet({ ...fleet, seed: 7 })));
  const { contract, text } = loadContract(AI4I_CONTRACT);
  const registry = new ModelRegistry(join(dir, "models"));
  const data = readContractData(contract, { telemetry: file, learn: true, labels: "require" });
  const { version } = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
  });
  return { registry, version, data };
}

export interface Ai4iContractServed {
  url: string;
  /** Null when started without a simulator. */
  sim: LiveSimulation | null;
  close(): Promise<void>;
}

/**
 * The shop's contract server (its data in `dataDir` under the shop), with the live simulator when
 * `simulate` (a tick every `intervalMs`, labels at once): the simulation is attached as `up` does.
 */
export async function serveAi4iContract(
  shop: { dir: string; registryDir: string },
  /** `env`: more settings (DATABASE_URL: cluster mode). */
  o: { dataDir: string; simulate: boolean; intervalMs?: number; env?: Record<string, string> },
): Promise<Ai4iContractServed> {
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: shop.registryDir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, o.dataDir),
    MILLWRIGHT_ADMIN_TOKEN: AI4I_TOKENS.admin,
    MILLWRIGHT_FEEDBACK_TOKEN: AI4I_TOKENS.feedback,
    MILLWRIGHT_RETRAIN_MODE: "off",
    ...o.env,
  });
  let sim: LiveSimulation | null = null;
  const server = await startContractServer(cfg, {
    host: "127.0.0.1",
    port: 0,
    logger: false,
    simulation: o.simulate ? () => sim : undefined,
  });
  if (o.simulate)
    sim = startLiveSimulation({
      baseUrl: server.url,
      feedbackToken: AI4I_TOKENS.feedback,
      machines: AI4I_MACHINES,
      seed: 11,
      intervalMs: o.intervalMs ?? 1,
      labelDelayMs: 0,
      wire: contractWire(server.models.service.model.contract),
    });
  return {
    url: server.url,
    sim,
    close: async () => {
      await sim?.stop();
      await server.close();
    },
  };
}

export const removeShop = (shop: { dir: string } | undefined) =>
  shop && rmSync(shop.dir, { recursive: true, force: true });

export interface Ai4iContractApp {
  app: FastifyInstance;
  url: string;
  /** The shop's temp folder (the server's data folder is `data` in it). */
  dir: string;
  close(): Promise<void>;
}

/**
 * `millwright serve` of the AI4I contract (ai4iContractShop), in this process so a test can
 * `app.inject`: the shop's tokens, retraining off, `env` over both; close() removes the shop.
 */
export async function startAi4iContractApp(
  prefix: string,
  env: Record<string, string> = {},
  /** Changes what the environment cannot say (timeouts under its 1 s floor). */
  tweak: (cfg: Config) => void = () => {},
  /** The server's log (pino options, e.g. a stream to read its lines); none by default. */
  logger: object | false = false,
): Promise<Ai4iContractApp> {
  const shop = ai4iContractShop(prefix);
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: shop.registryDir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, "data"),
    MILLWRIGHT_ADMIN_TOKEN: AI4I_TOKENS.admin,
    MILLWRIGHT_FEEDBACK_TOKEN: AI4I_TOKENS.feedback,
    MILLWRIGHT_HOOK_TOKEN: AI4I_TOKENS.hook,
    MILLWRIGHT_RETRAIN_MODE: "off",
    ...env,
  });
  tweak(cfg);
  const server = await startContractServer(cfg, {
    host: "127.0.0.1",
    port: 0,
    logger,
    technicians: AI4I_TECHNICIANS,
  }).catch((e) => {
    removeShop(shop);
    throw e;
  });
  return {
    app: server.app,
    url: server.url,
    dir: shop.dir,
    close: async () => {
      await server.close();
      removeShop(shop);
    },
  };
}

/**
 * A simulated AI4I fleet (seed 11, another than training's) posted to the contract server at `url`
 * in the contract's names, 500 readings a request, then a worn, loaded tool on the first three
 * machines (so the board shows more than one risk level), then the ground truth of the first 70 %
 * (feedback token). 8 machines × 14 days is 5,376 readings: the drift window (5,000) is full.
 */
export async function feedAi4iContract(
  url: string,
  fleet = { machines: 8, days: 14 },
): Promise<{ machines: string[] }> {
  const wire = contractWire(loadContract(AI4I_CONTRACT).contract);
  const rows = simulateFleet({ ...fleet, seed: 11 });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(url + path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${AI4I_TOKENS.feedback}` },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { predictions: { id: string }[] };
  };
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500)
    ids.push(
      ...(await post("/v1/predict", rows.slice(i, i + 500).map(wire.reading))).predictions.map((p) => p.id),
    );
  const machines = [...new Set(rows.map((r) => r.machine_id))].sort();
  const newest = Math.max(...rows.map((r) => Number(r.udi)));
  const worn = machines.slice(0, 3).map((id, k) => ({
    ...(wire.reading(rows.findLast((r) => r.machine_id === id) ?? rows[0]) as object),
    timestamp: newest + 1 + k,
    rotational_speed: 1400,
    torque: 55 + 5 * k,
    tool_wear: 200 + 15 * k,
  }));
  await post("/v1/predict", worn);
  const labelled = ids.slice(0, Math.floor(ids.length * 0.7)).map((id, i) => wire.label(id, rows[i]));
  await post("/v1/feedback", { feedback: labelled });
  return { machines };
}

/**
 * The monitor run three times (admin token), then a MillwrightDataDrift alert to the hook, which
 * starts a retraining (the server needs MILLWRIGHT_RETRAIN_MODE=local); waits for its decision.
 */
export async function alertAndRetrain(url: string): Promise<void> {
  const post = (path: string, body: unknown, token: string) =>
    fetch(url + path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  for (let k = 0; k < 3; k++) await post("/v1/monitor/run", {}, AI4I_TOKENS.admin);
  const alert = {
    status: "firing",
    labels: { alertname: "MillwrightDataDrift", severity: "warning" },
    annotations: { summary: "tool wear drifted" },
    fingerprint: "f1",
  };
  const hook = await post(
    "/v1/hooks/alertmanager",
    { version: "4", status: "firing", alerts: [alert] },
    AI4I_TOKENS.hook,
  );
  if (hook.status !== 200) throw new Error(`the hook: ${hook.status} ${await hook.text()}`);
  for (let i = 0; i < 240; i++) {
    const h = (await (await fetch(`${url}/v1/retrain/history`)).json()) as {
      running: boolean;
      decisions: unknown[];
    };
    if (!h.running && h.decisions.length > 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the retraining made no decision in 2 minutes");
}

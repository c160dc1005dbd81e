// `millwright up --fleet historian`: the data-contract product on one machine. On an empty registry
// it simulates a historian fleet (hourly controller telemetry, machines, alarms, maintenance and
// failures), writes its first 60 days as the shop's export beside a copy of the example contract,
// trains on them, and serves the contract server; --simulate then plays the following days into it,
// one simulated hour per --pace ms, as a live shop would feed it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadContract } from "../../contract/load.js";
import { PACKAGE_ROOT } from "../../core/version.js";
import { readContractData } from "../../data/contract-data.js";
import { historianToCsv } from "../../data/historian-csv.js";
import { type Historian, simulateHistorian } from "../../data/historian.js";
import { ModelRegistry } from "../../registry/registry.js";
import { trainHistoryAndRegister } from "../../registry/train-history.js";
import { startContractServer } from "../../serve/contract/server.js";
import { type HistorianPlayer, playHistorian } from "../../sim/historian-player.js";
import { isHistoryModelJSON } from "../../train/history-model.js";
import type { Config } from "../config.js";
import { progressBar } from "../io.js";
import { printUrls, waitForSignal } from "./serve.js";
import { fleetNewest, needsFirstModel } from "./up-fleet.js";
import { ensureTokens } from "../tokens.js";

/** Days of the simulation the first model trains on; the rest is played live. */
export const TRAIN_DAYS = 60;
const PLAY_DAYS = 120;
const SEED = 7;

/** The first `hours` of a simulation, as the export of that moment would hold it. */
export function firstHours(h: Historian, hours: number): Historian {
  const end = h.startMs + hours * 3_600_000;
  return {
    ...h,
    hours,
    alarms: h.alarms.filter((e) => e.ms < end),
    maintenance: h.maintenance.filter((e) => e.ms < end),
    failures: h.failures.filter((e) => e.ms < end),
  };
}

function ensureHistorianModel(cfg: Config, machines: number, h: Historian, log: (s: string) => void): void {
  const registry = new ModelRegistry(cfg.registryDir);
  const notContract = (obj: unknown) =>
    isHistoryModelJSON(obj)
      ? null
      : "is an AI4I model; for the historian fleet set MILLWRIGHT_REGISTRY to another folder";
  if (!needsFirstModel(registry, notContract)) return;
  const dir = join(cfg.dataDir, "historian");
  mkdirSync(dir, { recursive: true });
  log(`no model yet: simulating ${machines} machines × ${TRAIN_DAYS} days of historian export into ${dir}`);
  for (const [name, text] of Object.entries(historianToCsv(firstHours(h, TRAIN_DAYS * 24))))
    writeFileSync(join(dir, name), text);
  // The example contract reads ../historian/ beside it; this copy reads the files beside it.
  const example = readFileSync(join(PACKAGE_ROOT, "examples", "contracts", "historian.yaml"), "utf8");
  const contractFile = join(dir, "contract.yaml");
  writeFileSync(contractFile, example.replace(/\.\.\/historian\//g, ""));
  const { contract, text } = loadContract(contractFile);
  const data = readContractData(contract, { learn: true, labels: "require" });
  log(`training on ${data.telemetry.n} hourly readings through ${contractFile}`);
  const res = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
    onProgress: progressBar("training"),
  });
  log(`model ${res.version} (contract ${contract.name}) registered in ${registry.dir}`);
}

export async function upHistorian(
  cfg: Config,
  opts: { host: string; port: number; simulate: boolean; pace: number; machines: number },
): Promise<number> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  // Its own registry unless one is named: the AI4I fleet's champion stays where it is.
  if (!process.env.MILLWRIGHT_REGISTRY) cfg.registryDir = resolve("./models-historian");
  const h = simulateHistorian({ machines: opts.machines, days: TRAIN_DAYS + PLAY_DAYS, seed: SEED });
  ensureHistorianModel(cfg, opts.machines, h, log);
  const tokenFile = ensureTokens(cfg);
  const technicians =
    cfg.planning.techniciansFile ?? join(PACKAGE_ROOT, "examples", "contracts", "historian-technicians.yaml");
  const server = await startContractServer(cfg, { host: opts.host, port: opts.port, technicians });
  printUrls(server.url);
  if (tokenFile) log(`  tokens    ${tokenFile} (admin, feedback, hook)`);
  let player: HistorianPlayer | null = null;
  if (opts.simulate) {
    // A restarted server goes on from where its history log ends, not from day 60 again.
    const newestMs = await fleetNewest(server.url);
    const newest = Math.max(TRAIN_DAYS * 24 - 1, newestMs === null ? 0 : (newestMs - h.startMs) / 3_600_000);
    player = playHistorian(h, {
      baseUrl: server.url,
      feedbackToken: cfg.tokens.feedback,
      fromHour: Math.floor(newest) + 1,
      paceMs: opts.pace,
      log,
    });
    log(`  playing the historian fleet's next ${PLAY_DAYS} days, one simulated hour every ${opts.pace} ms`);
  }
  await waitForSignal(async () => {
    await player?.stop();
    await server.close();
  });
  return 0;
}

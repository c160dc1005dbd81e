import { MillwrightError } from "../../core/errors.js";
import { loadCsvFile } from "../../data/load.js";
import { SCENARIOS, type ScenarioName } from "../../data/scenarios.js";
import { simulatedMachines } from "../../data/simulate.js";
import { ModelRegistry } from "../../registry/registry.js";
import { trainAndRegister } from "../../registry/training.js";
import { startServer } from "../../serve/server.js";
import { type Config, readConfig } from "../config.js";
import { ensureTokens } from "../tokens.js";
import { intOpt, outThen, parse, portOpt, progressBar, type Options } from "../io.js";
import { printUrls, waitForSignal } from "./serve.js";
import { upAi4iContract } from "./up-ai4i-contract.js";
import { needsFirstModel, simulatedFleetCsv, startFleetSimulation } from "./up-fleet.js";
import { upHistorian } from "./up-historian.js";

export const UP_HELP = `millwright up [--port 8080] [--host 127.0.0.1] [--simulate] [--scenario NAME] [--pace MS] [--machines N] [--fleet ai4i|ai4i-contract|historian]

Millwright's main job on one machine (what \`npm start\` runs): if the registry is empty, it
simulates a fleet (24 machines, 30 days) into MILLWRIGHT_DATA_DIR and trains the first model (versions
without a champion alias: it refuses, exit 2, and says how to promote one); then
it serves the API, docs, metrics and dashboard. Tokens not set in the environment are generated
once and kept in MILLWRIGHT_DATA_DIR/tokens.json (mode 0600).

--simulate streams live readings from the simulated fleet into the server every --pace ms
(default 2000), sends the ground truth after a delay, and lets you switch a drift scenario on while
it runs (--scenario, or POST /v1/sim/scenario with the admin token). The simulated machines are
registered, so they appear on the fleet board and in the plan; other machines are registered with
POST /v1/machines (admin token).
Scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}

--fleet ai4i-contract serves the same AI4I fleet as a data-contract model: on an empty registry
(./models-ai4i-contract unless MILLWRIGHT_REGISTRY is set) it trains examples/contracts/ai4i.yaml on
the simulated fleet and serves the contract server; --simulate, --scenario and POST /v1/sim/scenario
work as above, the readings in the contract's names (UDI its process counter; rnf, which the contract
has no head for, is left out of the labels).

--fleet historian runs the data-contract product instead: on an empty registry (./models-historian
unless MILLWRIGHT_REGISTRY is set) it simulates a historian fleet, writes its first 60 days as the
shop's export with a copy of examples/contracts/historian.yaml into MILLWRIGHT_DATA_DIR/historian,
trains on them and serves the contract server (dashboard, plan with
examples/contracts/historian-technicians.yaml unless MILLWRIGHT_TECHNICIANS is set, retraining);
--simulate plays the next 120 days into it, one simulated hour every --pace ms.`;

/** Makes sure there is a champion: simulate and train when the registry is empty. */
export function ensureModel(cfg: Config, log: (s: string) => void): void {
  const registry = new ModelRegistry(cfg.registryDir);
  if (!needsFirstModel(registry)) return;
  const file = simulatedFleetCsv(cfg, log);
  const data = loadCsvFile(file, { requireLabels: true });
  log(`training on ${data.rows.length} readings`);
  const res = trainAndRegister(
    registry,
    { rows: data.rows, data: { file, sha256: data.sha256 } },
    { seed: 42, onProgress: progressBar("training") },
  );
  const m = res.fit.metrics;
  log(
    `model ${res.version}: PR-AUC ${m.pr_auc?.toFixed(3)} ROC-AUC ${m.roc_auc?.toFixed(3)} F1 ${m.f1.toFixed(3)} (test split)`,
  );
}

const FLEETS = ["ai4i", "ai4i-contract", "historian"];

const UP_OPTIONS: Options = {
  strings: ["port", "host", "scenario", "pace", "machines", "fleet"],
  flags: ["simulate"],
};

export async function upCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, UP_OPTIONS, UP_HELP);
  if (values.help) return outThen(UP_HELP, 0);
  const scenario = (values.scenario as string | undefined) ?? null;
  if (scenario && !SCENARIOS.some((s) => s.name === scenario))
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `--scenario: unknown '${scenario}'; one of ${SCENARIOS.map((s) => s.name).join(", ")}`,
    );
  // Every option is checked before the first run's simulation and training (a minute or more).
  const port = portOpt(values, 8080);
  const machines = intOpt(values, "machines", 24, 1);
  const pace = intOpt(values, "pace", 2000, 50);
  const cfg = readConfig();
  const fleet = (values.fleet as string | undefined) ?? "ai4i";
  if (!FLEETS.includes(fleet))
    throw new MillwrightError("MW_BAD_INPUT", `--fleet: '${fleet}' is not one of ${FLEETS.join(", ")}`);
  const host = (values.host as string | undefined) ?? "127.0.0.1";
  const simulate = values.simulate === true;
  if (fleet === "historian") {
    if (scenario)
      throw new MillwrightError("MW_BAD_INPUT", "--scenario is for the AI4I fleet, not --fleet historian");
    return upHistorian(cfg, { host, port, simulate, pace, machines });
  }
  if (fleet === "ai4i-contract")
    return upAi4iContract(cfg, {
      host,
      port,
      simulate,
      pace,
      machines,
      scenario: scenario as ScenarioName | null,
    });
  const log = (s: string) => process.stderr.write(`${s}\n`);
  ensureModel(cfg, log);
  const tokenFile = ensureTokens(cfg);
  const server = await startServer(cfg, {
    host,
    port,
    // Only known machines enter the board and the plan: the simulated fleet's are known.
    knownMachines: simulate ? simulatedMachines(machines) : undefined,
  });
  printUrls(server.url);
  if (tokenFile) log(`  tokens    ${tokenFile} (admin, feedback, hook)`);
  const sim = simulate
    ? startFleetSimulation(
        server.url,
        cfg,
        { machines, pace, scenario: scenario as ScenarioName | null },
        log,
      )
    : null;
  server.app.millwright.simulation = sim;
  await waitForSignal(async () => {
    await sim?.stop();
    await server.close();
  });
  return 0;
}

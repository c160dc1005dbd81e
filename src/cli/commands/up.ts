import { MillwrightError } from "../../core/errors.js";
import { SCENARIOS, type ScenarioName } from "../../data/scenarios.js";
import { readConfig } from "../config.js";
import { intOpt, outThen, parse, portOpt, type Options } from "../io.js";
import { upAi4iContract } from "./up-ai4i-contract.js";
import { upHistorian } from "./up-historian.js";

export const UP_HELP = `millwright up [--port 8080] [--host 127.0.0.1] [--simulate] [--scenario NAME] [--pace MS] [--machines N] [--fleet ai4i|historian]

Millwright's main job on one machine (what \`npm start\` runs): if the registry is empty, it
simulates the AI4I fleet (24 machines, 30 days) into MILLWRIGHT_DATA_DIR/fleet.csv, trains
examples/contracts/ai4i.yaml on it and registers the first model (versions without a champion
alias: it refuses, exit 2, and says how to promote one; a champion of another kind or contract:
exit 2); then it serves the data-contract server: API, docs, metrics and dashboard. Tokens not set
in the environment are generated once and kept in MILLWRIGHT_DATA_DIR/tokens.json (mode 0600).

--simulate streams live readings from the simulated fleet into the server every --pace ms
(default 2000) in the contract's names (UDI its process counter, going on after the history's
newest on a restart), sends the ground truth to POST /v1/feedback after a delay (without rnf, which
the contract has no head for), and lets you switch a drift scenario on while it runs (--scenario,
or POST /v1/sim/scenario with the admin token). The plan uses
examples/contracts/ai4i-technicians.yaml unless MILLWRIGHT_TECHNICIANS is set.
Scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}

--fleet ai4i (the default; ai4i-contract is the same fleet's former name).

--fleet historian runs a historian shop instead: on an empty registry (./models-historian
unless MILLWRIGHT_REGISTRY is set) it simulates a historian fleet, writes its first 60 days as the
shop's export with a copy of examples/contracts/historian.yaml into MILLWRIGHT_DATA_DIR/historian,
trains on them and serves the contract server (dashboard, plan with
examples/contracts/historian-technicians.yaml unless MILLWRIGHT_TECHNICIANS is set, retraining);
--simulate plays the next 120 days into it, one simulated hour every --pace ms.`;

// "ai4i-contract" was the AI4I fleet on the contract server while the AI4I app was the default;
// kept so scripts written then still start.
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
  return upAi4iContract(cfg, {
    host,
    port,
    simulate,
    pace,
    machines,
    scenario: scenario as ScenarioName | null,
  });
}

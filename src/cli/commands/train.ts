// `millwright train`: a data contract's model (train-contract.ts); without --contract, the AI4I
// example's contract, so that what it trains serves (the AI4I app's own model is retired,
// docs/one-server.md).
import { join } from "node:path";
import { MillwrightError } from "../../core/errors.js";
import { PACKAGE_ROOT } from "../../core/version.js";
import { trainContract } from "./train-contract.js";
import { intOpt, numOpt, parse, requireOpt, outThen, type Options } from "../io.js";
import { registryOpt } from "../model-opts.js";

/** The built-in contract: the AI4I data set's columns (real or simulated). */
export const AI4I_CONTRACT = join(PACKAGE_ROOT, "examples", "contracts", "ai4i.yaml");

export const TRAIN_HELP = `millwright train --data FILE [--registry DIR] [--seed N] [--cost-miss X --cost-false-alarm Y] [--json]
millwright train --contract FILE [--data TELEMETRY.csv] [--events NAME=FILE]… [--test-from TIME | --split machine] [...]

With --contract, reads your own data as the data contract describes it (README "Data contract"):
telemetry, machine attributes, alarm/maintenance/failure events; builds the history features per
machine; trains machine_failure and one head per failure kind; splits by time (rows before
--test-from train, with a gap of one horizon; default: the last 20 % of the time range tests) or,
with --split machine, holds out whole machines. --data replaces the contract's telemetry file and
--events NAME=FILE an event file (NAME "failures" for the failures file). A tasks: head that is no
failure kind of the data, or a task's event kind its table does not have (a misspelling), is
refused before anything is written (millwright check lists it). The contract is stored with the
version, so predict and evaluate need no --contract.

Without --contract, --data FILE is a CSV with the AI4I header (the UCI file, or \`millwright
simulate\` output) trained with the built-in contract examples/contracts/ai4i.yaml, so the model
serves like any contract model (\`millwright serve\`).
The decision threshold maximises F1 on the validation split, or with --cost-miss and
--cost-false-alarm minimises the expected cost of misses and false alarms.
With --json prints {"version": "...", "metrics": {...}, "heads": {...}} on stdout.`;

const TRAIN_OPTIONS: Options = {
  strings: ["data", "registry", "seed", "cost-miss", "cost-false-alarm", "contract", "test-from", "split"],
  flags: ["json"],
  lists: ["events"],
};

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, TRAIN_OPTIONS, TRAIN_HELP);
  if (values.help) return outThen(TRAIN_HELP, 0);
  const seed = intOpt(values, "seed", 42);
  const costMiss = numOpt(values, "cost-miss");
  const costFa = numOpt(values, "cost-false-alarm");
  if ((costMiss === undefined) !== (costFa === undefined))
    throw new MillwrightError("MW_BAD_INPUT", "--cost-miss and --cost-false-alarm go together");
  const registry = registryOpt(values);
  const threshold =
    costMiss !== undefined
      ? { method: "cost" as const, costMiss, costFalseAlarm: costFa as number }
      : { method: "f1" as const };
  if (values.contract === undefined) {
    requireOpt(values, "data", TRAIN_HELP);
    values.contract = AI4I_CONTRACT;
  }
  return trainContract(values, registry, seed, threshold);
}

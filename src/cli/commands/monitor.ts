import { parse, outThen } from "../io.js";
import { modelRefOpt, refuseAi4iModel, refuseContractChampion, registryOpt } from "../model-opts.js";

export const MONITOR_HELP = `millwright monitor --once [--registry DIR] [--model REF] [--json]

Computes the current monitoring state once and prints it: data drift of recent logged predictions
against the model's training reference, prediction drift, realised quality from labels (count and
time windows) and estimated quality (CBPE). For cron-like use and tests; the server runs the same
computation on a schedule.`;

export async function monitorCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { strings: ["registry", "model"], flags: ["once", "json"] }, MONITOR_HELP);
  if (values.help || !values.once) return outThen(MONITOR_HELP, values.help ? 0 : 2);
  refuseContractChampion(
    values,
    "monitor --once",
    "ask the server: GET /v1/monitor, or POST /v1/monitor/run with the admin token",
  );
  // The AI4I app's log this read is deleted (docs/one-server.md, step 3).
  refuseAi4iModel(registryOpt(values).readModelJson(modelRefOpt(values)).version, "monitor --once");
  return 0;
}

import { MillwrightError } from "../../core/errors.js";
import { isHelpWord, outputOpt, outThen, parse, type Options } from "../io.js";
import { modelRefOpt, refuseAi4iModel, refuseContractChampion, registryOpt } from "../model-opts.js";

export const PREDICTIONS_HELP = `millwright predictions export --out FILE.csv [--since ISO-TIME] [--labelled] [--registry DIR]

Writes logged predictions in the training CSV format (canonical names, labels where known, empty
where not yet known) plus prediction_id (the id the API returned), model_version, predicted_at and
failure_probability, in prediction time order. --labelled keeps only rows with ground truth, ready
for \`millwright train\`. Reads the log from MILLWRIGHT_DATA_DIR (SQLite) or DATABASE_URL.`;

const PREDICTIONS_OPTIONS: Options = { strings: ["out", "since", "registry"], flags: ["labelled"] };

export async function predictionsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (isHelpWord(sub)) return outThen(PREDICTIONS_HELP, 0);
  const { values } = parse(rest, PREDICTIONS_OPTIONS, PREDICTIONS_HELP);
  if (values.help || !sub) return outThen(PREDICTIONS_HELP, sub ? 0 : 2);
  if (sub !== "export")
    throw new MillwrightError("MW_BAD_INPUT", `unknown 'predictions ${sub}'\n\n${PREDICTIONS_HELP}`);
  outputOpt(values, "out", PREDICTIONS_HELP);
  let since: number | undefined;
  if (values.since !== undefined) {
    since = Date.parse(values.since as string);
    if (Number.isNaN(since))
      throw new MillwrightError("MW_BAD_INPUT", `--since: '${String(values.since)}' is not an ISO 8601 time`);
  }
  refuseContractChampion(
    values,
    "predictions export",
    "exporting a contract server's history log is not built yet (docs/one-server.md)",
  );
  // The AI4I app's log this read is deleted (docs/one-server.md, step 3).
  refuseAi4iModel(registryOpt(values).readModelJson(modelRefOpt(values)).version, "predictions export");
  return 0;
}

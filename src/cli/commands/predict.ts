import { loadCsvFile } from "../../data/load.js";
import { MODE_HEADS } from "../../data/schema.js";
import { featureMatrix } from "../../features/physics.js";
import { predictContract } from "./contract-model.js";
import { predictBundle } from "../../train/bundle.js";
import { registeredModelOpt } from "../model-opts.js";
import { writeScoredCsv } from "../prediction-csv.js";
import { command, type Options } from "../io.js";

export const PREDICT_HELP = `millwright predict --data FILE --out FILE.csv [--model REF] [--registry DIR] [--events NAME=FILE]…

Scores every row of a CSV (labels optional) and writes the input rows in order plus
failure_probability, failure_predicted (0/1 at the model's threshold) and one
<mode>_probability column per failure-mode head (twf, hdf, pwf, osf).

A model trained with a data contract reads FILE (or every file a pattern such as 'later/*.csv'
matches: one file per make, written back as the rows read) as its stored contract says, builds each machine's
history from the rows and the events (the event files named at training, or --events NAME=FILE;
NAME "failures" for the failures file) and writes one <kind>_probability per head, with the
probabilities' exact digits. A long export (the contract's long:) is written as the rows it was
read into, one per machine and time (or long.every bucket), each reading under its first column
name, since the model scores those, not the file's one row per tag.`;

const PREDICT_OPTIONS: Options = { strings: ["data", "out", "model", "registry"], lists: ["events"] };

export const predictCommand = command(PREDICT_HELP, PREDICT_OPTIONS, async (cli) => {
  const file = cli.required("data");
  const dest = cli.output("out");
  const model = registeredModelOpt(cli.values);
  if (model.kind === "history") return predictContract(model.model, file, dest, cli.values.events);
  const { bundle } = model;
  const data = loadCsvFile(file);
  const p = predictBundle(bundle, featureMatrix(data.rows));
  const heads = new Map<string, Float64Array>();
  for (const m of MODE_HEADS) if (p.modes[m] !== null) heads.set(m, p.modes[m] as Float64Array);
  const n = writeScoredCsv(dest, {
    raw: data.table,
    failure: p.failure,
    threshold: bundle.threshold.value,
    heads,
    number: (x) => x.toFixed(6),
  });
  process.stderr.write(`wrote ${n} predictions by model ${bundle.version} to ${dest}\n`);
  return 0;
});

import { formatCsv } from "../../data/csv.js";
import { loadCsvFile } from "../../data/load.js";
import { MODE_HEADS } from "../../data/schema.js";
import { featureMatrix } from "../../features/physics.js";
import { ModelRegistry } from "../../registry/registry.js";
import { historyModelFromJSON, isHistoryModelJSON } from "../../train/history-model.js";
import { predictContract } from "./contract-model.js";
import { writeFileAtomic } from "../../registry/fsutil.js";
import { predictBundle } from "../../train/bundle.js";
import { DEFAULT_REGISTRY, outputOpt, outThen, parse, requireOpt } from "../io.js";

export const PREDICT_HELP = `millwright predict --data FILE --out FILE.csv [--model REF] [--registry DIR] [--events NAME=FILE]…

Scores every row of a CSV (labels optional) and writes the input rows in order plus
failure_probability, failure_predicted (0/1 at the model's threshold) and one
<mode>_probability column per failure-mode head (twf, hdf, pwf, osf).

A model trained with a data contract reads FILE as its stored contract says, builds each machine's
history from the rows and the events (the event files named at training, or --events NAME=FILE;
NAME "failures" for the failures file) and writes one <kind>_probability per head, with the
probabilities' exact digits.`;

export async function predictCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      data: { type: "string" },
      out: { type: "string" },
      model: { type: "string" },
      registry: { type: "string" },
      events: { type: "string", multiple: true },
    },
    PREDICT_HELP,
  );
  if (values.help) return outThen(PREDICT_HELP, 0);
  const file = requireOpt(values, "data", PREDICT_HELP);
  const dest = outputOpt(values, "out", PREDICT_HELP);
  const registry = new ModelRegistry((values.registry as string | undefined) ?? DEFAULT_REGISTRY);
  const ref = (values.model as string | undefined) ?? "champion";
  const stored = registry.readModelJson(ref);
  if (isHistoryModelJSON(stored.obj)) {
    const m = historyModelFromJSON(stored.obj, stored.file);
    return predictContract(m, file, dest, values.events);
  }
  const bundle = registry.load(ref);
  const data = loadCsvFile(file);
  const p = predictBundle(bundle, featureMatrix(data.rows));
  // The raw cells, so the output keeps the input exactly as written.
  const raw = data.table;
  const modes = MODE_HEADS.filter((m) => p.modes[m] !== null);
  const header = [
    ...raw.header,
    "failure_probability",
    "failure_predicted",
    ...modes.map((m) => `${m}_probability`),
  ];
  const rows = raw.rows.map((cells, i) => [
    ...cells,
    p.failure[i].toFixed(6),
    p.failure[i] >= bundle.threshold.value ? 1 : 0,
    ...modes.map((m) => (p.modes[m] as Float64Array)[i].toFixed(6)),
  ]);
  writeFileAtomic(dest, formatCsv(header, rows));
  process.stderr.write(`wrote ${rows.length} predictions by model ${bundle.version} to ${dest}\n`);
  return 0;
}

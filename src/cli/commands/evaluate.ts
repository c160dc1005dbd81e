import { loadCsvFile } from "../../data/load.js";
import { evaluateBinary } from "../../evaluate/metrics.js";
import { featureMatrix } from "../../features/physics.js";
import { evaluateContract } from "./contract-model.js";
import { predictBundle } from "../../train/bundle.js";
import { registeredModelOpt } from "../model-opts.js";
import { out, outJson, parse, requireOpt, outThen, type Options } from "../io.js";

export const EVALUATE_HELP = `millwright evaluate --data FILE [--model REF] [--registry DIR] [--events NAME=FILE]… [--json]

Evaluates a registered model (REF: a version or an alias; default champion) on a labelled CSV at
its stored threshold. --json prints roc_auc, pr_auc, precision, recall, f1, accuracy, brier,
threshold, n, positives, confusion_matrix {tp, fp, tn, fn} and model_version.

A model trained with a data contract (FILE may be a pattern, 'later/*.csv': one file per make):
labels come from its failures (rows whose horizon runs past
the end of FILE are censored and left out) and --json adds heads {kind: metrics} and censored;
--events NAME=FILE replaces an event file (NAME "failures" for the failures file).`;

const EVALUATE_OPTIONS: Options = {
  strings: ["data", "model", "registry"],
  flags: ["json"],
  lists: ["events"],
};

export async function evaluateCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, EVALUATE_OPTIONS, EVALUATE_HELP);
  if (values.help) return outThen(EVALUATE_HELP, 0);
  const file = requireOpt(values, "data", EVALUATE_HELP);
  const model = registeredModelOpt(values);
  if (model.kind === "history")
    return evaluateContract(model.model, file, values.events, values.json === true);
  const { bundle } = model;
  const data = loadCsvFile(file, { requireLabels: true });
  const p = predictBundle(bundle, featureMatrix(data.rows));
  const y = Uint8Array.from(data.rows, (r) => (r.machine_failure === 1 ? 1 : 0));
  const m = evaluateBinary(y, p.failure, bundle.threshold.value);
  const res = { ...m, model_version: bundle.version, data: file };
  if (values.json) outJson(res);
  else {
    const f = (x: number | null) => (x === null ? "n/a" : x.toFixed(4));
    out(`model ${bundle.version} on ${file}: n=${m.n} positives=${m.positives}`);
    out(
      `PR-AUC ${f(m.pr_auc)}  ROC-AUC ${f(m.roc_auc)}  F1 ${f(m.f1)}  precision ${f(m.precision)}  recall ${f(m.recall)}  accuracy ${f(m.accuracy)}  brier ${f(m.brier)}`,
    );
    const c = m.confusion_matrix;
    out(`confusion: tp=${c.tp} fp=${c.fp} tn=${c.tn} fn=${c.fn} at threshold ${m.threshold.toFixed(4)}`);
  }
  return 0;
}

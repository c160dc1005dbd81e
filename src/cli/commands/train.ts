import { MillwrightError } from "../../core/errors.js";
import { loadCsvFile } from "../../data/load.js";
import { bootId, holderDead } from "../../registry/lock.js";
import { trainAndRegister } from "../../registry/training.js";
import { trainContract } from "./train-contract.js";
import {
  intOpt,
  numOpt,
  out,
  outJson,
  parse,
  progressBar,
  requireOpt,
  outThen,
  type Options,
} from "../io.js";
import { registryOpt } from "../model-opts.js";

export const TRAIN_HELP = `millwright train --data FILE [--registry DIR] [--seed N] [--cost-miss X --cost-false-alarm Y] [--json]
millwright train --contract FILE [--data TELEMETRY.csv] [--events NAME=FILE]… [--test-from TIME | --split machine] [...]

With --contract, reads your own data as the data contract describes it (README "Data contract"):
telemetry, machine attributes, alarm/maintenance/failure events; builds the history features per
machine; trains machine_failure and one head per failure kind; splits by time (rows before
--test-from train, with a gap of one horizon; default: the last 20 % of the time range tests) or,
with --split machine, holds out whole machines. --data replaces the contract's telemetry file and
--events NAME=FILE an event file (NAME "failures" for the failures file). The contract is stored
with the version, so predict and evaluate need no --contract.

Without --contract: trains the failure model (machine_failure head and one head per learnable failure mode) on a CSV
with the AI4I header or canonical names, evaluates it on a held-out stratified test split, and
registers it as a new version with its card, report, lineage and drift reference.
The decision threshold maximises F1 on the validation split, or with --cost-miss and
--cost-false-alarm minimises the expected cost of misses and false alarms.
With --json prints {"version": "...", "metrics": {...}} on stdout.
The training data is stored by content in REGISTRY/datasets/ and the lineage names it.
Used by the retraining loop: --retrain-run ID writes the run's id into the lineage, --lineage JSON
adds fields to it (what the retraining built the data from); --parent-pid PID stops the training
(nothing registered) once that process is gone.`;

function lineageOpt(v: string | undefined): Record<string, unknown> {
  if (v === undefined) return {};
  let o: unknown;
  try {
    o = JSON.parse(v);
  } catch {
    o = null;
  }
  if (!o || typeof o !== "object" || Array.isArray(o))
    throw new MillwrightError("MW_BAD_INPUT", "--lineage: must be a JSON object");
  return o as Record<string, unknown>;
}

const TRAIN_OPTIONS: Options = {
  strings: [
    "data",
    "registry",
    "seed",
    "cost-miss",
    "cost-false-alarm",
    "contract",
    "test-from",
    "split",
    "parent-pid",
    "retrain-run",
    "lineage",
  ],
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
  if (values.contract !== undefined) return trainContract(values, registry, seed, threshold);
  for (const k of ["events", "test-from", "split"])
    if (values[k] !== undefined)
      throw new MillwrightError("MW_BAD_INPUT", `--${k} needs --contract\n\n${TRAIN_HELP}`);
  const file = requireOpt(values, "data", TRAIN_HELP);
  const data = loadCsvFile(file, { requireLabels: true });
  const bar = progressBar("training", !values.json && process.stderr.isTTY === true);
  // A retraining child: stop (nothing registered) once the server that started it is gone. Checked
  // after each head, the last time just before the version is registered.
  const parent = values["parent-pid"] === undefined ? null : intOpt(values, "parent-pid", 0, 1);
  const onProgress = (f: number, what: string) => {
    if (parent !== null && holderDead({ pid: parent, boot: bootId() }))
      throw new MillwrightError(
        "MW_INTERNAL",
        `the process that started this training (pid ${parent}) is gone: stopped, nothing registered`,
      );
    bar(f, what);
  };
  const run = values["retrain-run"] as string | undefined;
  const extra = lineageOpt(values.lineage as string | undefined);
  if (run) extra.retrain_run = run;
  const res = trainAndRegister(
    registry,
    { rows: data.rows, data: { file, sha256: data.sha256 }, lineage: extra },
    {
      seed,
      threshold,
      onProgress,
    },
  );
  if (values.json)
    outJson({
      version: res.version,
      metrics: res.fit.metrics,
      modes: res.fit.modeMetrics,
      mode_recall: res.fit.modeRecall,
    });
  else {
    const m = res.fit.metrics;
    const f = (x: number | null) => (x === null ? "n/a" : x.toFixed(4));
    out(`registered ${registry.dir}/versions/${res.version}`);
    out(
      `test split: n=${m.n} positives=${m.positives}  PR-AUC ${f(m.pr_auc)}  ROC-AUC ${f(m.roc_auc)}  F1 ${f(m.f1)}  precision ${f(m.precision)}  recall ${f(m.recall)}  threshold ${m.threshold.toFixed(4)}`,
    );
    out(`card:   ${registry.versionDir(res.version)}/card.md`);
    out(`report: ${registry.versionDir(res.version)}/report.html`);
    const idx = registry.readIndex();
    out(`champion: ${idx.aliases.champion ?? "none"}`);
  }
  return 0;
}

// The model card: what the model is, what it was trained on, how good it is on the held-out test split and
// what it must not be used for, as JSON (stored in the registry, read by tools) and Markdown (read by people).
import { fmt } from "./format.js";
import type { BinaryEvaluation, ModeRecall } from "./metrics.js";

export interface ModelCardInput {
  name: string;
  version: string;
  /** ISO 8601. */
  created: string;
  data: { file: string; sha256: string; rows: number; failures: number };
  params: Record<string, unknown>;
  seed: number;
  gitCommit: string | null;
  millwrightVersion: string;
  metrics: {
    /** Which rows the metrics come from, e.g. "test split (20 %, stratified)". */
    split: string;
    /** The machine_failure head on the test split. */
    main: BinaryEvaluation;
    /** Each failure-mode head (twf, hdf, …) on the test split. */
    modes?: Record<string, BinaryEvaluation>;
    /** The main head's recall on each mode's failures. */
    modeRecall?: Record<string, ModeRecall>;
  };
  threshold: { value: number; method: "f1" | "cost"; costMiss?: number; costFalseAlarm?: number };
  /** "isotonic", "platt" or "none". */
  calibration: string;
  features: { name: string; importance: number }[];
  intendedUse?: string;
  limitations?: string[];
  caveats?: string[];
}

export const DEFAULT_INTENDED_USE =
  "Rank CNC machines by the risk of a failure in the next process so a technician can be sent before it " +
  "happens, and suggest the likely action (tool change, cooling, load) from the failure-mode heads. " +
  "A decision aid for maintenance planners, not an automatic stop.";

export const DEFAULT_LIMITATIONS = [
  "Trained on AI4I-style readings (air and process temperature, speed, torque, tool wear, product type); " +
    "machines or sensors outside that range are extrapolation.",
  "Probabilities are calibrated on the validation split; calibration degrades under drift, and so do the " +
    "label-free quality estimates (CBPE) that rely on it.",
  "Failures are rare (about 3 %): accuracy is uninformative; judge it by recall, precision, F1 and PR-AUC.",
];

export const DEFAULT_CAVEATS = [
  "RNF (random failure) is random by construction (0.1 % per process whatever the readings) and not " +
    "learnable: no model catches it, so it has no head and the main head's RNF recall stays low.",
  "The failure modes are deterministic rules of the readings in AI4I; real machines are noisier, so " +
    "metrics on simulated or AI4I data are an upper bound.",
];

export interface ModelCardJson {
  schema: "millwright.model-card/v1";
  name: string;
  version: string;
  created: string;
  lineage: {
    data: ModelCardInput["data"];
    params: Record<string, unknown>;
    seed: number;
    git_commit: string | null;
    millwright_version: string;
  };
  metrics: {
    split: string;
    machine_failure: BinaryEvaluation;
    modes: Record<string, BinaryEvaluation>;
    mode_recall: Record<string, ModeRecall>;
  };
  threshold: { value: number; method: "f1" | "cost"; cost_miss?: number; cost_false_alarm?: number };
  calibration: string;
  features: { name: string; importance: number }[];
  intended_use: string;
  limitations: string[];
  caveats: string[];
}

export function cardJson(input: ModelCardInput): ModelCardJson {
  const t = input.threshold;
  return {
    schema: "millwright.model-card/v1",
    name: input.name,
    version: input.version,
    created: input.created,
    lineage: {
      data: { ...input.data },
      params: input.params,
      seed: input.seed,
      git_commit: input.gitCommit,
      millwright_version: input.millwrightVersion,
    },
    metrics: {
      split: input.metrics.split,
      machine_failure: input.metrics.main,
      modes: input.metrics.modes ?? {},
      mode_recall: input.metrics.modeRecall ?? {},
    },
    threshold: {
      value: t.value,
      method: t.method,
      ...(t.costMiss !== undefined ? { cost_miss: t.costMiss } : {}),
      ...(t.costFalseAlarm !== undefined ? { cost_false_alarm: t.costFalseAlarm } : {}),
    },
    calibration: input.calibration,
    features: sortedFeatures(input.features),
    intended_use: input.intendedUse ?? DEFAULT_INTENDED_USE,
    limitations: input.limitations ?? DEFAULT_LIMITATIONS,
    caveats: input.caveats ?? DEFAULT_CAVEATS,
  };
}

/** Features by importance, highest first (ties by name, so the card is deterministic). */
export function sortedFeatures(
  f: { name: string; importance: number }[],
): { name: string; importance: number }[] {
  return [...f].sort(
    (a, b) => b.importance - a.importance || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

const HEAD_METRICS = ["roc_auc", "pr_auc", "precision", "recall", "f1", "accuracy", "brier"] as const;

export function renderCardMarkdown(input: ModelCardInput): string {
  const c = cardJson(input);
  const m = c.metrics.machine_failure;
  const L: string[] = [];
  L.push(`# Model card: ${md(c.name)} ${md(c.version)}`, "");
  L.push(`Created ${md(c.created)} by Millwright ${md(c.lineage.millwright_version)}.`, "");
  L.push("## Intended use", "", md(c.intended_use), "");
  L.push("## Training data and lineage", "");
  L.push("| Item | Value |", "| --- | --- |");
  L.push(`| Data file | \`${md(c.lineage.data.file)}\` |`);
  L.push(`| SHA-256 | \`${md(c.lineage.data.sha256)}\` |`);
  const rate =
    c.lineage.data.rows > 0 ? ` (${fmt((100 * c.lineage.data.failures) / c.lineage.data.rows, 2)} %)` : "";
  L.push(`| Rows | ${c.lineage.data.rows} |`, `| Failures | ${c.lineage.data.failures}${rate} |`);
  L.push(
    `| Seed | ${c.lineage.seed} |`,
    `| Git commit | ${c.lineage.git_commit ? `\`${md(c.lineage.git_commit)}\`` : "unknown"} |`,
  );
  L.push(`| Calibration | ${md(c.calibration)} |`, "");
  L.push(
    "Parameters:",
    "",
    "```json",
    JSON.stringify(c.lineage.params, null, 2).replace(/```/g, "'''"),
    "```",
    "",
  );
  const t = c.threshold;
  const costs =
    t.method === "cost"
      ? ` (cost of a miss ${fmt(t.cost_miss)}, of a false alarm ${fmt(t.cost_false_alarm)})`
      : "";
  L.push("## Decision threshold", "");
  L.push(
    `A failure is predicted when the probability is ≥ ${fmt(t.value, 6)}, chosen on the validation split by ${t.method === "f1" ? "maximum F1" : "minimum expected cost"}${costs}.`,
    "",
  );
  L.push(`## Quality on the ${md(c.metrics.split)}`, "");
  L.push(`${m.n} rows, ${m.positives} failures.`, "");
  L.push(
    "| Head | ROC-AUC | PR-AUC | Precision | Recall | F1 | Accuracy | Brier |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  const row = (name: string, e: BinaryEvaluation) =>
    `| ${md(name)} | ${HEAD_METRICS.map((k) => fmt(e[k])).join(" | ")} |`;
  L.push(row("machine_failure", m));
  for (const [mode, e] of Object.entries(c.metrics.modes)) L.push(row(mode, e));
  L.push("");
  const cm = m.confusion_matrix;
  L.push(
    "Confusion matrix (machine_failure):",
    "",
    "| | Predicted failure | Predicted no failure |",
    "| --- | ---: | ---: |",
  );
  L.push(
    `| Actual failure | ${cm.tp} (TP) | ${cm.fn} (FN) |`,
    `| Actual no failure | ${cm.fp} (FP) | ${cm.tn} (TN) |`,
    "",
  );
  const modes = Object.entries(c.metrics.mode_recall);
  if (modes.length > 0) {
    L.push(
      "Recall of the main head by failure mode:",
      "",
      "| Mode | Failures | Recall |",
      "| --- | ---: | ---: |",
    );
    for (const [mode, r] of modes) L.push(`| ${md(mode.toUpperCase())} | ${r.n} | ${fmt(r.recall)} |`);
    L.push("");
  }
  L.push("## Features", "", "| Feature | Importance |", "| --- | ---: |");
  for (const f of c.features) L.push(`| ${md(f.name)} | ${fmt(f.importance)} |`);
  L.push("", "## Limitations", "", ...c.limitations.map((x) => `- ${md(x)}`), "");
  L.push("## Caveats", "", ...c.caveats.map((x) => `- ${md(x)}`), "");
  return L.join("\n");
}

/** Text safe inside Markdown tables and free of raw HTML: pipes escaped, newlines flattened, <>& encoded. */
function md(s: string): string {
  return String(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ");
}

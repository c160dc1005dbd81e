// The HTML evaluation report stored with each model version: one self-contained page (inline CSS and SVG,
// no scripts, fonts or links) that opens offline from the registry directory. Curves are computed here
// from the test split's labels and probabilities; everything else comes from the model card input.
import type { ModelCardInput } from "./card.js";
import { sortedFeatures } from "./card.js";
import { fmt } from "./format.js";
import { esc, htmlPage, table } from "./html.js";
import type { BinaryEvaluation } from "./metrics.js";
import { prCurve, rocCurve } from "./ranking.js";
import { barSvg, curveSvg, INK } from "./svg.js";

export interface ReportInput {
  card: ModelCardInput;
  /** The test split the card's main metrics were computed on: labels and failure probabilities. */
  test: { y: ArrayLike<number>; p: ArrayLike<number> };
}

export const REPORT_CSS = `body{font-family:system-ui,sans-serif;color:${INK};background:#fff;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:0.75rem 0}caption{text-align:left;font-weight:600;padding-bottom:0.25rem}
th,td{border:1px solid #8a8a8a;padding:0.3rem 0.6rem;text-align:left}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
thead th{background:#e8edf5}.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}figcaption{font-size:0.9rem}
.note{color:#444}`;

export function renderReportHtml(input: ReportInput): string {
  const { card } = input;
  const m = card.metrics.main;
  const title = `${card.name} ${card.version}: evaluation report`;
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p>Created ${esc(card.created)} by Millwright ${esc(card.millwrightVersion)}. Metrics on the ${esc(card.metrics.split)}: ${m.n} rows, ${m.positives} failures. Threshold ${esc(fmt(card.threshold.value, 6))} (${esc(card.threshold.method === "f1" ? "max F1" : "min cost")} on the validation split); calibration ${esc(card.calibration)}.</p>`,
    "<h2>Metrics</h2>",
    metricsTable([["machine_failure", card.metrics.main], ...Object.entries(card.metrics.modes ?? {})]),
    "<h2>Curves</h2>",
    curves(input.test, m),
    "<h2>Confusion matrix</h2>",
    confusionTable("machine_failure", m),
    modeSection(card),
    "<h2>Feature importance</h2>",
    importanceChart(sortedFeatures(card.features)),
  ].join("\n");
  return htmlPage(title, REPORT_CSS, body);
}

const KEYS = ["roc_auc", "pr_auc", "precision", "recall", "f1", "accuracy", "brier"] as const;
const HEADS = [
  "Head",
  "ROC-AUC",
  "PR-AUC",
  "Precision",
  "Recall",
  "F1",
  "Accuracy",
  "Brier",
  "Rows",
  "Failures",
];

/**
 * One row per head: its name and its evaluation on the test rows. `failures`: per head, the failures
 * behind the positive rows when a positive row is not itself a failure (a contract's horizon
 * labels); the table then shows both.
 */
export function metricsTable(
  heads: [string, BinaryEvaluation][],
  caption = "Metrics per head on the test split",
  failures?: (head: string) => number | null,
): string {
  const cols = failures ? [...HEADS.slice(0, -1), "Positive rows", "Failures"] : HEADS;
  const row = (name: string, e: BinaryEvaluation) => [
    name,
    ...KEYS.map((k) => fmt(e[k])),
    e.n,
    e.positives,
    ...(failures ? [failures(name) ?? "n/a"] : []),
  ];
  return table(
    caption,
    cols,
    heads.map(([name, e]) => row(name, e)),
    cols.map((_, i) => i > 0),
  );
}

/** ROC and precision–recall curves of the main head from the test rows' labels and probabilities. */
export function curves(test: ReportInput["test"], m: BinaryEvaluation): string {
  const { y, p } = test;
  const roc = rocCurve(y, p);
  const pr = prCurve(y, p);
  if (!roc || !pr) {
    return '<p class="note">The test split holds only one class, so ROC and precision–recall curves are undefined.</p>';
  }
  const prevalence = m.n > 0 ? m.positives / m.n : 0;
  // sklearn's PrecisionRecallDisplay draws steps ("steps-post"): the area under those steps is the AP.
  const px: number[] = [];
  const py: number[] = [];
  for (let i = 0; i < pr.recall.length; i++) {
    px.push(pr.recall[i]);
    py.push(pr.precision[i]);
    if (i + 1 < pr.recall.length) {
      px.push(pr.recall[i + 1]);
      py.push(pr.precision[i]);
    }
  }
  const rocSvg = curveSvg({
    title: "ROC curve",
    desc: `True positive rate against false positive rate on the test split; ROC-AUC ${fmt(m.roc_auc)}. The dashed diagonal is a random ranking.`,
    xLabel: "False positive rate",
    yLabel: "True positive rate (recall)",
    xs: roc.fpr,
    ys: roc.tpr,
    legend: `ROC-AUC = ${fmt(m.roc_auc)}`,
    reference: { kind: "diagonal" },
  });
  const prSvg = curveSvg({
    title: "Precision–recall curve",
    desc: `Precision against recall on the test split; average precision (PR-AUC) ${fmt(m.pr_auc)}. The dashed line is the failure rate ${fmt(prevalence)}.`,
    xLabel: "Recall",
    yLabel: "Precision",
    xs: px,
    ys: py,
    legend: `PR-AUC (AP) = ${fmt(m.pr_auc)}`,
    reference: { kind: "horizontal", y: prevalence, label: `failure rate ${fmt(prevalence)}` },
    legendAt: "lower-left",
  });
  return `<div class="charts">
<figure>${rocSvg}<figcaption>ROC curve, ROC-AUC ${esc(fmt(m.roc_auc))}</figcaption></figure>
<figure>${prSvg}<figcaption>Precision–recall curve, PR-AUC ${esc(fmt(m.pr_auc))}</figcaption></figure>
</div>`;
}

export function confusionTable(head: string, m: BinaryEvaluation): string {
  const c = m.confusion_matrix;
  return table(
    `${head} at threshold ${fmt(m.threshold, 6)}`,
    ["", "Predicted failure", "Predicted no failure"],
    [
      ["Actual failure", `${c.tp} (TP)`, `${c.fn} (FN)`],
      ["Actual no failure", `${c.fp} (FP)`, `${c.tn} (TN)`],
    ],
    [false, true, true],
  );
}

function modeSection(card: ModelCardInput): string {
  const entries = Object.entries(card.metrics.modeRecall ?? {});
  if (entries.length === 0) return "";
  return [
    "<h2>Recall by failure mode</h2>",
    table(
      "Share of each mode's failures the machine_failure head flagged",
      ["Mode", "Failures", "Recall"],
      entries.map(([mode, r]) => [
        mode.toUpperCase(),
        r.n,
        r.recall === null ? "n/a (no failures)" : fmt(r.recall),
      ]),
      [false, true, true],
    ),
  ].join("\n");
}

/** A bar per feature, in the order given (most important first). */
export function importanceChart(feats: { name: string; importance: number }[]): string {
  if (feats.length === 0) return '<p class="note">No feature importances recorded.</p>';
  const items = feats.map((f) => ({
    label: f.name,
    value: Math.max(0, f.importance),
    text: fmt(f.importance),
  }));
  const svg = barSvg(
    "Feature importance",
    `Importance of each feature in the machine_failure model, highest first: ${feats.map((f) => `${f.name} ${fmt(f.importance)}`).join(", ")}.`,
    items,
  );
  return `<figure>${svg}<figcaption>Feature importance (machine_failure head)</figcaption></figure>`;
}

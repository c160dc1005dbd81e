// The HTML evaluation report of a data-contract model, rendered from what its registry version
// keeps (the model, metrics.json, and the test part's labels and probabilities in reference.json),
// so every version has one, also those trained before reports existed. The same page as the AI4I
// report (report.ts): self-contained, inline CSS and SVG, no scripts. Pure.
import { spanWords } from "../contract/spans.js";
import { gainImportance } from "../model/importance.js";
import type { HistoryModel } from "../train/history-model.js";
import { sortedFeatures } from "./card.js";
import { fmt } from "./format.js";
import { esc, htmlPage } from "./html.js";
import type { BinaryEvaluation } from "./metrics.js";
import { confusionTable, curves, importanceChart, metricsTable, REPORT_CSS } from "./report.js";

/** What metrics.json of a data-contract version holds (registry/train-history.ts), as far as the report reads it. */
export interface HistoryMetrics {
  split?: { fit?: number; validation?: number; test?: number; describe?: string };
  heads?: Record<string, BinaryEvaluation | null>;
  /** Per head, the failures behind the test part's positive rows (null: labels per row; absent: older versions). */
  test_failures?: Record<string, number> | null;
}

export interface HistoryReportInput {
  model: HistoryModel;
  metrics: HistoryMetrics | null;
  /** lineage.json's creation time and Millwright version (model.json keeps neither). */
  created?: string | null;
  millwrightVersion?: string | null;
  /** The test part's labels and main-head probabilities, when the version stored them. */
  test: { y: ArrayLike<number>; p: ArrayLike<number> } | null;
}

/** Features shown, most important first (the card shows as many). */
const TOP_FEATURES = 25;

/** A number shown rounded, its exact value machine-readable (the `data` element's value). */
function exact(x: number | null | undefined): string {
  return typeof x === "number" && Number.isFinite(x)
    ? `<data value="${esc(String(x))}">${esc(fmt(x))}</data>`
    : "n/a";
}

export function renderHistoryReportHtml(x: HistoryReportInput): string {
  const m = x.model;
  const c = m.contract;
  const heads = x.metrics?.heads ?? {};
  const main = heads.machine_failure ?? null;
  const split = x.metrics?.split;
  const title = `${c.name} ${m.version}: evaluation report`;
  const what = c.failures
    ? `the probability that a machine fails within ${spanWords(c.failures.horizon.label)} of a reading`
    : `the probability that a row is labelled a failure in column '${c.labels?.column ?? "?"}'`;
  const scored = m.headNames.filter((h) => heads[h]).map((h) => [h, heads[h]] as [string, BinaryEvaluation]);
  const unscored = m.headNames.filter((h) => !heads[h]);
  const mainHead = m.heads.machine_failure;
  const imp = mainHead ? gainImportance(mainHead.booster) : new Float64Array(0);
  const features = sortedFeatures(m.featureNames.map((name, i) => ({ name, importance: imp[i] ?? 0 }))).slice(
    0,
    TOP_FEATURES,
  );
  // A contract's horizon labels make many positive rows per failure: say both, as the card does
  // (a version trained before the failures were counted shows n/a for them).
  const failuresOf = c.failures ? (h: string) => x.metrics?.test_failures?.[h] ?? null : undefined;
  const counts = (e: BinaryEvaluation) =>
    failuresOf
      ? `${e.n} rows, ${e.positives} positive rows, ${failuresOf("machine_failure") ?? "n/a"} failures`
      : `${e.n} rows, ${e.positives} failures`;
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p>Created ${esc(x.created ?? "at an unknown time")}${x.millwrightVersion ? ` by Millwright ${esc(x.millwrightVersion)}` : ""} from the data contract <code>${esc(c.name)}</code>. It predicts ${esc(what)}.</p>`,
    `<p>Split ${esc(split?.describe ?? "unknown")}: ${esc(split?.fit ?? "?")} rows fit, ${esc(split?.validation ?? "?")} validate (early stopping, calibration, threshold), ${esc(split?.test ?? "?")} test. Threshold ${esc(fmt(m.threshold.value, 6))} (${m.threshold.method === "cost" ? "least expected cost" : "best F1"} on validation).</p>`,
    main
      ? `<p id="headline">machine_failure on the test part (${counts(main)}): PR-AUC <span class="pr-auc">${exact(main.pr_auc)}</span>, ROC-AUC <span class="roc-auc">${exact(main.roc_auc)}</span>, precision ${exact(main.precision)}, recall ${exact(main.recall)}, F1 ${exact(main.f1)}.</p>`
      : '<p class="note">The test part holds one class only (or no metrics were stored): no quality figures for machine_failure.</p>',
    "<h2>Metrics</h2>",
    scored.length > 0 ? metricsTable(scored, "Metrics per head on the test part", failuresOf) : "",
    unscored.length > 0
      ? `<p class="note">No test metrics for ${esc(unscored.join(", "))} (no head: too few failures, or one class in the test part).</p>`
      : "",
    "<h2>Curves</h2>",
    !main
      ? '<p class="note">No curves without test metrics.</p>'
      : x.test && x.test.y.length === x.test.p.length && x.test.y.length === main.n
        ? curves(x.test, main)
        : '<p class="note">This version did not keep its test part\'s labels (trained before they were stored): retrain it to draw the ROC and precision–recall curves.</p>',
    ...(main ? ["<h2>Confusion matrix</h2>", confusionTable("machine_failure", main)] : []),
    "<h2>Feature importance</h2>",
    importanceChart(features),
  ].join("\n");
  return htmlPage(title, REPORT_CSS, body);
}

// The model card of a data-contract model, in Markdown: what it predicts (from the contract, in the
// contract's words), on which data (files and hashes), how it was split, and how good each head is
// on the held-out part. Pure.
import { spanWords } from "../contract/spans.js";
import type { Contract } from "../contract/types.js";
import type { FeaturePlan } from "../features/plan.js";
import type { HistoryFit } from "../train/fit-history.js";
import { hasAgeMap, type PlanCalibration } from "../train/plan-calibration.js";
import { fmt } from "./format.js";

export interface HistoryCardInput {
  version: string;
  created: string;
  contract: Contract;
  plan: FeaturePlan;
  fit: HistoryFit;
  /**
   * The files read, each with where the registry keeps its bytes (`dataset.path`, relative to the
   * registry: registry/datasets.ts); a retraining's files are in its work folder, removed after it.
   */
  files: { role: string; file: string; sha256: string; rows: number; dataset?: { path: string } }[];
  rows: { total: number; usable: number; censored: number };
  /**
   * Per head, the failures behind the test part's positive rows; null or absent: the labels are
   * per row, so each positive row is a failure.
   */
  testFailures?: Record<string, number> | null;
  /** The planning forecast's calibration (train/plan-calibration.ts), if one was fitted. */
  planCalibration?: PlanCalibration | null;
  /** The telemetry's first and last time (ms, or the counter's counts). */
  timeRange?: { from: number; to: number } | null;
}

/**
 * Whether a head's test ROC-AUC can be told from chance: above 0.5 by more than 1.96 standard errors
 * of the Mann–Whitney statistic under no skill, √((n1 + n0 + 1) / (12 n1 n0)) (Hanley & McNeil 1982,
 * no ties), counted in failures, not rows: a failure's positive rows are one event seen many times
 * (trial 7: a kind of pure chance, 8 test failures, read 0.63 and looked like weak skill; shuffling
 * machines gave 0.65 at the 95th percentile), so the negative rows are scaled by the same factor.
 * Null when there is nothing to judge.
 */
export function skillWords(
  m: { roc_auc: number | null; positives: number; n: number },
  failures: number,
): string | null {
  if (m.roc_auc === null || m.positives === 0 || failures === 0) return null;
  const n1 = failures;
  const n0 = ((m.n - m.positives) * failures) / m.positives;
  const se = Math.sqrt((n1 + n0 + 1) / (12 * n1 * n0));
  const bar = 0.5 + 1.96 * se;
  return m.roc_auc > bar
    ? null
    : `ROC-AUC ${fmt(m.roc_auc)} on ${failures} failure${failures === 1 ? "" : "s"} cannot be told from chance (it would need more than ${fmt(bar)}): read its probabilities as the base rate, not as a warning or an all-clear`;
}

/** What the planner does with this model's forecast, in numbers a planner can check. */
export function planningLines(cal: PlanCalibration | null | undefined): string[] {
  if (!cal)
    return [
      "No planning calibration (too few failures in the validation period, a split by machine, or a counter time, whose mornings are not known): the planner carries the last row forward uncalibrated (persistence).",
    ];
  const at = (a: { a: number; b: number }, p: number) =>
    1 / (1 + Math.exp(-(a.a * Math.log(p / (1 - p)) + a.b)));
  return [
    `The planner's forecast risk is calibrated on ${cal.describe}: a Platt map on the logit of the forecast risk, fitted to what followed.`,
    "",
    "| within | part-mornings | failures | a | b | forecast 5 % → | 30 % → | 80 % → |",
    "|---|---|---|---|---|---|---|---|",
    ...cal.anchors.map(
      (a) =>
        `| ${a.hours} h | ${a.samples} | ${a.failures} | ${fmt(a.a)} | ${fmt(a.b)} | ${fmt(at(a, 0.05))} | ${fmt(at(a, 0.3))} | ${fmt(at(a, 0.8))} |`,
    ),
    ...ageLines(cal),
  ];
}

/** The age input, when the model has one (train/plan-calibration-age.ts). */
function ageLines(cal: PlanCalibration): string[] {
  if (!hasAgeMap(cal) || !cal.weibull) return [];
  return [
    "",
    "A part whose task replaces it is mapped with its age too: each failure kind's Weibull life law is fitted by maximum likelihood on the training period's part lifetimes (renewal to failure, or censored at the next renewal or the period's end), and the map is C′ = σ(a · logit(C) + c · ln H + b), H the part's cumulative Weibull hazard over the window (ln H held within the range it was fitted on). A replacement's risk after goes through the same map with the hazard restarting at age 0.",
    "",
    "| part | shape | scale h | lifetimes | failures |",
    "|---|---|---|---|---|",
    ...Object.entries(cal.weibull).map(
      ([k, w]) => `| ${k} | ${fmt(w.shape)} | ${Math.round(w.scale)} | ${w.lifetimes} | ${w.failures} |`,
    ),
    "",
    "| within | a | c (ln H) | b | ln H range |",
    "|---|---|---|---|---|",
    ...cal.anchors.map(
      (x) =>
        `| ${x.hours} h | ${fmt(x.age!.a)} | ${fmt(x.age!.c)} | ${fmt(x.age!.b)} | ${fmt(x.age!.lo)} to ${fmt(x.age!.hi)} |`,
    ),
  ];
}

/** What the quality table's counts are: rows within the horizon, or rows labelled failures. */
function positiveWords(c: Contract): string[] {
  return c.failures
    ? [
        `A positive row is a reading with a failure within ${spanWords(c.failures.horizon.label)} after it, so one failure makes many; failures counts the failures behind them.`,
      ]
    : [`A positive row is a row labelled a failure in column '${c.labels?.column}': each is one failure.`];
}

export function renderHistoryCard(x: HistoryCardInput): string {
  const c = x.contract;
  const f = x.fit;
  const what = c.failures
    ? `the probability that a machine fails within ${spanWords(c.failures.horizon.label)} of a reading, for any failure and for each kind (${(c.failures.kinds ?? []).join(", ") || "one kind"})`
    : `the probability that a row is labelled a failure in column '${c.labels?.column}'`;
  const lines = [
    `# Model card: ${c.name} ${x.version}`,
    "",
    `Created ${x.created} from the data contract \`${c.name}\` (${c.source}). It predicts ${what}.`,
    "",
    "## Data",
    "",
    "| role | read from | rows | kept in the registry as |",
    "|---|---|---|---|",
    ...x.files.map(
      (d) =>
        `| ${d.role} | ${d.file} | ${d.rows} | ${d.dataset ? `\`${d.dataset.path}\`` : `sha256 \`${d.sha256}\``} |`,
    ),
    "",
    "The registry keeps the exact bytes read (relative to the registry folder; the name is their SHA-256): what a retraining or an audit reads, once the file read from has changed or is gone (a retraining reads from its work folder, removed when it ends).",
    "",
    // A file's rows are not its table's when `where` picks some (a CMMS's failures among its PMs).
    ...[...c.events, ...(c.failures ? [{ ...c.failures, name: "failures" }] : [])]
      .filter((t) => t.where)
      .flatMap((t) => [
        `${t.name}: only the rows whose ${t.where?.column} is ${t.where?.in.join(" or ")} (where).`,
        "",
      ]),
    `${x.rows.total} telemetry rows${x.timeRange ? `, ${timeWords(c, x.timeRange.from)} to ${timeWords(c, x.timeRange.to)}` : ""}; ${x.rows.censored} censored (their horizon runs past the end of the data and holds no failure, so their label is unknown).`,
    `Split ${f.split.describe}: ${f.split.fit} rows fit, ${f.split.validation} validate (early stopping, calibration, threshold), ${f.split.test} test.${splitDates(c, f.split)}`,
    "",
    "## Quality on the test part",
    "",
    ...positiveWords(c),
    "",
    "| head | n | positive rows | failures | base rate | PR-AUC | ROC-AUC | Brier | at threshold | precision | recall | F1 |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...f.headNames.map((h) => {
      const m = f.metrics[h];
      if (!m)
        return `| ${h} | – | – | – | – | ${f.heads[h] ? "one class in test" : `no head: ${f.noHead?.[h] ?? "too few failures"}`} | | | | | | |`;
      return `| ${h} | ${m.n} | ${m.positives} | ${x.testFailures?.[h] ?? m.positives} | ${fmt(m.positives / m.n)} | ${fmt(m.pr_auc)} | ${fmt(m.roc_auc)} | ${fmt(m.brier)} | ${fmt(m.threshold)} | ${fmt(m.precision)} | ${fmt(m.recall)} | ${fmt(m.f1)} |`;
    }),
    "",
    "PR-AUC is to be read against the base rate (the positive rows' share: a head without skill scores about it); Brier is the mean squared error of the calibrated probability (scikit-learn's brier_score_loss).",
    "",
    `Decision threshold ${fmt(f.threshold.value)} (${f.threshold.method === "cost" ? "least expected cost" : "best F1"} on validation): machine_failure's, the one \`failure_predicted\` answers at. A kind's precision, recall and F1 are at 0.5 of its calibrated probability (no kind is decided on alone); its PR-AUC and ROC-AUC do not depend on a threshold.`,
    "",
    "## Planning forecast",
    "",
    ...planningLines(x.planCalibration),
    "",
    "## Features (most important first)",
    "",
    "| feature | meaning | unit | gain share |",
    "|---|---|---|---|",
    ...[...f.importance]
      .map((imp, i) => ({ ...imp, info: x.plan.features[i] }))
      .sort((a, b) => b.importance - a.importance)
      .slice(0, 25)
      .map((r) => `| ${r.feature} | ${r.info.words} | ${r.info.unit} | ${fmt(r.importance)} |`),
    "",
    "## Limits",
    "",
    ...headLimits(x),
    "- Trained on this shop's history only: a new make or model, or a sensor renamed in the export, is outside what it has seen.",
    "- Time since an event is measured from the first event in the data: before it, the model sees it as unknown.",
    "- A decision aid for maintenance planners, not an automatic stop.",
    "",
  ];
  return lines.join("\n");
}

/** A time of the contract's clock in words: ISO 8601, or the count on a counter time. */
function timeWords(c: Contract, t: number): string {
  return c.time?.counter !== false ? `count ${t}` : new Date(t).toISOString();
}

/** Where validation and test begin (trial 7: the card said only "test from the cut on"). */
function splitDates(c: Contract, s: HistoryFit["split"]): string {
  const parts = [
    s.validationFrom !== null ? `validation from ${timeWords(c, s.validationFrom)}` : null,
    s.testFrom !== null ? `test from ${timeWords(c, s.testFrom)}` : null,
  ].filter((x) => x !== null);
  return parts.length > 0 ? ` The cuts: ${parts.join(", ")}.` : "";
}

/** Heads whose test figures rest on few failures, or cannot be told from chance: named, with why. */
function headLimits(x: HistoryCardInput): string[] {
  const out: string[] = [];
  for (const h of x.fit.headNames) {
    const m = x.fit.metrics[h];
    if (!m) continue;
    const failures = x.testFailures?.[h] ?? m.positives;
    const chance = skillWords(m, failures);
    if (chance) out.push(`- ${h}: ${chance}.`);
    else if (failures < 10)
      out.push(
        `- ${h}: its test figures rest on ${failures} failure${failures === 1 ? "" : "s"}; one more or fewer moves them a lot.`,
      );
  }
  return out;
}

// Trains a data-contract model from the data a contract names and registers it: model.json (trees
// plus the resolved contract), the contract as the user wrote it, metrics, lineage and a card.
// The I/O edge around the pure feature builder and fitHistoryModel.
import { readFileSync } from "node:fs";
import { MILLWRIGHT_VERSION } from "../core/version.js";
import type { ContractData } from "../data/contract-data.js";
import { buildFeatures } from "../features/build.js";
import { failuresBehind, horizonLabels } from "../features/labels.js";
import { type FeaturePlan, featurePlan } from "../features/plan.js";
import { renderHistoryCard } from "../evaluate/history-card.js";
import {
  type HistoryFit,
  type HistoryFitInput,
  type HistoryFitOptions,
  fitHistoryModel,
} from "../train/fit-history.js";
import { historyModelToJSON } from "../train/history-model.js";
import { type PlanCalibration, fitPlanCalibration } from "../train/plan-calibration.js";
import { fitPartLives, renewsPart, withAgeMaps } from "../train/plan-calibration-age.js";
import { calibrationSamples } from "../train/plan-calibration-samples.js";
import type { ModelRegistry } from "./registry.js";
import { DatasetStore } from "./datasets.js";
import { gitCommit } from "./training.js";
import { referenceSample, type SkippedGroup } from "./reference-sample.js";

export interface HistoryTrainOutcome {
  version: string;
  fit: HistoryFit;
  rows: { total: number; usable: number; censored: number };
  /**
   * Per head, the failures behind the test part's positive rows (features/labels.ts failuresBehind);
   * null when the labels are per row (each positive row is then one labelled failure).
   */
  testFailures: Record<string, number> | null;
  /** `monitor.drift_by`'s groups given a drift test of their own, and those skipped with why. */
  driftGroups: { tested: string[]; skipped: SkippedGroup[] };
}

/** Features and labels for every telemetry row; `usable` = the label is known. */
export function labelledFeatures(d: ContractData) {
  const c = d.contract;
  const plan = featurePlan(c);
  const X = buildFeatures(plan, d);
  const t = d.telemetry;
  let heads: Map<string, Uint8Array>;
  let usable: Uint8Array;
  let horizon = 0;
  if (c.failures && d.failures) {
    horizon = c.failures.horizon.size;
    const l = horizonLabels(t, d.failures, c.failures.kinds ?? [], horizon, c.time?.counter === true);
    heads = l.heads;
    usable = l.censored.map((x) => 1 - x);
  } else {
    heads = t.labels ?? new Map();
    usable = new Uint8Array(t.n).fill(1);
  }
  return { plan, X, heads, usable, horizon };
}

/** What fitHistoryModel takes of a contract's data: the labelled features, each row's time and machine. */
export function historyFitInput(d: ContractData): HistoryFitInput & { plan: FeaturePlan } {
  const { plan, X, heads, usable, horizon } = labelledFeatures(d);
  const t = d.telemetry;
  const featureNames = plan.features.map((f) => f.name);
  return {
    plan,
    X,
    featureNames,
    heads,
    usable,
    horizon,
    time: t.time,
    machine: t.machine,
    nMachines: t.machines.length,
    machineIds: t.machines,
  };
}

export function trainHistoryAndRegister(
  registry: ModelRegistry,
  data: ContractData,
  contractText: string,
  opts: HistoryFitOptions,
): HistoryTrainOutcome {
  const c = data.contract;
  const { plan, ...input } = historyFitInput(data);
  const { featureNames, usable } = input;
  const t = data.telemetry;
  const fit = fitHistoryModel(
    input,
    // The contract's `training:` parameters, under any the caller gives (a bench's experiment).
    { ...opts, params: { ...c.training, ...opts.params } },
  );
  const planCalibration = planCalibrationOf(data, fit, input.X);
  const testFailures =
    c.failures && data.failures
      ? failuresBehind(t, data.failures, c.failures.kinds ?? [], input.horizon, fit.test.rows)
      : null;
  let nUsable = 0;
  for (const u of usable) nUsable += u;
  const rows = { total: t.n, usable: nUsable, censored: t.n - nUsable };
  const created = new Date().toISOString();
  const commit = gitCommit();
  const reference = referenceSample(data, fit, opts.seed);
  const metrics = {
    split: fit.split,
    test: fit.metrics.machine_failure,
    heads: fit.metrics,
    rounds: fit.rounds,
    rows,
    // Positive rows are readings within the horizon before a failure; these are the failures.
    test_failures: testFailures,
    plan_calibration: planCalibration,
  };
  // Every file trained on, kept by content beside the registry (datasets.ts), so the version can be
  // retrained or audited after the exports have changed.
  const store = new DatasetStore(registry.dir);
  const stored = data.files.map((f) => ({ ...f, dataset: store.putFile(f.file) }));
  const lineage = {
    created_at: created,
    contract: { name: c.name, file: c.source },
    data: stored,
    params: fit.params,
    seed: opts.seed,
    threshold: fit.threshold,
    split: fit.split,
    // The telemetry's first and last time (ms or the counter): where a live feed's counter goes on.
    time_range: timeRange(t.time),
    git_commit: commit,
    millwright_version: MILLWRIGHT_VERSION,
  };
  const version = registry.register((v) => ({
    model: (version) =>
      historyModelToJSON({
        name: c.name,
        version,
        createdAt: created,
        contract: c,
        featureNames,
        headNames: fit.headNames,
        heads: fit.heads,
        threshold: fit.threshold,
        planCalibration,
      }),
    files: {
      "contract.yaml": contractText,
      "metrics.json": `${JSON.stringify(metrics, null, 2)}\n`,
      "lineage.json": `${JSON.stringify(lineage, null, 2)}\n`,
      // The machine table as trained: the server reads attributes (and which machines exist) from here.
      ...(c.attributes?.file ? { "attributes.csv": readFileSync(c.attributes.file, "utf8") } : {}),
      "reference.json": JSON.stringify(reference),
      "card.md": renderHistoryCard({
        version: v,
        created,
        contract: c,
        plan,
        fit,
        files: stored,
        rows,
        testFailures,
        planCalibration,
        timeRange: lineage.time_range,
      }),
    },
  }));
  const driftGroups = {
    tested: (reference.groups ?? []).map((g) => `${g.attribute}=${g.value}`),
    skipped: reference.groups_skipped ?? [],
  };
  return { version, fit, rows, testFailures, driftGroups };
}

/**
 * The planning forecast's calibration (train/plan-calibration.ts), fitted on the validation
 * period's mornings: rows the trees were not fitted on, all before the test part and the data's
 * end. Null without a time split, tasks or enough failures there: the planner then uses persistence.
 */
function planCalibrationOf(
  data: ContractData,
  fit: HistoryFit,
  X: ReturnType<typeof buildFeatures>,
): PlanCalibration | null {
  const c = data.contract;
  const from = fit.split.validationFrom;
  // Up to the test period, never into it: a morning's window, and the failures that label it, end
  // before the first test row, so the test period stays unseen by everything the version stores.
  const to = fit.split.testFrom;
  const t = data.telemetry;
  if (from === null || to === null || !Number.isFinite(from) || !data.failures || !c.tasks || t.n === 0)
    return null;
  const samples = calibrationSamples({
    model: { contract: c, headNames: fit.headNames, heads: fit.heads },
    X,
    time: t.time,
    machine: t.machine,
    nMachines: t.machines.length,
    machineIds: t.machines,
    failures: data.failures,
    resets: data.resets ? data.events[data.resets.table] : null,
    from,
    to,
  });
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const platt = fitPlanCalibration(
    samples,
    `validation mornings every 8 h from ${day(from)} while the window ends by ${day(to)}`,
  );
  // The parts' life laws, on every lifetime seen before the test period (plan-calibration-age.ts).
  const resets = data.resets ? data.events[data.resets.table] : null;
  const heads = (c.tasks.heads ?? []).map((h) => h.head).filter((h) => renewsPart(c, h));
  const start = timeRange(t.time)?.from ?? from;
  const lives = fitPartLives(heads, data.failures, resets, t.machines.length, start, to);
  return withAgeMaps(platt, samples, lives);
}

/** The earliest and latest of `time` (null when empty). */
function timeRange(time: Float64Array): { from: number; to: number } | null {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const x of time) {
    if (x < from) from = x;
    if (x > to) to = x;
  }
  return time.length > 0 ? { from, to } : null;
}

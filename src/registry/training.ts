// Trains on a validated dataset and registers the result as a new version with its card, report,
// lineage and drift reference. The I/O edge around the pure fitModel.
import { execFileSync } from "node:child_process";
import { cardJson, renderCardMarkdown } from "../evaluate/card.js";
import { renderReportHtml } from "../evaluate/report.js";
import { createRng } from "../core/rng.js";
import { MILLWRIGHT_VERSION } from "../core/version.js";
import { type LabelledReading, RAW_FEATURES } from "../data/schema.js";
import { type FitOptions, type FitResult, fitModel } from "../train/fit.js";
import { DatasetStore, datasetsOf } from "./datasets.js";
import type { ModelRegistry } from "./registry.js";

/** Rows kept as the drift reference profile (a seeded sample of the training data). */
export const REFERENCE_ROWS = 5000;

export interface TrainInput {
  rows: readonly LabelledReading[];
  data: { file: string; sha256: string };
  /** Extra lineage, e.g. which production export or parent version it came from. */
  lineage?: Record<string, unknown>;
}

export interface TrainOutcome {
  version: string;
  fit: FitResult;
  metrics: Record<string, unknown>;
}

export function gitCommit(cwd = process.cwd()): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

export function referenceProfile(
  rows: readonly LabelledReading[],
  fit: FitResult,
  seed: number,
): Record<string, unknown> {
  const rng = createRng(seed ^ 0x5eed);
  const idx: number[] = [];
  if (rows.length <= REFERENCE_ROWS) for (let i = 0; i < rows.length; i++) idx.push(i);
  else {
    // Reservoir-free: a partial Fisher–Yates over indices picks a uniform sample without replacement.
    const all = Uint32Array.from({ length: rows.length }, (_, i) => i);
    for (let i = 0; i < REFERENCE_ROWS; i++) {
      const j = i + rng.int(all.length - i);
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
      idx.push(all[i]);
    }
    idx.sort((a, b) => a - b);
  }
  const columns: Record<string, (number | string)[]> = { type: idx.map((i) => rows[i].type) };
  for (const f of RAW_FEATURES) columns[f] = idx.map((i) => rows[i][f]);
  let failures = 0;
  for (const r of rows) failures += r.machine_failure === 1 ? 1 : 0;
  return {
    rows: idx.length,
    columns,
    failure_probability: Array.from(fit.test.p),
    failure_rate: failures / rows.length,
  };
}

export function trainAndRegister(registry: ModelRegistry, input: TrainInput, opts: FitOptions): TrainOutcome {
  const fit = fitModel(input.rows, opts);
  // The exact bytes trained on, kept by content beside the registry (datasets.ts): the input file
  // may be temporary (a retraining's) or change later.
  const datasets = new DatasetStore(registry.dir);
  const dataset = datasets.putFile(input.data.file);
  const created = new Date().toISOString();
  const commit = gitCommit();
  const failures = input.rows.reduce((s, r) => s + (r.machine_failure === 1 ? 1 : 0), 0);
  const metrics = {
    split: "test split (20 %, stratified on machine_failure)",
    test: fit.metrics,
    modes: fit.modeMetrics,
    mode_recall: fit.modeRecall,
    sizes: fit.split,
    rounds: fit.rounds,
  };
  const version = registry.register((v) => {
    const cardInput = {
      name: fit.bundle.name,
      version: v,
      created,
      data: { file: input.data.file, sha256: input.data.sha256, rows: input.rows.length, failures },
      params: fit.params as unknown as Record<string, unknown>,
      seed: opts.seed,
      gitCommit: commit,
      millwrightVersion: MILLWRIGHT_VERSION,
      metrics: {
        split: metrics.split,
        main: fit.metrics,
        modes: Object.fromEntries(Object.entries(fit.modeMetrics).filter(([, m]) => m !== null)) as Record<
          string,
          typeof fit.metrics
        >,
        modeRecall: fit.modeRecall,
      },
      threshold: fit.bundle.threshold as { value: number; method: "f1" | "cost" },
      calibration: "platt",
      features: fit.importance.map((f) => ({ name: f.feature, importance: f.importance })),
    };
    const lineage = {
      created_at: created,
      data: { file: input.data.file, sha256: input.data.sha256, rows: input.rows.length, failures, dataset },
      params: fit.params,
      seed: opts.seed,
      threshold: fit.bundle.threshold,
      split: fit.split,
      git_commit: commit,
      millwright_version: MILLWRIGHT_VERSION,
      ...input.lineage,
    };
    return {
      bundle: { ...fit.bundle, version: v, createdAt: created },
      files: {
        "metrics.json": `${JSON.stringify(metrics, null, 2)}\n`,
        "lineage.json": `${JSON.stringify(lineage, null, 2)}\n`,
        "card.json": `${JSON.stringify(cardJson(cardInput), null, 2)}\n`,
        "card.md": renderCardMarkdown(cardInput),
        "report.html": renderReportHtml({ card: cardInput, test: fit.test }),
        "reference.json": JSON.stringify(referenceProfile(input.rows, fit, opts.seed)),
      },
    };
  });
  const referenced = new Set(
    registry.versions().flatMap((v) => datasetsOf(registry.readJson(v, "lineage.json"))),
  );
  datasets.prune(referenced);
  return { version, fit, metrics };
}

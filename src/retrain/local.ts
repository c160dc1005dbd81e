// Local retraining: a challenger trained on the champion's training data plus the labelled
// production data, then gated against the champion on the most recent labelled predictions (held
// out from training), and promoted only if it wins. Training runs in a child process through the
// same `millwright train` contract scripts use: a crash there leaves the champion untouched, and
// the server's event loop keeps answering while it trains.
import { execFile } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { MillwrightError } from "../core/errors.js";
import { MILLWRIGHT_BIN } from "../core/version.js";
import { formatCsv } from "../data/csv.js";
import type { LabelledReading } from "../data/schema.js";
import { type GateDecision, type GateMetric, gate } from "../evaluate/compare.js";
import { type BinaryEvaluation, evaluateBinary } from "../evaluate/metrics.js";
import { featureMatrix } from "../features/physics.js";
import { writeFileAtomic } from "../registry/fsutil.js";
import type { ModelRegistry } from "../registry/registry.js";
import type { LabelledPrediction, PredictionStore } from "../store/types.js";
import { predictBundle } from "../train/bundle.js";
import {
  afterPosition,
  byLogOrder,
  COLUMNS,
  championData,
  type LogPosition,
  position,
  rowOf,
} from "./data.js";

const run = promisify(execFile);

export interface LocalRetrainOptions {
  registry: ModelRegistry;
  store: PredictionStore;
  workDir: string;
  seed: number;
  gate: { metric: GateMetric; margin: number; minimum: number };
  /** Share of the most recent labelled predictions held out for the gate. */
  holdoutShare?: number;
  /** Production rows are repeated this many times in training, so recent behaviour outweighs old data. */
  productionWeight?: number;
  /** The `millwright` command run to train (default: package.json's bin, MILLWRIGHT_BIN). */
  cliPath?: string;
  timeoutMs?: number;
  /** The retraining run's id: written into the challenger's lineage, so a restart can find it. */
  run?: string;
  /** Called with the training child's pid once it runs (the audit keeps it for reconciliation). */
  onChild?: (pid: number) => void;
  /**
   * A challenger that passes stays challenger (verdict "promoted" means "passed the offline gate"):
   * the caller puts it in shadow first (retrainer.ts with a shadow period).
   */
  holdPromotion?: boolean;
}

export interface RetrainDecision {
  /** abandoned: the server stopped during the retraining and nothing was registered to judge. */
  verdict: "promoted" | "kept" | "failed" | "abandoned";
  reason: string;
  champion: { version: string; metrics: BinaryEvaluation | null };
  challenger: { version: string; metrics: BinaryEvaluation | null } | null;
  gate: GateDecision | null;
  /** The run's id (see LocalRetrainOptions.run). */
  run?: string;
  data: {
    base_file: string | null;
    /** The champion's training data in the dataset store (registry/datasets.ts), by SHA-256. */
    base_dataset?: string | null;
    base_rows: number;
    production_rows: number;
    holdout_rows: number;
    holdout_failures: number;
  };
}

function evaluateOn(
  registry: ModelRegistry,
  version: string,
  holdout: LabelledPrediction[],
): BinaryEvaluation {
  const b = registry.load(version);
  const p = predictBundle(b, featureMatrix(holdout.map((h) => h.reading)));
  const y = Uint8Array.from(holdout, (h) => h.label?.machineFailure ?? 0);
  return evaluateBinary(y, p.failure, b.threshold.value);
}

interface Prepared {
  champion: string;
  holdout: LabelledPrediction[];
  production: LabelledPrediction[];
  base: LabelledReading[];
  data: RetrainDecision["data"];
  championEval: BinaryEvaluation | null;
  /** The newest production row the challenger trains on: recorded in its lineage. */
  through: LogPosition | null;
}

/** The champion, its training data, the labelled production data and the held-out recent labels. */
async function prepare(o: LocalRetrainOptions): Promise<Prepared> {
  const champion = o.registry.resolve("champion");
  const labelled: LabelledPrediction[] = [];
  for await (const p of o.store.queryPredictions({ labelled: true, limit: 200_000 })) labelled.push(p);
  // Reproducibility (e2e fix): the log orders by (predicted_at, id), and ids within one millisecond —
  // every reading of one batch — are random, so the same data came back in a different row order and
  // the same seed trained a different challenger. Ties are broken by the reading's own time and machine.
  labelled.sort(byLogOrder);
  const nHold = Math.max(1, Math.round(labelled.length * (o.holdoutShare ?? 0.3)));
  const holdout = labelled.slice(labelled.length - nHold);
  const production = labelled.slice(0, labelled.length - nHold);
  const holdoutFailures = holdout.reduce((s, p) => s + (p.label?.machineFailure ?? 0), 0);

  const lineage = o.registry.readJson(champion, "lineage.json");
  const base = championData(o.registry, lineage);
  // Production rows the champion already trained on are in its data: only newer labels are added.
  const through = lineage?.production_through as LogPosition | undefined;
  const fresh = through ? production.filter((p) => afterPosition(p, through)) : production;
  const data = {
    base_file: base.file,
    base_dataset: base.dataset,
    base_rows: base.rows.length,
    production_rows: fresh.length,
    holdout_rows: holdout.length,
    holdout_failures: holdoutFailures,
  };
  const championEval = holdout.length > 0 ? evaluateOn(o.registry, champion, holdout) : null;
  const last = fresh.length > 0 ? position(fresh[fresh.length - 1]) : (through ?? null);
  return { champion, holdout, production: fresh, base: base.rows, data, championEval, through: last };
}

/** The champion stays when the held-out labels hold no failure to gate on; null otherwise. */
function nothingToGate(p: Prepared, run?: string): RetrainDecision | null {
  if (p.data.holdout_failures > 0) return null;
  return {
    verdict: "kept",
    reason: `the ${p.holdout.length} most recent labelled predictions hold no failure: nothing to gate on`,
    champion: { version: p.champion, metrics: p.championEval },
    challenger: null,
    gate: null,
    data: p.data,
    run,
  };
}

export async function retrainLocal(o: LocalRetrainOptions): Promise<RetrainDecision> {
  const p = await prepare(o);
  const nothing = nothingToGate(p, o.run);
  if (nothing) return nothing;
  const challenger = await trainChallenger(o, p);
  return judge(o, p, challenger);
}

/**
 * Gates a challenger that a retraining registered but never judged (the server died while its
 * child trained): on the labelled data as it is now. The held-out share is still the most recent
 * labels, none of which the challenger trained on (its data was the older part then, and labels
 * only grow).
 */
export async function adoptChallenger(o: LocalRetrainOptions, challenger: string): Promise<RetrainDecision> {
  const p = await prepare(o);
  return nothingToGate(p, o.run) ?? judge(o, p, challenger);
}

async function trainChallenger(o: LocalRetrainOptions, p: Prepared): Promise<string> {
  mkdirSync(o.workDir, { recursive: true });
  const file = join(o.workDir, `retrain-${Date.now()}.csv`);
  const weight = o.productionWeight ?? 3;
  const rows: (string | number)[][] = p.base.map((r) =>
    COLUMNS.map((c) => (r as unknown as Record<string, string | number>)[c] ?? 0),
  );
  for (let k = 0; k < weight; k++) for (const x of p.production) rows.push(rowOf(x));
  writeFileAtomic(file, formatCsv(COLUMNS, rows));
  try {
    const cli = o.cliPath ?? MILLWRIGHT_BIN;
    const args = [
      cli,
      "train",
      "--data",
      file,
      "--registry",
      o.registry.dir,
      "--seed",
      String(o.seed),
      "--json",
    ];
    // The child stops by itself if this server dies (it checks between heads): an orphan would
    // otherwise train on and register a version nobody judges.
    args.push("--parent-pid", String(process.pid));
    if (o.run) args.push("--retrain-run", o.run);
    args.push(
      "--lineage",
      JSON.stringify({ base_dataset: p.data.base_dataset ?? null, production_through: p.through }),
    );
    const pending = run(process.execPath, args, {
      timeout: o.timeoutMs ?? 10 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (pending.child.pid !== undefined) o.onChild?.(pending.child.pid);
    const { stdout } = await pending;
    return (JSON.parse(stdout) as { version: string }).version;
  } catch (e) {
    throw new MillwrightError(
      "MW_INTERNAL",
      `challenger training failed: ${(e as Error).message.split("\n").slice(0, 3).join(" ")}`,
    );
  } finally {
    rmSync(file, { force: true });
  }
}

async function judge(o: LocalRetrainOptions, p: Prepared, challenger: string): Promise<RetrainDecision> {
  await o.registry.setAlias("challenger", challenger);
  const challengerEval = evaluateOn(o.registry, challenger, p.holdout);
  const g = gate(p.championEval ?? {}, challengerEval, {
    metric: o.gate.metric,
    minMargin: o.gate.margin,
    minimum: o.gate.minimum,
  });
  if (g.promote && !o.holdPromotion) await o.registry.setAlias("champion", challenger);
  return {
    verdict: g.promote ? "promoted" : "kept",
    reason: g.reason,
    champion: { version: p.champion, metrics: p.championEval },
    challenger: { version: challenger, metrics: challengerEval },
    gate: g,
    data: p.data,
    run: o.run,
  };
}

// Shadow mode on the AI4I server: a second AI4I version scores every answered prediction after the
// answer is logged and sent. The routes hand over the columnar batch they logged (every entry point
// makes one: serve/predict-columns.ts): its readings are already validated, and the shadow rebuilds
// the five-column features from them on its own timer turn, off the reply path. Its scores go to the
// prediction store's shadow table beside the champion's, and into the pairs the comparison is made
// of; labels come from POST /v1/feedback by prediction id.
import { MillwrightError } from "../core/errors.js";
import { featureMatrixOfColumns } from "../features/physics.js";
import { compareShadowLabelled } from "../monitor/shadow.js";
import type { ModelRegistry } from "../registry/registry.js";
import type {
  FeedbackItem,
  FeedbackOutcome,
  PredictionBatch,
  PredictionStore,
  ShadowScoreRecord,
} from "../store/types.js";
import { headProba, type ModelBundle } from "../train/bundle.js";
import { isHistoryModelJSON } from "../train/history-model.js";
import type { ModelService } from "./model-service.js";
import type { ShadowSummary } from "./shadow/control.js";
import { SHADOW_PAIRS, ShadowRunner, type ShadowRunnerOptions } from "./shadow/runner.js";

/** Labels kept for the pairs (the oldest forgotten first). */
const LABELS_KEPT = 4 * SHADOW_PAIRS;

/** What the routes hand over: the batch they logged. */
type Item = PredictionBatch;
const sizeOf = (b: Item) => b.n;

/** What the prediction and feedback routes call (Ctx.shadow); each is a no-op with no shadow running. */
export interface ShadowTap {
  offerBatch(b: PredictionBatch): void;
  labelled(items: readonly FeedbackItem[], outcomes: readonly FeedbackOutcome[]): void;
}

export interface Ai4iShadowOptions extends ShadowRunnerOptions {
  registry: ModelRegistry;
  models: ModelService;
  store: PredictionStore;
}

export class Ai4iShadow extends ShadowRunner<ModelBundle, Item, ShadowScoreRecord> implements ShadowTap {
  /** Labels by prediction id (insertion order: the oldest are forgotten first). */
  private readonly labels = new Map<string, 0 | 1>();

  constructor(private readonly deps: Ai4iShadowOptions) {
    super(deps, (rows) => deps.store.logShadow(rows), sizeOf);
  }

  async start(ref: string): Promise<{ version: string; replaced: string | null }> {
    const champ = this.deps.models.require().bundle;
    const { version, obj } = this.deps.registry.readModelJson(ref);
    if (isHistoryModelJSON(obj))
      throw new MillwrightError(
        "MW_CONFLICT",
        `version ${version} is a data-contract model: this server compares AI4I models only`,
        { version },
      );
    // The shadow reads the champion's inputs: a bundle of other features could not score them.
    const names = (obj as { featureNames?: unknown }).featureNames;
    if (!Array.isArray(names) || names.join("\u0000") !== champ.featureNames.join("\u0000"))
      throw new MillwrightError(
        "MW_CONFLICT",
        `version ${version} was trained on other features than the champion ${champ.version}: shadow mode compares models of one feature set`,
        { version },
      );
    if (version === champ.version)
      throw new MillwrightError("MW_CONFLICT", `version ${version} is the champion: nothing to compare`, {
        version,
      });
    return this.begin(this.deps.registry.load(version)); // checked as the model service loads one
  }

  offerBatch(batch: PredictionBatch): void {
    if (batch.n > 0) this.offer(batch);
  }

  labelled(items: readonly FeedbackItem[], outcomes: readonly FeedbackOutcome[]): void {
    if (!this.version) return;
    items.forEach((it, i) => {
      // A duplicate repeats the stored label: it teaches a shadow started after the first one.
      if (outcomes[i] === "accepted" || outcomes[i] === "duplicate")
        this.labels.set(it.predictionId, it.machineFailure);
    });
    for (const id of this.labels.keys()) {
      if (this.labels.size <= LABELS_KEPT) break;
      this.labels.delete(id);
    }
  }

  protected score(model: ModelBundle, items: Item[]): void {
    const champion = this.deps.models.current?.bundle.version ?? null;
    if (champion === model.version) {
      this.stop(); // the shadow was promoted: it is the champion now
      return;
    }
    if (champion === null) return;
    // Answers of another version than the one served (an OIP call naming a version, the shadow's
    // own included) are not the champion's: they stay out of the comparison.
    const mine = items.filter((b) => b.modelVersion === champion);
    if (mine.length === 0) return;
    // One feature matrix and one prediction for the whole drain: most items are single readings,
    // and a one-row matrix each cost an allocation and a pass over the trees' setup per reading.
    const { type, raw, n } = concatReadings(mine);
    // Only the head the comparison reads: the mode heads would cost several times as much.
    const p = headProba(model.heads.machine_failure, featureMatrixOfColumns(type, raw, n));
    const pairs = this.pairsOf(champion);
    const out: ShadowScoreRecord[] = new Array(n);
    const at = Date.now();
    let k = 0;
    for (const b of mine) {
      const champP = b.failureProbability;
      for (let i = 0; i < b.n; i++, k++) {
        // Each answer is its own "machine": labelled by its prediction id (compareShadowLabelled).
        pairs.push({ machine: b.ids[i], time: 0, champion: champP[i], shadow: p[k] });
        out[k] = {
          predictionId: b.ids[i],
          modelVersion: model.version,
          failureProbability: p[k],
          championVersion: champion,
          championProbability: champP[i],
          scoredAt: at,
        };
      }
    }
    this.scoredAll(out);
  }

  summary(): ShadowSummary {
    return this.summaryAgainst(this.deps.models.current?.bundle ?? null, (pairs, thresholds) =>
      compareShadowLabelled(pairs, this.labels, thresholds),
    );
  }
}

/** The readings of several batches as one: product types and the five raw columns, in order. */
function concatReadings(batches: readonly PredictionBatch[]): {
  type: Uint8Array;
  raw: Float64Array;
  n: number;
} {
  if (batches.length === 1) return { type: batches[0].type, raw: batches[0].raw, n: batches[0].n };
  let n = 0;
  for (const b of batches) n += b.n;
  const type = new Uint8Array(n);
  const raw = new Float64Array(n * 5);
  // Element by element: most batches hold one reading, and a subarray view per batch cost more
  // than the copy (a CPU profile under bench/serve-shadow.ts).
  let at = 0;
  for (const b of batches) {
    for (let i = 0; i < b.n; i++) type[at + i] = b.type[i];
    const r = b.raw;
    for (let k = 0, o = at * 5; k < b.n * 5; k++) raw[o + k] = r[k];
    at += b.n;
  }
  return { type, raw, n };
}

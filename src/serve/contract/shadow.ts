// Shadow mode on a data-contract server: a second version of the same contract scores every answered
// request's feature rows (the champion's, queued: the features come from the one fleet history, so
// the shadow needs no history of its own) after the answer is sent. Its scores go to the history
// log's shadow table beside the champion's, and into the pairs the comparison is made of. As an
// observer of the service it sees failures and machine times, which label the pairs (the monitor's
// censoring: monitor/contract-quality.ts).
import { MillwrightError } from "../../core/errors.js";
import type { FeatureMatrix } from "../../features/build.js";
import type { Happened } from "../../monitor/contract-quality.js";
import { compareShadow } from "../../monitor/shadow.js";
import type { ModelRegistry } from "../../registry/registry.js";
import type { HistoryLog, ReadingGroup, ShadowScore } from "../../store/history/types.js";
import { headProba } from "../../train/bundle.js";
import { type HistoryModel, isHistoryModelJSON } from "../../train/history-model.js";
import type { ShadowControl, ShadowSummary } from "../shadow/control.js";
import { ShadowRunner, type ShadowRunnerOptions } from "../shadow/runner.js";
import { type ContractService, type HistoryObserver, loadHistoryModel } from "./contract-service.js";

interface Item {
  /** The request's readings by column, as logged (no object per reading). */
  group: ReadingGroup;
  X: FeatureMatrix;
}

export interface ContractShadowOptions extends ShadowRunnerOptions {
  registry: ModelRegistry;
  service: ContractService;
  log: HistoryLog;
}

export class ContractShadow extends ShadowRunner<Item> implements ShadowControl, HistoryObserver {
  private readonly failures: Happened[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly deps: ContractShadowOptions) {
    super(
      deps,
      (rows) => deps.log.appendShadow(rows),
      (it) => it.group.n,
    );
    deps.service.onScored = (group, X) => this.offer({ group, X });
  }

  async start(ref: string): Promise<{ version: string; replaced: string | null }> {
    const version = this.deps.registry.resolve(ref);
    // A version that is no data-contract model (an AI4I bundle) is the caller's mistake, not a corrupt file.
    if (!isHistoryModelJSON(this.deps.registry.readModelJson(version).obj))
      throw new MillwrightError(
        "MW_CONFLICT",
        `version ${version} is not a data-contract model: shadow mode compares models of this server's contract`,
        { version },
      );
    const model = loadHistoryModel(this.deps.registry, version);
    const champ = this.deps.service.model;
    if (model.contract.name !== champ.contract.name)
      throw new MillwrightError(
        "MW_CONFLICT",
        `version ${version} is a model for contract '${model.contract.name}'; this server serves '${champ.contract.name}'`,
        { version, contract: model.contract.name },
      );
    // The shadow scores the champion's feature rows: it must read them the same way.
    if (model.featureNames.join("\u0000") !== champ.featureNames.join("\u0000"))
      throw new MillwrightError(
        "MW_CONFLICT",
        `version ${version} was trained on other features than the champion ${champ.version} (${model.featureNames.length} vs ${champ.featureNames.length}): shadow mode compares models of one feature plan`,
        { version },
      );
    if (version === champ.version)
      throw new MillwrightError("MW_CONFLICT", `version ${version} is the champion: nothing to compare`, {
        version,
      });
    return this.begin(model);
  }

  protected score(model: HistoryModel, items: Item[]): void {
    const out: ShadowScore[] = [];
    const at = Date.now();
    // Only the head the comparison reads: the per-kind heads would cost several times as much.
    const head = model.heads.machine_failure;
    if (!head) throw new Error(`model ${model.version} has no machine_failure head`);
    for (const { group: g, X } of items) {
      const champion = g.modelVersion;
      if (champion === model.version) {
        this.stop(); // the shadow was promoted: it is the champion now
        return;
      }
      const pairs = this.pairsOf(champion);
      const p = headProba(head, X);
      for (let i = 0; i < g.n; i++) {
        const machine = g.machines[i];
        const time = g.times[i];
        pairs.push({ machine, time, champion: g.failure[i], shadow: p[i] });
        out.push({
          id: g.ids[i],
          machine,
          time,
          modelVersion: model.version,
          failureProbability: p[i],
          championVersion: g.modelVersion,
          championProbability: g.failure[i],
          scoredAt: at,
        });
      }
    }
    this.scoredAll(out);
  }

  reading(machine: string, time: number): void {
    if (time > (this.seen.get(machine) ?? Number.NEGATIVE_INFINITY)) this.seen.set(machine, time);
  }

  event(table: string, machine: string, time: number): void {
    this.reading(machine, time);
    if (table === "failures") this.failures.push({ machine, time });
  }

  reset(): void {
    this.failures.length = 0;
    this.seen.clear();
  }

  /** The shadow period's evidence: which version, since when, and the comparison so far. */
  evidence() {
    return { version: this.version, startedAt: this.startedAt, comparison: this.summary().comparison };
  }

  summary(): ShadowSummary {
    const champ = this.deps.service.model;
    const horizon = champ.contract.failures?.horizon.size ?? 0;
    return this.summaryAgainst(champ, (pairs, thresholds) =>
      compareShadow(pairs, this.failures, horizon, this.seen, thresholds),
    );
  }
}

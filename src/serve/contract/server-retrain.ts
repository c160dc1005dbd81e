// The contract server's retraining loop, wired from its configuration: the gate, the optional shadow
// period, the millwright_retrain_* counters, and (github mode) the repository_dispatch sender.
import { join } from "node:path";
import type { Config } from "../../core/config.js";
import type { ContractMetrics } from "../../metrics/contract.js";
import type { ModelRegistry } from "../../registry/registry.js";
import type { TriggerOutcome } from "../../retrain/alerts.js";
import { type ContractTrainer, gateOf } from "../../retrain/contract-retrain.js";
import { ContractRetrainer } from "../../retrain/contract-service.js";
import { removeStaleRunDirs } from "../../retrain/run-dirs.js";
import { trainInWorker } from "../../retrain/contract-train-worker.js";
import { githubDispatcher } from "../../retrain/github.js";
import { ShadowGate, wantsShadow } from "../../retrain/shadow-gate.js";
import type { LogEntry } from "../../store/history/types.js";
import type { ContractAudit } from "./audit-open.js";
import type { ContractModels } from "./routes-models.js";
import type { ContractShadow } from "./shadow.js";

export interface RetrainWiring {
  cfg: Config;
  audit: ContractAudit;
  registry: ModelRegistry;
  models: ContractModels;
  metrics: ContractMetrics;
  shadow: ContractShadow;
  contract: string;
  entries: () => Promise<LogEntry[]>;
  train?: ContractTrainer;
  log: (msg: string, level?: "info" | "warn") => void;
}

/** Where a retraining writes the files it trains on, a folder per run (retrain/run-dirs.ts). */
export const retrainWorkDir = (cfg: Config) => join(cfg.dataDir, "retrain");

/**
 * At a server's start: a retraining killed with its server (kill -9) left its work folder, which
 * nothing else removes (trial 3: 520 KB after two restarts). Gone now, unless a live process owns it.
 */
export async function sweepRetrainWork(
  cfg: Config,
  audit: Pick<ContractAudit, "pageAudit" | "appendAudit">,
  log: (msg: string) => void,
): Promise<void> {
  const dir = retrainWorkDir(cfg);
  const removed = removeStaleRunDirs(dir);
  if (removed.length === 0) return;
  // A run whose process died never wrote its decision: its trigger stood in the audit for ever
  // without one (trial 8 F12), so it is written here, failed, as abandoned. The folder is
  // `run-<run id>` (contract-retrain.ts) and its owner process is gone, so no replica still runs it.
  const [triggers, decisions] = await Promise.all([
    audit.pageAudit({ kinds: ["trigger"], limit: 200 }),
    audit.pageAudit({ kinds: ["decision"], limit: 200 }),
  ]);
  const runOf = (e: { payload: unknown }) => (e.payload as { run?: string } | null)?.run;
  const decided = new Set(decisions.map(runOf));
  for (const r of removed) {
    log(`retraining: removed the work folder ${join(dir, r.name)} of a run that never ended (${r.why})`);
    const run = r.name.startsWith("run-") ? r.name.slice(4) : null;
    const t = run === null ? undefined : triggers.find((e) => runOf(e) === run);
    if (!t || decided.has(run as string)) continue;
    const p = t.payload as { reason?: string; alertname?: string; source?: string };
    await audit.appendAudit({
      at: Date.now(),
      kind: "decision",
      payload: {
        verdict: "failed",
        reason: `abandoned: the server stopped before the run decided (${r.why}); the champion was kept`,
        trigger: p.alertname ? `alert ${p.alertname}` : p.reason ? `manual: ${p.reason}` : (p.source ?? null),
        run,
      },
    });
    log(`retraining: run ${run} never decided: recorded as failed (abandoned)`);
  }
}

/** The loop, and its shadow gate when MILLWRIGHT_SHADOW_MIN_* ask for a shadow period (the server judges it now and then). */
export function contractRetrainer(w: RetrainWiring): {
  retrainer: ContractRetrainer;
  shadowGate: ShadowGate | undefined;
} {
  const { cfg, audit, models, metrics } = w;
  // As the AI4I loop counted: a repeat while one runs is a deduplicated trigger.
  const counters = {
    trigger: (o: TriggerOutcome) =>
      metrics.retrainTriggers.inc({ outcome: o === "busy" ? "deduplicated" : o }),
    decision: (verdict: string) => metrics.retrainDecisions.inc({ verdict }),
    running: (on: boolean) => metrics.retrainRunning.set(on ? 1 : 0),
  };
  const need = { minLabels: cfg.retrain.shadowMinLabels, minHours: cfg.retrain.shadowMinHours };
  const shadowGate = wantsShadow(need)
    ? new ShadowGate({
        need,
        period: w.shadow,
        promote: (v) => models.serve(v, true),
        audit,
        counters,
        log: (msg) => w.log(msg),
      })
    : undefined;
  const retrainer = new ContractRetrainer({
    audit,
    registry: w.registry,
    served: () => models.served,
    entries: w.entries,
    train: w.train ?? trainInWorker,
    promote: (v) => models.serve(v, true),
    // github: an alert dispatches .github/workflows/retrain.yml, which trains in GitHub Actions once
    // approved (`millwright retrain run` on a copy of the image's registry and this server's log).
    mode: cfg.retrain.mode,
    dispatch: githubDispatcher(cfg.retrain, w.contract),
    cooldownMs: cfg.retrain.cooldownMs,
    gate: gateOf(cfg.retrain),
    workDir: retrainWorkDir(cfg),
    counters,
    shadowGate,
    log: w.log,
  });
  return { retrainer, shadowGate };
}

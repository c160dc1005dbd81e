// The retraining loop's front door: alerts in, at most one retraining at a time, every trigger and
// decision in the audit log and in metrics.
import type { Registry } from "../registry/registry.js";
import type { Metrics } from "../serve/metrics.js";
import type { PredictionStore } from "../store/types.js";
import { type AmPayload, type TriggerOutcome, TriggerGate } from "./alerts.js";
import { dispatchRetrain } from "./github.js";
import { type RetrainDecision, retrainLocal } from "./local.js";

export interface RetrainerOptions {
  registry: Registry;
  store: PredictionStore;
  metrics: Metrics;
  mode: "local" | "github" | "off";
  cooldownMs: number;
  gate: { metric: "pr_auc" | "f1" | "recall" | "roc_auc"; margin: number; minimum: number };
  workDir: string;
  github?: { repo?: string; token?: string; baseUrl?: string };
  /** Called after a promotion so the server swaps to the new champion at once. */
  onPromoted?: (version: string) => void;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  now?: () => number;
}

export class Retrainer {
  private readonly gateKeeper: TriggerGate;
  private current: Promise<RetrainDecision | null> | null = null;
  private seed = 1;

  constructor(private readonly o: RetrainerOptions) {
    this.gateKeeper = new TriggerGate(o.cooldownMs);
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** The retraining in progress, if any (tests and shutdown wait on it). */
  inProgress(): Promise<RetrainDecision | null> | null {
    return this.current;
  }

  async handleAlerts(
    payload: AmPayload,
  ): Promise<{ outcomes: { fingerprint: string; alertname: string; outcome: TriggerOutcome }[] }> {
    const now = this.o.now?.() ?? Date.now();
    const outcomes: { fingerprint: string; alertname: string; outcome: TriggerOutcome }[] = [];
    for (const a of payload.alerts) {
      const alertname = a.labels.alertname ?? "unknown";
      await this.o.store.appendAudit({
        at: now,
        kind: "alert",
        payload: {
          status: a.status,
          alertname,
          severity: a.labels.severity ?? null,
          summary: a.annotations.summary ?? null,
          fingerprint: a.fingerprint,
        },
      });
      const outcome = this.o.mode === "off" ? "ignored" : this.gateKeeper.decide(a, now, this.running);
      if (outcome !== "ignored")
        this.o.metrics.retrainTriggers.inc({ outcome: outcome === "busy" ? "deduplicated" : outcome });
      outcomes.push({ fingerprint: a.fingerprint, alertname, outcome });
      if (outcome === "started") {
        await this.o.store.appendAudit({
          at: now,
          kind: "trigger",
          payload: { source: "alertmanager", alertname, fingerprint: a.fingerprint, mode: this.o.mode },
        });
        this.start(`alert ${alertname}`);
      }
    }
    return { outcomes };
  }

  /** Starts a retraining now (also used by `millwright retrain run`). */
  start(reason: string): Promise<RetrainDecision | null> {
    if (this.current) return this.current;
    this.o.metrics.retrainRunning.set(1);
    this.current = this.execute(reason).finally(() => {
      this.current = null;
      this.o.metrics.retrainRunning.set(0);
    });
    return this.current;
  }

  private async execute(reason: string): Promise<RetrainDecision | null> {
    const now = () => this.o.now?.() ?? Date.now();
    try {
      if (this.o.mode === "github") {
        await dispatchRetrain({
          repo: this.o.github?.repo ?? "",
          token: this.o.github?.token,
          baseUrl: this.o.github?.baseUrl,
          payload: { reason, champion: this.o.registry.readIndex().aliases.champion },
        });
        await this.o.store.appendAudit({
          at: now(),
          kind: "decision",
          payload: { verdict: "dispatched", reason: `retrain workflow dispatched to ${this.o.github?.repo}` },
        });
        return null;
      }
      const d = await retrainLocal({
        registry: this.o.registry,
        store: this.o.store,
        workDir: this.o.workDir,
        seed: this.seed++,
        gate: this.o.gate,
      });
      this.o.metrics.retrainDecisions.inc({ verdict: d.verdict });
      await this.o.store.appendAudit({ at: now(), kind: "decision", payload: { ...d, trigger: reason } });
      this.o.log?.(`retraining: ${d.verdict}: ${d.reason}`);
      if (d.verdict === "promoted" && d.challenger) {
        await this.o.store.appendAudit({
          at: now(),
          kind: "promotion",
          payload: { from: d.champion.version, to: d.challenger.version },
        });
        this.o.onPromoted?.(d.challenger.version);
      }
      return d;
    } catch (e) {
      this.o.metrics.retrainDecisions.inc({ verdict: "failed" });
      const msg = (e as Error).message;
      await this.o.store
        .appendAudit({
          at: now(),
          kind: "decision",
          payload: { verdict: "failed", reason: msg, trigger: reason },
        })
        .catch(() => {});
      this.o.log?.(`retraining failed: ${msg}`);
      return null;
    }
  }
}

// The retraining loop's front door: alerts in, at most one retraining at a time, every trigger and
// decision in the audit log and in metrics.
import type { ModelRegistry } from "../registry/registry.js";
import type { Metrics } from "../metrics/ai4i.js";
import type { PredictionStore } from "../store/types.js";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { bootId } from "../registry/lock.js";
import {
  type AmPayload,
  alertAudit,
  decideTrigger,
  type TriggerMemory,
  type TriggerOutcome,
} from "./alerts.js";
import { dispatchRetrain } from "./github.js";
import { type RetrainDecision, retrainLocal } from "./local.js";
import { reconcileRuns } from "./reconcile.js";
import type { ShadowGate } from "./shadow-gate.js";

export interface RetrainerOptions {
  registry: ModelRegistry;
  store: PredictionStore;
  metrics: Metrics;
  mode: "local" | "github" | "off";
  cooldownMs: number;
  gate: { metric: "pr_auc" | "f1" | "recall" | "roc_auc"; margin: number; minimum: number };
  workDir: string;
  github?: { repo?: string; token?: string; baseUrl?: string };
  /**
   * The shadow period (MILLWRIGHT_SHADOW_MIN_*): a challenger that passes the offline gate goes in
   * shadow and this gate promotes it once the live evidence says so (shadow-gate.ts).
   */
  shadowGate?: ShadowGate | null;
  /** Called after a promotion so the server swaps to the new champion at once. */
  onPromoted?: (version: string) => void;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  now?: () => number;
}

/** Who runs a retraining: kept in its trigger, so a later start can tell whether it still runs. */
export const thisServer = () => ({ pid: process.pid, boot: bootId(), host: hostname() });

export class Retrainer {
  private readonly memory: TriggerMemory;
  private current: Promise<RetrainDecision | null> | null = null;
  private seed = 1;
  /** Alerts are decided one at a time (and after reconciliation): the store holds the state. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: RetrainerOptions) {
    this.memory = {
      seenAlert: (fp, at, forgetBefore) => opts.store.seenAlert(fp, at, forgetBefore),
      lastTrigger: async () => (await opts.store.pageAudit({ kinds: ["trigger"], limit: 1 }))[0]?.at ?? null,
    };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => {});
    return next;
  }

  /**
   * Settles retrainings a previous process started and never decided (it was killed while its
   * child trained): adopts a challenger the child registered, or records the run as abandoned.
   * Called once at start; alerts wait for it.
   */
  reconcile(): Promise<string[]> {
    return this.serial(() =>
      reconcileRuns({
        ...this.opts,
        seed: this.seed++,
        onDecision: (d) => this.record(d, d.trigger),
      }),
    );
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** The retraining in progress, if any (tests and shutdown wait on it). */
  inProgress(): Promise<RetrainDecision | null> | null {
    return this.current;
  }

  handleAlerts(
    payload: AmPayload,
  ): Promise<{ outcomes: { fingerprint: string; alertname: string; outcome: TriggerOutcome }[] }> {
    return this.serial(() => this.decideAlerts(payload));
  }

  private async decideAlerts(
    payload: AmPayload,
  ): Promise<{ outcomes: { fingerprint: string; alertname: string; outcome: TriggerOutcome }[] }> {
    const now = this.opts.now?.() ?? Date.now();
    const outcomes: { fingerprint: string; alertname: string; outcome: TriggerOutcome }[] = [];
    for (const a of payload.alerts) {
      const alertname = a.labels.alertname ?? "unknown";
      await this.opts.store.appendAudit(alertAudit(a, now));
      const outcome =
        this.opts.mode === "off"
          ? "ignored"
          : await decideTrigger(this.memory, a, now, this.running, this.opts.cooldownMs);
      if (outcome !== "ignored")
        this.opts.metrics.retrainTriggers.inc({ outcome: outcome === "busy" ? "deduplicated" : outcome });
      outcomes.push({ fingerprint: a.fingerprint, alertname, outcome });
      if (outcome === "started") {
        const run = randomUUID();
        await this.opts.store.appendAudit({
          at: now,
          kind: "trigger",
          payload: {
            source: "alertmanager",
            alertname,
            fingerprint: a.fingerprint,
            mode: this.opts.mode,
            run,
            server: thisServer(),
          },
        });
        void this.start(`alert ${alertname}`, run);
      }
    }
    return { outcomes };
  }

  /** Starts a retraining now (also used by `millwright retrain run`). */
  start(reason: string, run: string = randomUUID()): Promise<RetrainDecision | null> {
    if (this.current) return this.current;
    this.opts.metrics.retrainRunning.set(1);
    this.current = this.execute(reason, run).finally(() => {
      this.current = null;
      this.opts.metrics.retrainRunning.set(0);
    });
    return this.current;
  }

  private async execute(reason: string, run: string): Promise<RetrainDecision | null> {
    const now = () => this.opts.now?.() ?? Date.now();
    try {
      if (this.opts.mode === "github") {
        await dispatchRetrain({
          repo: this.opts.github?.repo ?? "",
          token: this.opts.github?.token,
          baseUrl: this.opts.github?.baseUrl,
          payload: { reason, champion: this.opts.registry.readIndex().aliases.champion },
        });
        await this.opts.store.appendAudit({
          at: now(),
          kind: "decision",
          payload: {
            verdict: "dispatched",
            reason: `retrain workflow dispatched to ${this.opts.github?.repo}`,
            trigger: reason,
            run,
          },
        });
        return null;
      }
      const d = await retrainLocal({
        registry: this.opts.registry,
        store: this.opts.store,
        workDir: this.opts.workDir,
        seed: this.seed++,
        gate: this.opts.gate,
        run,
        holdPromotion: !!this.opts.shadowGate,
        onChild: (pid) => {
          void this.opts.store
            .appendAudit({ at: now(), kind: "training", payload: { run, pid, server: thisServer() } })
            .catch(() => {});
        },
      });
      await this.record(d, reason, !!this.opts.shadowGate);
      return d;
    } catch (e) {
      this.opts.metrics.retrainDecisions.inc({ verdict: "failed" });
      const msg = (e as Error).message;
      await this.opts.store
        .appendAudit({
          at: now(),
          kind: "decision",
          payload: { verdict: "failed", reason: msg, trigger: reason, run },
        })
        .catch(() => {});
      this.opts.log?.(`retraining failed: ${msg}`);
      return null;
    }
  }

  /** A decision into the audit and the metrics; a promotion too, and the server follows it. */
  private async record(d: RetrainDecision, trigger: string, held = false): Promise<void> {
    const at = this.opts.now?.() ?? Date.now();
    const gate = this.opts.shadowGate;
    if (held && gate && d.verdict === "promoted" && d.challenger) {
      // Passed offline, not served: audited as such, then in shadow until the live evidence is in.
      const { verdict: _, ...rest } = d;
      await this.opts.store.appendAudit({
        at,
        kind: "decision",
        payload: { verdict: "offline-pass", ...rest, trigger },
      });
      this.opts.log?.(`retraining: offline-pass: ${d.reason}; ${d.challenger.version} goes in shadow`);
      await gate.begin({
        version: d.challenger.version,
        champion: d.champion.version,
        run: d.run ?? "",
        trigger,
      });
      return;
    }
    this.opts.metrics.retrainDecisions.inc({ verdict: d.verdict });
    await this.opts.store.appendAudit({ at, kind: "decision", payload: { ...d, trigger } });
    this.opts.log?.(`retraining: ${d.verdict}: ${d.reason}`);
    if (d.verdict === "promoted" && d.challenger) {
      await this.opts.store.appendAudit({
        at,
        kind: "promotion",
        payload: { from: d.champion.version, to: d.challenger.version },
      });
      this.opts.onPromoted?.(d.challenger.version);
    }
  }
}

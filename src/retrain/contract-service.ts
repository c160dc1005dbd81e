// The retraining loop of a data-contract server: Alertmanager alerts of the drift or quality kind
// (labelled action="retrain" in deploy/monitoring/rules.yml) start at most one retraining at a
// time, deduplicated and cooled down by the same rule as the AI4I loop (alerts.ts), every step in
// the server's audit file. A challenger that passes the gate is promoted through `promote`, which
// loads and checks it before the alias moves and swaps the served model in place. In github mode an
// alert that would start one sends a repository_dispatch instead (github.ts): the approved workflow
// runs this same loop offline (`millwright retrain run`, local mode, on a copy of the registry).
import { randomUUID } from "node:crypto";
import { MillwrightError } from "../core/errors.js";
import type { ModelRegistry } from "../registry/registry.js";
import type { LogEntry } from "../store/history/types.js";
import { type AmAlert, type AmPayload, alertAudit, decideTrigger, type TriggerOutcome } from "./alerts.js";
import {
  type ContractGate,
  type ContractRetrainDecision,
  type ContractTrainer,
  retrainContract,
} from "./contract-retrain.js";
import { dispatchAudited, type RetrainDispatch } from "./github.js";
import type { AuditStore, RetrainCounters } from "./ports.js";
import type { ShadowGate } from "./shadow-gate.js";

export interface ContractRetrainerOptions {
  audit: AuditStore;
  registry: ModelRegistry;
  /** The version served now (the champion the challenger must beat). */
  served: () => string;
  /** Everything the server logged, in log order. */
  entries: () => Promise<LogEntry[]>;
  train: ContractTrainer;
  /** Loads and checks a version, makes it champion and serves it. */
  promote: (version: string) => Promise<unknown>;
  mode: "local" | "github" | "off";
  /** github mode: sends the repository_dispatch (dispatchRetrain bound to the repository). */
  dispatch?: (p: RetrainDispatch) => Promise<void>;
  cooldownMs: number;
  gate: ContractGate;
  workDir: string;
  /** A shadow period before promotion (shadow-gate.ts); none: a pass promotes at once. */
  shadowGate?: ShadowGate;
  /** Counts for /metrics (the server's millwright_retrain_* metrics); none by default. */
  counters?: RetrainCounters;
  /** The server's log: a decision at info, a failure (to train, to dispatch) at warn. */
  log?: (msg: string, level?: "info" | "warn") => void;
  now?: () => number;
  /** The first run's training seed (each later run takes the next); 1 by default. */
  seed?: number;
}

/** Drift and quality alerts retrain; an outage or a latency alert would only retrain the same model. */
export const retrains = (a: AmAlert): boolean =>
  a.labels.action === "retrain" || /drift|quality/i.test(a.labels.alertname ?? "");

type Outcome = { fingerprint: string; alertname: string; outcome: TriggerOutcome };

/**
 * How long another replica's retraining, started and not decided, holds a manual one back (cluster
 * mode): longer than any run takes (seconds to minutes), so that a replica that died mid-run blocks
 * "retrain now" for this long at most.
 */
export const RUN_GIVEN_UP_MS = 60 * 60_000;

export class ContractRetrainer {
  private current: Promise<ContractRetrainDecision | null> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private seed: number;
  /** Why the last run failed (its decision is "failed"): `millwright retrain run` exits with it. */
  lastError: unknown = null;

  constructor(private readonly opts: ContractRetrainerOptions) {
    this.seed = opts.seed ?? 1;
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** The retraining in progress, if any (tests and shutdown wait on it). */
  inProgress(): Promise<ContractRetrainDecision | null> | null {
    return this.current;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** Alerts are decided one at a time: the audit file holds the state (sightings, last trigger). */
  handleAlerts(payload: AmPayload): Promise<{ outcomes: Outcome[] }> {
    // Cluster mode: Alertmanager reaches every replica (or whichever the Service picks); the shared
    // audit's lock makes the sightings and the last trigger one memory, so one retraining starts.
    const audit = this.opts.audit;
    const decide = () => this.decide(payload);
    const next = this.queue.then(() => (audit.exclusive ? audit.exclusive(decide) : decide()));
    this.queue = next.catch(() => {});
    return next;
  }

  private async decide(payload: AmPayload): Promise<{ outcomes: Outcome[] }> {
    const now = this.now();
    const audit = this.opts.audit;
    const memory = {
      seenAlert: (fp: string, at: number, before: number) => audit.seenAlert(fp, at, before),
      lastTrigger: async () => (await audit.pageAudit({ kinds: ["trigger"], limit: 1 }))[0]?.at ?? null,
    };
    const outcomes: Outcome[] = [];
    for (const a of payload.alerts) {
      const alertname = a.labels.alertname ?? "unknown";
      const outcome: TriggerOutcome =
        this.opts.mode === "off" || !retrains(a)
          ? "ignored"
          : await decideTrigger(memory, a, now, this.running, this.opts.cooldownMs);
      const run = outcome === "started" ? randomUUID() : undefined;
      // Held back by the cooldown: when it ends (the alert retrains then if Alertmanager sends it again).
      const last = outcome === "cooldown" ? await memory.lastTrigger() : null;
      const until = last === null ? null : last + this.opts.cooldownMs;
      await audit.appendAudit(alertAudit(a, now, { outcome, run, until }));
      outcomes.push({ fingerprint: a.fingerprint, alertname, outcome });
      if (outcome !== "ignored") this.opts.counters?.trigger(outcome);
      if (run === undefined) continue;
      await audit.appendAudit({
        at: now,
        kind: "trigger",
        payload: { source: "alertmanager", alertname, fingerprint: a.fingerprint, mode: this.opts.mode, run },
      });
      if (this.opts.mode === "github") void this.dispatch(`alert ${alertname}`, alertname, run);
      else void this.start(`alert ${alertname}`, run, a.labels.group || undefined);
    }
    return { outcomes };
  }

  /** github mode: the cooldown is already running from the trigger; the decision says whether GitHub took it. */
  private dispatch(reason: string, alertname: string, run: string) {
    const dispatch =
      this.opts.dispatch ??
      (() => Promise.reject(new MillwrightError("MW_CONFIG", "github mode without a dispatcher")));
    return dispatchAudited({
      dispatch,
      payload: { reason, alertname, run, model_version: this.opts.served() },
      audit: this.opts.audit,
      counters: this.opts.counters,
      log: this.opts.log,
      now: () => this.now(),
    });
  }

  /**
   * An operator's "retrain now" (POST /v1/retrain, admin token): no cooldown, since a person chose
   * it; refused while one runs or when retraining is off, so the answer says what happened. In github
   * mode it trains here too (a single server with a writable registry); `millwright retrain run` calls
   * it in local mode. Decided in the same queue (and, in cluster mode, under the same lock) as the alerts.
   */
  requestRun(reason: string): Promise<{ run: string; started_at: string }> {
    const audit = this.opts.audit;
    const decide = async () => {
      if (this.opts.mode === "off")
        throw new MillwrightError(
          "MW_CONFLICT",
          "retraining is off on this server (MILLWRIGHT_RETRAIN_MODE=off): nothing started",
        );
      if (this.running)
        throw new MillwrightError(
          "MW_CONFLICT",
          "a retraining is running: its decision will be in GET /v1/retrain/history",
        );
      // Cluster mode: another replica's run counts too (trial 4: one POST per replica trained two
      // identical challengers). Its trigger without a decision is a run in progress, until it is older
      // than a run can be (the replica running it died: its run never decides).
      if (audit.exclusive) await this.noRunElsewhere();
      const run = randomUUID();
      const at = this.now();
      await audit.appendAudit({
        at,
        kind: "trigger",
        payload: { source: "manual", reason, mode: this.opts.mode, run },
      });
      this.opts.counters?.trigger("started");
      void this.start(`manual: ${reason}`, run);
      return { run, started_at: new Date(at).toISOString() };
    };
    const next = this.queue.then(() => (audit.exclusive ? audit.exclusive(decide) : decide()));
    this.queue = next.catch(() => {});
    return next;
  }

  /** Throws MW_CONFLICT when the newest trigger in the shared audit has no decision and is recent. */
  private async noRunElsewhere(): Promise<void> {
    const audit = this.opts.audit;
    const [last] = await audit.pageAudit({ kinds: ["trigger"], limit: 1 });
    const run = (last?.payload as { run?: string } | undefined)?.run;
    if (!last || !run || this.now() - last.at > RUN_GIVEN_UP_MS) return;
    const decisions = await audit.pageAudit({ kinds: ["decision"], limit: 20 });
    if (decisions.some((d) => (d.payload as { run?: string }).run === run)) return;
    throw new MillwrightError(
      "MW_CONFLICT",
      `a retraining is running on another replica (run ${run}, started ${new Date(last.at).toISOString()}): its decision will be in GET /v1/retrain/history (a run without a decision is given up ${RUN_GIVEN_UP_MS / 60_000} minutes after its start)`,
    );
  }

  /**
   * Starts a retraining now, or returns the one running. `group`: the group of machines the alert
   * was about (its `group` label), judged on its own too (contract-retrain.ts).
   */
  start(reason: string, run: string = randomUUID(), group?: string): Promise<ContractRetrainDecision | null> {
    if (this.current) return this.current;
    this.opts.counters?.running(true);
    this.current = this.execute(reason, run, group).finally(() => {
      this.current = null;
      this.opts.counters?.running(false);
    });
    return this.current;
  }

  private async execute(
    trigger: string,
    run: string,
    group?: string,
  ): Promise<ContractRetrainDecision | null> {
    const { audit, registry } = this.opts;
    try {
      const champion = this.opts.served();
      const entries = await this.opts.entries();
      // Reading the data and scoring are synchronous: let the webhook's answer go out first.
      await new Promise((r) => setImmediate(r));
      const d = await retrainContract({
        registry,
        champion,
        entries,
        train: this.opts.train,
        workDir: this.opts.workDir,
        seed: this.seed++,
        gate: this.opts.gate,
        run,
        group,
      });
      await registry.setAlias("challenger", d.challenger.version);
      const { verdict: _, ...rest } = d;
      if (d.verdict === "promote" && this.opts.shadowGate) {
        // The offline pass is evidence enough to try it live, not to serve it: the shadow gate decides.
        await audit.appendAudit({
          at: this.now(),
          kind: "decision",
          payload: { verdict: "offline-pass", ...rest, trigger },
        });
        await this.opts.shadowGate.begin({ version: d.challenger.version, champion, run, trigger });
        this.opts.log?.(`retraining: in shadow: ${d.reason}`);
        return d;
      }
      const verdict = d.verdict === "promote" ? "promoted" : "kept";
      if (verdict === "promoted") await this.opts.promote(d.challenger.version);
      this.opts.counters?.decision(verdict);
      // A kept challenger stays registered, as a candidate is in MLflow: its version, metrics and
      // lineage, and the `challenger` alias. The decision names it (trial 3: a kept run's 1.3.0 was
      // found only in `models list`).
      const reason =
        verdict === "kept"
          ? `${d.reason}; challenger ${d.challenger.version} stays registered (alias challenger), not served`
          : d.reason;
      await audit.appendAudit({
        at: this.now(),
        kind: "decision",
        payload: { verdict, ...rest, reason, trigger },
      });
      if (verdict === "promoted")
        await audit.appendAudit({
          at: this.now(),
          kind: "promotion",
          payload: { from: champion, to: d.challenger.version, run },
        });
      this.opts.log?.(`retraining: ${verdict}: ${reason}`);
      return d;
    } catch (e) {
      this.lastError = e;
      const msg = (e as Error).message;
      this.opts.counters?.decision("failed");
      await audit
        .appendAudit({
          at: this.now(),
          kind: "decision",
          payload: { verdict: "failed", reason: msg, trigger, run },
        })
        .catch(() => {});
      this.opts.log?.(`retraining failed: ${msg}`, "warn");
      return null;
    }
  }
}

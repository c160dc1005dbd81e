// The retraining gate's shadow period (issue 19): with MILLWRIGHT_SHADOW_MIN_LABELS and/or
// MILLWRIGHT_SHADOW_MIN_HOURS set, a challenger that passes the offline gate is not promoted at once
// but put in shadow, scoring live requests beside the champion; it is promoted only once the shadow
// evidence is in (monitor/shadow.ts shadowVerdict: N labelled requests and/or T hours, and a realised
// PR-AUC at least the champion's on those same requests). A worse one is stopped and kept out. Every
// step is in the audit, as the offline gate's are.
import type { ShadowComparison, ShadowEvidenceNeed, ShadowVerdict } from "../monitor/shadow.js";
import { shadowVerdict } from "../monitor/shadow.js";
import type { AuditStore, RetrainCounters } from "./ports.js";

/** The server's shadow, as the gate sees it. */
export interface ShadowPeriod {
  start(version: string): Promise<unknown>;
  stop(): unknown;
  evidence(): { version: string | null; startedAt: number | null; comparison: ShadowComparison | null };
}

export interface ShadowGateOptions {
  need: ShadowEvidenceNeed;
  period: ShadowPeriod;
  /** Loads, checks and serves a version as champion (the same call an offline pass makes). */
  promote: (version: string) => Promise<unknown>;
  audit: AuditStore;
  counters?: RetrainCounters;
  log?: (msg: string) => void;
  now?: () => number;
}

interface Pending {
  version: string;
  champion: string;
  run: string;
  trigger: string;
}

/** True when the settings ask for a shadow period at all. */
export const wantsShadow = (need: ShadowEvidenceNeed): boolean => need.minLabels > 0 || need.minHours > 0;

export class ShadowGate {
  private pending: Pending | null = null;
  private judging: Promise<ShadowVerdict | null> | null = null;

  constructor(private readonly deps: ShadowGateOptions) {}

  /** The challenger waiting in shadow for its evidence, if any. */
  get waiting(): string | null {
    return this.pending?.version ?? null;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Puts a challenger that passed the offline gate in shadow (replacing one still waiting). */
  async begin(p: Pending): Promise<void> {
    await this.deps.period.start(p.version);
    this.pending = p;
    this.deps.counters?.decision("shadow");
    await this.deps.audit.appendAudit({
      at: this.now(),
      kind: "decision",
      payload: {
        verdict: "shadow",
        reason: `passed the offline gate; in shadow until ${needWords(this.deps.need)} say it is at least as good`,
        challenger: { version: p.version },
        champion: { version: p.champion },
        trigger: p.trigger,
        run: p.run,
        need: this.deps.need,
      },
    });
  }

  /** Looks at the evidence so far (the server calls this on a timer); one judgement at a time. */
  judge(): Promise<ShadowVerdict | null> {
    this.judging ??= this.decide().finally(() => {
      this.judging = null;
    });
    return this.judging;
  }

  /** Waits for a judgement in progress (shutdown), starting none. */
  async idle(): Promise<void> {
    await this.judging?.catch(() => {});
  }

  private async decide(): Promise<ShadowVerdict | null> {
    const p = this.pending;
    if (!p) return null;
    const ev = this.deps.period.evidence();
    const decision = async (verdict: "promoted" | "kept", reason: string, comparison: unknown) => {
      this.pending = null;
      this.deps.counters?.decision(verdict);
      await this.deps.audit.appendAudit({
        at: this.now(),
        kind: "decision",
        payload: {
          verdict,
          reason,
          stage: "shadow",
          challenger: { version: p.version },
          champion: { version: p.champion },
          comparison,
          trigger: p.trigger,
          run: p.run,
        },
      });
      this.deps.log?.(`retraining (shadow): ${verdict}: ${reason}`);
    };
    if (ev.version !== p.version || ev.comparison === null || ev.startedAt === null) {
      // Stopped or replaced by hand: no evidence, so no promotion.
      await decision("kept", `shadow of ${p.version} was stopped before its evidence was in`, null);
      return { verdict: "reject", reason: "shadow stopped" };
    }
    const v = shadowVerdict(ev.comparison, ev.startedAt, this.now(), this.deps.need);
    if (v.verdict === "wait") return v;
    if (v.verdict === "reject") {
      this.deps.period.stop();
      await decision("kept", v.reason, ev.comparison);
      return v;
    }
    await this.deps.promote(p.version);
    this.deps.period.stop();
    await decision("promoted", v.reason, ev.comparison);
    await this.deps.audit.appendAudit({
      at: this.now(),
      kind: "promotion",
      payload: { from: p.champion, to: p.version, run: p.run, stage: "shadow" },
    });
    return v;
  }
}

function needWords(n: ShadowEvidenceNeed): string {
  const parts: string[] = [];
  if (n.minLabels > 0) parts.push(`${n.minLabels} labelled requests`);
  if (n.minHours > 0) parts.push(`${n.minHours} hours`);
  return parts.join(" and ");
}

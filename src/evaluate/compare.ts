// Champion/challenger gate: promote the challenger only if it clears an absolute bar and beats the champion
// by a margin on one chosen metric, both measured on the same holdout. The reason is a sentence a person
// reads in the audit log, with the numbers that decided it.
import { MillwrightError } from "../core/errors.js";
import { fmt, METRIC_LABELS } from "./format.js";

export type GateMetric = "roc_auc" | "pr_auc" | "f1" | "precision" | "recall" | "accuracy" | "brier";

/** Any metrics object with the gate metric's key (an evaluateBinary result, say); null = unknown. */
export type MetricValues = Partial<Record<GateMetric, number | null>>;

export interface GateOptions {
  metric: GateMetric;
  /** Improvement over the champion required to promote (same units as the metric; >= 0). */
  minMargin: number;
  /** Bar the challenger must clear: a floor, or for brier (lower is better) a ceiling. */
  minimum: number;
}

export interface GateDecision {
  promote: boolean;
  reason: string;
  /** Improvement of challenger over champion (positive = better; for brier, champion − challenger). null if unknown. */
  delta: number | null;
  metric: GateMetric;
  champion: number | null;
  challenger: number | null;
}

const LOWER_IS_BETTER: ReadonlySet<GateMetric> = new Set(["brier"]);
// Absorbs float noise so 0.91 − 0.88 (0.030000000000000027 or 0.0299999…) meets a 0.03 margin.
const EPS = 1e-12;

export function gate(champion: MetricValues, challenger: MetricValues, opts: GateOptions): GateDecision {
  const { metric, minMargin, minimum } = opts;
  if (!(metric in METRIC_LABELS)) {
    throw new MillwrightError("MW_CONFIG", `gate: unknown metric '${metric}'`, { key: "metric" });
  }
  if (!(Number.isFinite(minMargin) && minMargin >= 0) || !Number.isFinite(minimum)) {
    throw new MillwrightError(
      "MW_CONFIG",
      `gate: minMargin ${minMargin} and minimum ${minimum} must be finite, margin >= 0`,
      {
        key: "minMargin",
      },
    );
  }
  const label = METRIC_LABELS[metric];
  const lower = LOWER_IS_BETTER.has(metric);
  const champ = champion[metric] ?? null;
  const chall = challenger[metric] ?? null;
  const base = { metric, champion: champ, challenger: chall };
  if (chall === null) {
    return {
      ...base,
      promote: false,
      delta: null,
      reason: `challenger ${label} is unknown (not enough data); keeping the champion`,
    };
  }
  const clears = lower ? chall <= minimum + EPS : chall >= minimum - EPS;
  if (!clears) {
    const rel = lower ? "above the maximum" : "below the minimum";
    return {
      ...base,
      promote: false,
      delta: champ === null ? null : improvement(champ, chall, lower),
      reason: `challenger ${label} ${fmt(chall)} is ${rel} ${fmt(minimum)}; keeping the champion`,
    };
  }
  if (champ === null) {
    return {
      ...base,
      promote: true,
      delta: null,
      reason: `champion ${label} is unknown; challenger ${label} ${fmt(chall)} clears the ${lower ? "maximum" : "minimum"} ${fmt(minimum)}`,
    };
  }
  const delta = improvement(champ, chall, lower);
  // A tie keeps the champion even at margin 0: a retraining that learned nothing new (the same data,
  // the same seed) must not become champion and move every replica to it. Its challenger is
  // registered all the same (retrain/contract-service.ts: a candidate with its metrics and lineage).
  if (Math.abs(delta) <= EPS)
    return {
      ...base,
      promote: false,
      delta: 0,
      reason: `challenger ${label} ${fmt(chall)} equals champion ${fmt(champ)}; a tie keeps the champion`,
    };
  if (delta >= minMargin - EPS) {
    return {
      ...base,
      promote: true,
      delta,
      reason: `challenger ${label} ${fmt(chall)} beats champion ${fmt(champ)} by ${fmt(delta)} ≥ margin ${fmt(minMargin)}`,
    };
  }
  const how =
    delta < 0
      ? `is worse than champion ${fmt(champ)} by ${fmt(-delta)}`
      : `improves on champion ${fmt(champ)} by only ${fmt(delta)}`;
  return {
    ...base,
    promote: false,
    delta,
    reason: `challenger ${label} ${fmt(chall)} ${how} < margin ${fmt(minMargin)}; keeping the champion`,
  };
}

function improvement(champ: number, chall: number, lowerIsBetter: boolean): number {
  return lowerIsBetter ? champ - chall : chall - champ;
}

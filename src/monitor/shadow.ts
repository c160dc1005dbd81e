// A shadow model judged against the champion on the same live requests (shadow mode, issue 19).
// Pure: the server (serve/shadow/) keeps the pairs and the failures and asks this for the figures.
// - agreement: the share of requests on which both models make the same decision, each at its own
//   threshold (what the technician would have been told);
// - distance between the two score distributions: the Jensen-Shannon distance (natural log, so in
//   [0, √ln 2 ≈ 0.83]) on Evidently's binned shares, the same statistic the drift report uses
//   (monitor/stats/jensenshannon.ts): symmetric and finite with empty bins, unlike PSI;
// - realised quality of both once labels are known: the same censoring as the monitor's
//   (contract-quality.ts), so both are scored on exactly the same labelled requests.
import { binnedShares } from "./stats/binning.js";
import { jensenShannon } from "./stats/jensenshannon.js";
import { type Happened, realisedQuality } from "./contract-quality.js";

/** Fewer pairs than this give no distance: a histogram of a handful of scores says nothing (the monitor's MIN_CURRENT). */
export const MIN_DISTANCE_PAIRS = 100;

export interface ShadowPair {
  machine: string;
  time: number;
  champion: number;
  shadow: number;
}

export interface ModelQuality {
  pr_auc: number | null;
  recall: number | null;
}

export interface ShadowComparison {
  /** Requests both models scored (the window compared). */
  n: number;
  agreement: number | null;
  distance: { stat: "jensenshannon"; value: number | null };
  /** Of those, requests whose label is known, and how many were followed by a failure. */
  labelled: number;
  positives: number;
  champion: ModelQuality;
  shadow: ModelQuality;
}

/** Jensen-Shannon distance of two score samples (null when either has fewer than `min`). */
export function scoreDistance(a: ArrayLike<number>, b: ArrayLike<number>, min = 1): number | null {
  if (a.length < Math.max(1, min) || b.length < Math.max(1, min)) return null;
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  const s = binnedShares(
    { kind: "numeric", sorted: sa },
    { kind: "numeric", sorted: sb },
    { fillZeros: false },
  );
  return jensenShannon(s.reference, s.current);
}

export function compareShadow(
  pairs: readonly ShadowPair[],
  failures: readonly Happened[],
  horizon: number,
  seenUntil: ReadonlyMap<string, number>,
  thresholds: { champion: number; shadow: number },
): ShadowComparison {
  let same = 0;
  for (const p of pairs) if (p.champion >= thresholds.champion === p.shadow >= thresholds.shadow) same++;
  const as = (k: "champion" | "shadow") => pairs.map((p) => ({ machine: p.machine, time: p.time, p: p[k] }));
  const c = realisedQuality(as("champion"), failures, horizon, seenUntil, thresholds.champion);
  const s = realisedQuality(as("shadow"), failures, horizon, seenUntil, thresholds.shadow);
  return {
    n: pairs.length,
    agreement: pairs.length > 0 ? same / pairs.length : null,
    distance: {
      stat: "jensenshannon",
      value: scoreDistance(
        pairs.map((p) => p.champion),
        pairs.map((p) => p.shadow),
        MIN_DISTANCE_PAIRS,
      ),
    },
    labelled: c.n,
    positives: c.positives,
    champion: { pr_auc: c.pr_auc, recall: c.recall },
    shadow: { pr_auc: s.pr_auc, recall: s.recall },
  };
}

/** What a shadow period must show before the retraining gate promotes (0: that requirement is off). */
export interface ShadowEvidenceNeed {
  minLabels: number;
  minHours: number;
}

export type ShadowVerdict = { verdict: "wait" | "promote" | "reject"; reason: string };

/**
 * The gate after a shadow period: wait until every requirement set is met (N labelled requests,
 * T hours), then promote only when the challenger's realised PR-AUC on those same requests is at
 * least the champion's. Without a PR-AUC for both (no failure, or only failures, among the labelled)
 * the evidence cannot say, so it waits: a challenger is never promoted on no evidence.
 */
export function shadowVerdict(
  c: ShadowComparison,
  startedAt: number,
  now: number,
  need: ShadowEvidenceNeed,
): ShadowVerdict {
  const hours = (now - startedAt) / 3_600_000;
  if (need.minLabels > 0 && c.labelled < need.minLabels)
    return { verdict: "wait", reason: `${c.labelled} of ${need.minLabels} labelled requests` };
  if (need.minHours > 0 && hours < need.minHours)
    return { verdict: "wait", reason: `${hours.toFixed(2)} of ${need.minHours} hours in shadow` };
  const a = c.shadow.pr_auc;
  const b = c.champion.pr_auc;
  if (a === null || b === null)
    return {
      verdict: "wait",
      reason: `no realised PR-AUC yet (${c.labelled} labelled, ${c.positives} followed by a failure)`,
    };
  const fig = `realised PR-AUC ${a.toFixed(4)} (challenger) vs ${b.toFixed(4)} (champion) on ${c.labelled} labelled requests`;
  return a >= b ? { verdict: "promote", reason: fig } : { verdict: "reject", reason: fig };
}

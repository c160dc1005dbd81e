// The retraining gate's third look, for a run an alert about one group of machines started
// (MillwrightGroupDrift{group="make=Okuma"}: a contract's `monitor.drift_by` group). The gate
// (compare.ts) and the kind guard (kind-guard.ts) judge the whole slice, where a drifted make may
// hold almost no rows after its drift: a customer's trial promoted on a better overall PR-AUC, and
// the drifted make's recall fell from 0.82 to 0.29 while the fleet's stayed fine. So the group the
// alert was about is compared on its own machines' rows of the slice: the overall head's PR-AUC
// (threshold-free) and its recall at each model's own threshold. A group the challenger does worse
// on by more than the kind tolerance keeps the champion; and since the alert was about that group,
// a group with fewer failures in the slice than a kind needs is listed, not judged, and keeps the
// champion too: the retraining cannot say the challenger is better where the drift is.
// Pure: no I/O.
import { fmt } from "./format.js";
import { checkTolerance, KIND_GATE_MIN_FAILURES } from "./kind-guard.js";
import { averagePrecision } from "./ranking.js";

export interface GroupSlice {
  /** The overall head's PR-AUC on the group's rows of the slice (null: one class only, or no rows). */
  pr_auc: number | null;
  /** The share of the group's positive rows at or above the model's threshold (null: none positive). */
  recall: number | null;
}

/** The group's part of the slice: its rows with a known label and the failures behind them. */
export interface GroupRows {
  /** The group's key, as the monitor's `group` label writes it (`make=Okuma`, drift-groups.ts). */
  name: string;
  /** The group's machines, as the machine table names them (empty: no machine is in it). */
  machines: string[];
  rows: number;
  positive_rows: number;
  /** Failures behind the group's rows (the slice's `failures`, counted on the group's rows only). */
  failures: number;
}

export interface GroupVerdict extends GroupRows {
  champion: GroupSlice;
  challenger: GroupSlice;
  /** Compared (enough failures, both scored); false: listed only, and the champion is kept. */
  judged: boolean;
  /** Challenger − champion (PR-AUC); null when either is unknown. */
  delta: number | null;
}

export interface GroupGuard {
  pass: boolean;
  /** Why the champion is kept, in words; null when the guard passes. */
  reason: string | null;
  group: GroupVerdict;
}

/** A model's figures on the group's rows: `y` the labels, `p` its overall head's scores. */
export function groupSlice(y: ArrayLike<number>, p: ArrayLike<number>, threshold: number): GroupSlice {
  let positives = 0;
  let caught = 0;
  for (let i = 0; i < y.length; i++)
    if (y[i] === 1) {
      positives++;
      if (p[i] >= threshold) caught++;
    }
  return {
    pr_auc: y.length === 0 ? null : averagePrecision(y, p),
    recall: positives === 0 ? null : caught / positives,
  };
}

const figure = (v: number | null) => (v === null ? "unknown" : fmt(v));

/**
 * Judges the challenger on the group the alert was about. `tolerance`: the most PR-AUC it may lose
 * there (MILLWRIGHT_GATE_KIND_TOLERANCE, the kinds' tolerance; 1 judges no loss, but a group with
 * too few failures still keeps the champion).
 */
export function groupGuard(
  group: GroupRows,
  champion: GroupSlice,
  challenger: GroupSlice,
  tolerance: number,
): GroupGuard {
  checkTolerance(tolerance);
  const a = champion.pr_auc;
  const b = challenger.pr_auc;
  const delta = a === null || b === null ? null : b - a;
  const enough = group.failures >= KIND_GATE_MIN_FAILURES;
  const verdict: GroupVerdict = { ...group, champion, challenger, judged: delta !== null && enough, delta };
  const about = `${group.name} (the group the alert was about)`;
  if (!verdict.judged) {
    const why =
      group.machines.length === 0
        ? `no machine of the machine table is in ${about}: the challenger cannot be judged on it`
        : enough
          ? `the slice's ${group.rows} rows and ${group.failures} failures of ${about} are of one class only: the challenger cannot be judged on it`
          : `the slice holds ${group.rows} rows and ${group.failures} failures of ${about}: too few to judge the challenger on it`;
    const step = enough
      ? "POST /v1/retrain retrains by hand, without this look at the group"
      : "retrain by hand with POST /v1/retrain once it has more";
    return {
      pass: false,
      reason: `${why}; keeping the champion (${step})`,
      group: verdict,
    };
  }
  // Float noise must not fail a loss of exactly the tolerance, as in the kind guard.
  if ((delta as number) >= -tolerance - 1e-12) return { pass: true, reason: null, group: verdict };
  return {
    pass: false,
    reason: `challenger's PR-AUC on ${about} ${fmt(b as number)} is below champion's ${fmt(a as number)} by ${fmt(-(delta as number))} > kind tolerance ${fmt(tolerance)} (${group.failures} failures of ${group.name} in the slice; recall at each model's threshold ${figure(challenger.recall)} against ${figure(champion.recall)}); keeping the champion`,
    group: verdict,
  };
}

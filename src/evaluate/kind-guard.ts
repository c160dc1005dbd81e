// The retraining gate's second look: the failure kinds. The gate (compare.ts) judges one metric of
// the overall head, but the plan runs on the kind heads, so a challenger better overall may be worse
// at the kind that matters (trial 3: promoted on machine_failure, its die_crack and main_bearing heads
// lost most of their PR-AUC and the realised F1 fell after the swap). So each kind with enough
// failures in the slice is compared too, on PR-AUC (threshold-free: kind heads have no threshold),
// and a kind the challenger does worse on by more than the tolerance keeps the champion. A kind with
// fewer failures is listed, not judged: on three failures one ranking swap moves PR-AUC by a third.
// Pure: no I/O.
import { MillwrightError } from "../core/errors.js";
import { fmt } from "./format.js";

/** The default tolerance (MILLWRIGHT_GATE_KIND_TOLERANCE): a tenth of PR-AUC. */
export const KIND_TOLERANCE = 0.1;
/** A kind is judged only with at least this many failures of it in the slice. */
export const KIND_GATE_MIN_FAILURES = 5;

export interface KindSlice {
  /** The kind head's PR-AUC on the slice (null: one class only, or the model has no such head). */
  pr_auc: number | null;
}

export interface KindVerdict {
  kind: string;
  champion: number | null;
  challenger: number | null;
  /** Failures of this kind behind the slice's readings. */
  failures: number;
  /** Compared (enough failures, both scored); false: listed only. */
  judged: boolean;
  /** Challenger − champion (PR-AUC); null when either is unknown. */
  delta: number | null;
}

export interface KindGuard {
  pass: boolean;
  /** The first kind that failed, in words; null when the guard passes. */
  reason: string | null;
  kinds: KindVerdict[];
}

/** The kind tolerance (MILLWRIGHT_GATE_KIND_TOLERANCE) is a number ≥ 0; the group guard's too. */
export function checkTolerance(tolerance: number): void {
  if (!(Number.isFinite(tolerance) && tolerance >= 0))
    throw new MillwrightError(
      "MW_CONFIG",
      `gate: the kind tolerance ${tolerance} must be a number ≥ 0 (MILLWRIGHT_GATE_KIND_TOLERANCE)`,
      { key: "MILLWRIGHT_GATE_KIND_TOLERANCE" },
    );
}

/**
 * Compares each kind's PR-AUC of champion and challenger on one slice. `tolerance`: the most PR-AUC
 * a judged kind may lose (MILLWRIGHT_GATE_KIND_TOLERANCE; 1 turns the guard off).
 */
export function kindGuard(
  champion: Readonly<Record<string, KindSlice>>,
  challenger: Readonly<Record<string, KindSlice>>,
  failures: Readonly<Record<string, number>>,
  tolerance: number,
): KindGuard {
  checkTolerance(tolerance);
  const names = [...new Set([...Object.keys(champion), ...Object.keys(challenger)])].sort();
  const kinds = names.map((kind): KindVerdict => {
    const a = champion[kind]?.pr_auc ?? null;
    const b = challenger[kind]?.pr_auc ?? null;
    const n = failures[kind] ?? 0;
    const delta = a === null || b === null ? null : b - a;
    return {
      kind,
      champion: a,
      challenger: b,
      failures: n,
      judged: delta !== null && n >= KIND_GATE_MIN_FAILURES,
      delta,
    };
  });
  // Float noise must not fail a loss of exactly the tolerance (0.393 − 0.293 is 0.10000000000000003).
  const worst = kinds
    .filter((k) => k.judged && (k.delta as number) < -tolerance - 1e-12)
    .sort((x, y) => (x.delta as number) - (y.delta as number))[0];
  if (!worst) return { pass: true, reason: null, kinds };
  const loss = -(worst.delta as number);
  return {
    pass: false,
    reason: `challenger's '${worst.kind}' head PR-AUC ${fmt(worst.challenger as number)} is below champion's ${fmt(worst.champion as number)} by ${fmt(loss)} > kind tolerance ${fmt(tolerance)} (${worst.failures} ${worst.kind} failures in the slice); keeping the champion`,
    kinds,
  };
}

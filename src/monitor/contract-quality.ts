// Realised quality of a data-contract model from the failures that happened: a reading scored at
// t was right to warn when its machine failed in (t, t + horizon]. Its label is known as soon as
// such a failure is in, or else once the machine has been seen past t + horizon (a later reading or
// event); until then it is left out: the same censoring training uses (features/labels.ts). A
// row-labelled contract's labels come by prediction id instead (POST /v1/feedback): qualityOf
// takes them as they are. Pure.
import { upperBound } from "../core/search.js";
import { averagePrecision, rocAuc } from "../evaluate/ranking.js";

export interface Scored {
  machine: string;
  time: number;
  p: number;
}

export interface Happened {
  machine: string;
  time: number;
}

export interface RealisedQuality {
  /** Readings whose label is known. */
  n: number;
  /**
   * Positive rows: the known readings labelled a failure. With failure events each is a reading
   * with a failure within the horizon after it, so one failure makes as many as its machine sent
   * readings in that horizon (hourly readings and 24 h: about 24).
   */
  positives: number;
  /**
   * The failures behind the positive rows: the distinct failure events within the horizon after
   * at least one of them (features/labels.ts failuresBehind, as the card counts the test part's).
   * A row-labelled contract's positive row is one failure, so there it equals `positives`.
   */
  failures: number;
  pr_auc: number | null;
  roc_auc: number | null;
  recall: number | null;
  precision: number | null;
  /**
   * The quality alert's floors are on recall and F1 (deploy/monitoring/rules.yml). F1 as
   * scikit-learn's f1_score (0 when nothing is flagged); null while no failure is in the window.
   */
  f1: number | null;
  accuracy: number | null;
}

/** Each machine's failure times, sorted: what `knownLabel` looks a reading's label up in. */
export function failureTimes(failures: readonly Happened[]): Map<string, number[]> {
  const byMachine = new Map<string, number[]>();
  for (const f of failures) {
    const a = byMachine.get(f.machine) ?? [];
    a.push(f.time);
    byMachine.set(f.machine, a);
  }
  for (const a of byMachine.values()) a.sort((x, y) => x - y);
  return byMachine;
}

/**
 * The label of a reading at `time` on a machine with these (sorted) failure `times` and seen up to
 * `seen`: 1 when it failed in (time, time + horizon], 0 once seen past that with no failure in it,
 * null while not known yet (or never seen).
 */
export function knownLabel(
  times: readonly number[],
  time: number,
  horizon: number,
  seen: number | undefined,
): 0 | 1 | null {
  if (seen === undefined) return null;
  // The first failure after t, positive when it falls within the horizon.
  const lo = upperBound(times, time);
  if (lo < times.length && times[lo] <= time + horizon) return 1;
  return time + horizon > seen ? null : 0;
}

/** Labels of the readings whose horizon has passed on their machine (`seenUntil`: newest time seen per machine). */
export function realisedQuality(
  scored: readonly Scored[],
  failures: readonly Happened[],
  horizon: number,
  seenUntil: ReadonlyMap<string, number>,
  threshold: number,
): RealisedQuality {
  const byMachine = failureTimes(failures);
  const y: number[] = [];
  const p: number[] = [];
  // Each failure behind a positive row, once: its machine's times and its place among them.
  const behind = new Map<readonly number[], Set<number>>();
  for (const s of scored) {
    const times = byMachine.get(s.machine) ?? [];
    const label = knownLabel(times, s.time, horizon, seenUntil.get(s.machine));
    if (label === null) continue;
    y.push(label);
    p.push(s.p);
    if (label === 1) {
      const seen = behind.get(times) ?? new Set<number>();
      behind.set(times, seen);
      for (let j = upperBound(times, s.time); j < times.length && times[j] <= s.time + horizon; j++)
        seen.add(j);
    }
  }
  let counted = 0;
  for (const seen of behind.values()) counted += seen.size;
  return { ...qualityOf(y, p, threshold), failures: counted };
}

/** Quality of scores `p` against known labels `y` (0/1), a warning at p ≥ threshold. */
export function qualityOf(y: readonly number[], p: readonly number[], threshold: number): RealisedQuality {
  let positives = 0;
  let tp = 0;
  let flagged = 0;
  for (let i = 0; i < y.length; i++) {
    positives += y[i];
    if (p[i] >= threshold) {
      flagged++;
      tp += y[i];
    }
  }
  const mixed = positives > 0 && positives < y.length;
  const recall = positives > 0 ? tp / positives : null;
  const precision = flagged > 0 ? tp / flagged : null;
  // Correct: the flagged failures and the unflagged non-failures.
  const correct = tp + (y.length - positives - (flagged - tp));
  return {
    n: y.length,
    positives,
    // Labels per row (feedback): each positive row is one failure. realisedQuality counts events.
    failures: positives,
    pr_auc: mixed ? averagePrecision(y, p) : null,
    roc_auc: mixed ? rocAuc(y, p) : null,
    recall,
    precision,
    // scikit-learn's f1_score, 2·tp / (2·tp + fp + fn): 0 when the model flags no failure of the
    // window (trial 8: it was absent then, and the F1 alert resolved at the worst moment). Absent,
    // as recall is, while the window holds no failure to find.
    f1: positives > 0 ? (2 * tp) / (2 * tp + (flagged - tp) + (positives - tp)) : null,
    accuracy: y.length > 0 ? correct / y.length : null,
  };
}

// The part's age stacked into the planning calibration (plan-calibration.ts; BENCHMARKS.md, plan
// backtest). The trees see a part's `since` feature but are trained on a few failures of each kind
// and barely move with it, while parts wear out with age (fixed-interval PM alone prevents about
// half the failures). So each failure kind gets a Weibull life law, fitted by maximum likelihood
// (model/weibull.ts) on the training period's part lifetimes: from each renewal of the part (its
// `resets` event, or a failure, as the `since` feature counts them) to its failure (observed), or to
// the next renewal or the period's end (censored); a part installed before the data began enters at
// its age then (left-truncated). The calibration then gets a second input beside logit(C): ln H, H
// the cumulative Weibull hazard of the part's age over the same window, (age + w)^k − age^k over η^k,
//   C′ = σ(a · logit(C) + c · ln H + b),
// fitted on the same part-mornings and anchors as the Platt map (model/logistic.ts, Platt's targets,
// a and c kept ≥ 0). Applied, ln H is held within the range the map was fitted on: a part older
// than any on those mornings (run far past its maintenance interval) is not extrapolated to, where a
// life law fitted on a few failures can be far too steep. Only a head whose task is that part's renewal (the `resets` event of its own
// kind) has an age the planner can advance and restart; other heads keep the Platt map.
// Pure: no I/O.
import type { Contract } from "../contract/types.js";
import type { EventTable } from "../data/events.js";
import { MS_PER_HOUR } from "../features/plan.js";
import { fitLogisticPlatt } from "../model/logistic.js";
import { fitWeibull, type Lifetime, weibullCumHazard, weibullWindowHazard } from "../model/weibull.js";
import {
  type AnchorSamples,
  logit,
  MIN_CALIBRATION_FAILURES,
  type PartLife,
  type PlanCalibration,
} from "./plan-calibration.js";

/** A kind's life law needs this many failures among its lifetimes. */
export const MIN_LIFE_FAILURES = 3;
/** ln H is floored here: a part renewed this instant has H = 0 over no time. */
const MIN_H = 1e-12;

/** Whether head's task renews the part: its event is the `resets` table's row of the head's kind. */
export function renewsPart(c: Contract, head: string): boolean {
  const e = c.tasks?.heads.find((h) => h.head === head)?.task?.event;
  return !!e && "table" in e && !!c.failures?.resets && e.table === c.failures.resets && e.kind === head;
}

/** Times (ms) of `kind` on machine m before `to`, from one event table. */
function timesOf(e: EventTable | null, m: number, kind: string, to: number): number[] {
  const out: number[] = [];
  if (e)
    for (let i = 0; i < e.n; i++)
      if (e.machine[i] === m && e.kind[i] === kind && e.time[i] < to) out.push(e.time[i]);
  return out;
}

/** The lifetimes (hours) of `kind`'s parts seen in [from, to) (ms); see the file's comment. */
export function partLifetimes(
  failures: EventTable,
  resets: EventTable | null,
  nMachines: number,
  kind: string,
  from: number,
  to: number,
): Lifetime[] {
  const out: Lifetime[] = [];
  for (let m = 0; m < nMachines; m++) {
    const failed = new Set(timesOf(failures, m, kind, to));
    const renewals = [...new Set([...failed, ...timesOf(resets, m, kind, to)])].sort((x, y) => x - y);
    renewals.forEach((start, i) => {
      const end = i + 1 < renewals.length ? renewals[i + 1] : to;
      if (end <= from || end <= start) return;
      out.push({
        time: (end - start) / MS_PER_HOUR,
        failed: failed.has(end) ? 1 : 0,
        entry: Math.max(0, from - start) / MS_PER_HOUR,
      });
    });
  }
  return out;
}

/** Each planned kind's life law, where it has enough failures. */
export function fitPartLives(
  heads: readonly string[],
  failures: EventTable,
  resets: EventTable | null,
  nMachines: number,
  from: number,
  to: number,
): Record<string, PartLife> {
  const out: Record<string, PartLife> = {};
  for (const head of heads) {
    const lives = partLifetimes(failures, resets, nMachines, head, from, to);
    const nFailed = lives.filter((l) => l.failed > 0).length;
    const w = nFailed >= MIN_LIFE_FAILURES ? fitWeibull(lives) : null;
    if (w) out[head] = { ...w, lifetimes: lives.length, failures: nFailed };
  }
  return out;
}

/**
 * ln of the part's cumulative Weibull hazard from now to `hours` ahead, for a part `age` hours old
 * now; `renewedAt` (hours ahead): the part is replaced then, and the new one starts at age 0.
 */
export function ageLogHazard(life: PartLife, age: number, renewedAt?: number): (hours: number) => number {
  return (hours) => {
    const h =
      renewedAt === undefined || renewedAt >= hours
        ? weibullWindowHazard(life, age, hours)
        : weibullWindowHazard(life, age, renewedAt) + weibullCumHazard(life, hours - renewedAt);
    return Math.log(Math.max(MIN_H, h));
  };
}

/**
 * The Platt calibration with the age map added to each anchor, fitted on the part-mornings whose
 * kind has a life law and whose age is known. Unchanged (no age map at all) unless every anchor
 * gets one: the planner then maps each part one way for the whole week.
 */
export function withAgeMaps(
  cal: PlanCalibration | null,
  anchors: readonly AnchorSamples[],
  lives: Record<string, PartLife>,
): PlanCalibration | null {
  if (!cal || Object.keys(lives).length === 0) return cal;
  const maps = cal.anchors.map((x) => {
    const s = anchors.find((a) => a.hours === x.hours);
    if (!s?.age || !s.head) return null;
    const lc: number[] = [];
    const lh: number[] = [];
    const y: number[] = [];
    s.failed.forEach((f, i) => {
      const life = lives[(s.head as string[])[i]];
      const age = (s.age as number[])[i];
      if (!life || !(age >= 0)) return;
      lc.push(logit(s.risk[i]));
      lh.push(ageLogHazard(life, age)(s.window?.[i] ?? s.hours));
      y.push(f);
    });
    const failures = y.filter((v) => v > 0).length;
    if (failures < MIN_CALIBRATION_FAILURES || failures === y.length) return null;
    const fit = fitLogisticPlatt([lc, lh], y, true);
    const lo = lh.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY);
    const hi = lh.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
    return { a: fit.w[0], c: fit.w[1], b: fit.b, lo, hi, samples: y.length, failures };
  });
  if (maps.some((m) => m === null)) return cal;
  return {
    ...cal,
    weibull: lives,
    anchors: cal.anchors.map((x, i) => ({ ...x, age: maps[i] ?? undefined })),
  };
}

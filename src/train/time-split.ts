// Honest splits for history data: by time (rows before a cut train, rows from it test, with a gap
// of one horizon so no training label looks into the test period), or by whole machines. Never by
// random rows: neighbouring hours of one machine are near copies, and a random split would test
// on rows the model has all but seen. Pure; the machine split draws from the seeded rng.
import { MillwrightError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";

export type SplitSpec =
  /**
   * validation "spread": every fifth row before the cut, not the latest stretch. Only for rows whose
   * time merely orders them (a row-labelled contract without a machine column, AI4I: no row is a
   * neighbour's near copy); a retraining needs it, or the newest rows, the ones it is for, would all
   * fall in validation and slice and none would be fitted (contract-retrain.ts).
   */
  | { by: "time"; testFrom: number | null; validation?: "latest" | "spread" }
  /** testMachines: hold out exactly these (a retraining keeps its champion's test machines). */
  | { by: "machine"; testMachines?: readonly string[] };

export interface SplitInput {
  time: Float64Array;
  machine: Int32Array;
  nMachines: number;
  /** Machine ids by index (for a split by machine: which ones were held out). */
  machineIds?: readonly string[];
  /** 0 where the row's label is unknown (censored): it neither trains nor tests. */
  usable: Uint8Array;
  /** The label horizon in time units (0 for row labels). */
  horizon: number;
  /** Any-failure labels: the validation cut moves earlier until validation holds some failures. */
  y?: Uint8Array;
  /** Per machine, a split by machine's stratum (its commonest failure kind; 0: none): see pick(). */
  strata?: Int32Array;
}

export interface Split {
  fit: Uint32Array;
  validation: Uint32Array;
  test: Uint32Array;
  /** Where each part starts and ends, for the model card. */
  describe: string;
  testFrom: number | null;
  /** A split by machine: the ids of the machines held out for the test (null by time). */
  testMachines: string[] | null;
}

function cutByTime(x: SplitInput, rows: number[], cut: number): [number[], number[]] {
  const before: number[] = [];
  const after: number[] = [];
  for (const i of rows) {
    if (x.time[i] + x.horizon < cut) before.push(i);
    else if (x.time[i] >= cut) after.push(i);
  }
  return [before, after];
}

function range(x: SplitInput, rows: number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const i of rows) {
    if (x.time[i] < lo) lo = x.time[i];
    if (x.time[i] > hi) hi = x.time[i];
  }
  return [lo, hi];
}

/** `n` of `list` spread evenly along it (positions where ⌊k·n/N⌋ steps up), and the others. */
function pick(list: number[], n: number): [number[], number[]] {
  const chosen: number[] = [];
  const rest: number[] = [];
  list.forEach((m, k) => {
    const step = Math.floor(((k + 1) * n) / list.length) > Math.floor((k * n) / list.length);
    (step ? chosen : rest).push(m);
  });
  return [chosen, rest];
}

export function splitRows(x: SplitInput, spec: SplitSpec, rng: Rng): Split {
  const all: number[] = [];
  for (let i = 0; i < x.time.length; i++) if (x.usable[i]) all.push(i);
  if (spec.by === "machine") {
    if (x.nMachines < 3)
      throw new MillwrightError(
        "MW_TRAINING_DATA",
        `--split machine needs at least 3 machines, the data has ${x.nMachines}`,
      );
    const order = Array.from({ length: x.nMachines }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const given = spec.testMachines ? givenTestMachines(x, spec.testMachines) : null;
    const nTest = given ? given.size : Math.max(1, Math.round(0.2 * x.nMachines));
    const nVal = Math.max(1, Math.round(0.2 * (x.nMachines - nTest)));
    const part = new Int8Array(x.nMachines);
    // Machines sorted by stratum (the shuffle kept within each), then every (N/n)-th taken: each
    // part gets its share of every failure kind. Drawn blindly, 3 validation units of 20 missed
    // all 6 of a kind's units one time in three, and that kind got no head ("too few failures").
    if (x.strata) {
      const strata = x.strata;
      order.sort((a, b) => strata[a] - strata[b]);
    }
    if (given || x.strata) {
      // Given: the champion's test machines stay the test (the challenger fits on none of their
      // rows, and the champion never did); validation is drawn from the rest as for a drawn test.
      const [test, rest] = given ? [[...given], order.filter((m) => !given.has(m))] : pick(order, nTest);
      for (const m of test) part[m] = 2;
      for (const m of pick(rest, nVal)[0]) part[m] = 1;
    } else
      order.forEach((m, k) => {
        part[m] = k < nTest ? 2 : k < nTest + nVal ? 1 : 0;
      });
    const parts: number[][] = [[], [], []];
    for (const i of all) parts[part[x.machine[i]]].push(i);
    return {
      fit: Uint32Array.from(parts[0]),
      validation: Uint32Array.from(parts[1]),
      test: Uint32Array.from(parts[2]),
      describe: `by machine: ${nTest} of ${x.nMachines} machines held out for the test${given ? " (the champion's)" : ""}, ${nVal} for validation`,
      testFrom: null,
      testMachines: x.machineIds
        ? order
            .filter((m) => part[m] === 2)
            .map((m) => x.machineIds![m])
            .sort()
        : null,
    };
  }
  const [lo, hi] = range(x, all);
  const testFrom = spec.testFrom ?? lo + 0.8 * (hi - lo);
  const [dev, test] = cutByTime(x, all, testFrom);
  if (spec.validation === "spread") {
    const [validation, fit] = pick(dev, Math.max(1, Math.round(0.2 * dev.length)));
    return {
      fit: Uint32Array.from(fit),
      validation: Uint32Array.from(validation),
      test: Uint32Array.from(test),
      describe:
        "by time: test from the cut on, validation every fifth row before it (time only orders the rows)",
      testFrom,
      testMachines: null,
    };
  }
  const [dlo, dhi] = range(x, dev);
  // Validation is the latest stretch of the training time. Failures are rare and come in clusters,
  // so a fixed last 20 % can hold none (then nothing can early-stop, calibrate or pick a threshold):
  // the cut moves back 5 % at a time, up to half the time, until validation holds at least 15 %
  // of the training period's failure rows.
  const positives = (rows: number[]) =>
    x.y ? rows.reduce((s, i) => s + ((x.y as Uint8Array)[i] ? 1 : 0), 0) : 1;
  const want = Math.max(1, Math.ceil(0.15 * positives(dev)));
  let share = 0.2;
  let [fit, validation] = cutByTime(x, dev, dlo + 0.8 * (dhi - dlo));
  for (let back = 0.25; back <= 0.5 + 1e-9 && positives(validation) < want; back += 0.05) {
    [fit, validation] = cutByTime(x, dev, dlo + (1 - back) * (dhi - dlo));
    share = back;
  }
  return {
    fit: Uint32Array.from(fit),
    validation: Uint32Array.from(validation),
    test: Uint32Array.from(test),
    describe: `by time: test from the cut on, validation the last ${Math.round(share * 100)} % of the time before it, a gap of one horizon before each`,
    testFrom,
    testMachines: null,
  };
}

/** Indices of the named test machines present in the data; none present is an error naming them. */
function givenTestMachines(x: SplitInput, ids: readonly string[]): Set<number> {
  const index = new Map((x.machineIds ?? []).map((id, i) => [id, i]));
  const found = new Set<number>();
  for (const id of ids) {
    const i = index.get(id);
    if (i !== undefined) found.add(i);
  }
  if (found.size === 0 || found.size >= x.nMachines)
    throw new MillwrightError(
      "MW_TRAINING_DATA",
      `split by machine: the test machines (${ids.join(", ")}) must be some, not all, of the data's machines; found ${found.size} of ${x.nMachines}`,
    );
  return found;
}

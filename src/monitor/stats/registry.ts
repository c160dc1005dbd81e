// The drift tests by name, as Evidently's stattest registry: each declares the column kinds it accepts,
// its default threshold and whether its score is a p-value (drift when p < threshold) or a distance
// (drift when d ≥ threshold). Kernels only compute; the registry decides "drifted", and every result
// carries the test and the threshold it actually used.
import { MillwrightError } from "../../core/errors.js";
import { binnedShares, type Sample } from "./binning.js";
import { chiSquareCounts } from "./chisquare.js";
import { type Counts, countSorted } from "./counts.js";
import { jensenShannon } from "./jensenshannon.js";
import { ks2sampSorted, type KsMethod } from "./ks.js";
import { psiShares } from "./psi.js";
import { wassersteinNormedSorted } from "./wasserstein.js";
import { zTestCounts } from "./ztest.js";

export type ColumnKind = "numeric" | "categorical";
export type TestName = "ks" | "chisquare" | "ztest" | "wasserstein" | "psi" | "jensenshannon";
export const TEST_NAMES: readonly TestName[] = [
  "ks",
  "chisquare",
  "ztest",
  "wasserstein",
  "psi",
  "jensenshannon",
];

export interface KernelOptions {
  ksMethod?: KsMethod;
  bins?: number;
}

export interface KernelScore {
  statistic: number;
  /** Present only for tests that have one. */
  pValue?: number;
  score: number;
}

export interface StatTest {
  name: TestName;
  displayName: string;
  kinds: readonly ColumnKind[];
  defaultThreshold: number;
  scoreKind: "p_value" | "distance";
  compute(reference: Sample, current: Sample, opts: KernelOptions): KernelScore;
}

export interface TestResult {
  test: TestName;
  statistic: number;
  /** Only for tests that have one (ks, chisquare, ztest). */
  p_value?: number;
  score: number;
  threshold: number;
  drifted: boolean;
}

function numeric(s: Sample, test: TestName): Float64Array {
  if (s.kind !== "numeric") {
    throw new MillwrightError("MW_BAD_INPUT", `test "${test}" needs numeric values`, { test });
  }
  return s.sorted;
}

const counts = (s: Sample): Counts => (s.kind === "numeric" ? countSorted(s.sorted) : s.counts);

type Kernel<T> = (reference: Sample, current: Sample, opts: KernelOptions) => T;

/** A test scored by its p-value: drift below Evidently's default 0.05. */
function pValueTest(
  name: TestName,
  displayName: string,
  kinds: readonly ColumnKind[],
  kernel: Kernel<{ statistic: number; pValue: number }>,
): StatTest {
  return {
    name,
    displayName,
    kinds,
    defaultThreshold: 0.05,
    scoreKind: "p_value",
    compute(r, c, o) {
      const { statistic, pValue } = kernel(r, c, o);
      return { statistic, pValue, score: pValue };
    },
  };
}

/** A test scored by a distance (its statistic): drift at or above Evidently's default 0.1. */
function distanceTest(
  name: TestName,
  displayName: string,
  kinds: readonly ColumnKind[],
  kernel: Kernel<number>,
): StatTest {
  return {
    name,
    displayName,
    kinds,
    defaultThreshold: 0.1,
    scoreKind: "distance",
    compute(r, c, o) {
      const d = kernel(r, c, o);
      return { statistic: d, score: d };
    },
  };
}

const TESTS: Record<TestName, StatTest> = {
  ks: pValueTest("ks", "K-S p-value", ["numeric"], (r, c, o) =>
    ks2sampSorted(numeric(r, "ks"), numeric(c, "ks"), o.ksMethod ?? "auto"),
  ),
  chisquare: pValueTest("chisquare", "chi-square p-value", ["categorical"], (r, c) =>
    chiSquareCounts(counts(r), counts(c)),
  ),
  ztest: pValueTest("ztest", "Z-test p-value", ["categorical"], (r, c) => zTestCounts(counts(r), counts(c))),
  wasserstein: distanceTest("wasserstein", "Wasserstein distance (normed)", ["numeric"], (r, c) =>
    wassersteinNormedSorted(numeric(r, "wasserstein"), numeric(c, "wasserstein")),
  ),
  psi: distanceTest("psi", "PSI", ["numeric", "categorical"], (r, c, o) => {
    const s = binnedShares(r, c, { fillZeros: true, bins: o.bins });
    return psiShares(s.reference, s.current);
  }),
  jensenshannon: distanceTest(
    "jensenshannon",
    "Jensen-Shannon distance",
    ["numeric", "categorical"],
    (r, c, o) => {
      const s = binnedShares(r, c, { fillZeros: false, bins: o.bins });
      return jensenShannon(s.reference, s.current);
    },
  ),
};

export function isTestName(name: string): name is TestName {
  return (TEST_NAMES as readonly string[]).includes(name);
}

export function getStatTest(name: string): StatTest {
  if (!isTestName(name)) {
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `unknown drift test "${name}"; known: ${TEST_NAMES.join(", ")}`,
      {
        test: name,
      },
    );
  }
  return TESTS[name];
}

/** The verdict: p-values drift below the threshold, distances at or above it; NaN never drifts. */
export function isDrifted(test: StatTest, score: number, threshold: number): boolean {
  return test.scoreKind === "p_value" ? score < threshold : score >= threshold;
}

export function runStatTest(
  name: TestName,
  reference: Sample,
  current: Sample,
  threshold?: number,
  opts: KernelOptions = {},
): TestResult {
  const test = getStatTest(name);
  const t = threshold ?? test.defaultThreshold;
  const k = test.compute(reference, current, opts);
  const result: TestResult = {
    test: name,
    statistic: k.statistic,
    score: k.score,
    threshold: t,
    drifted: false,
  };
  if (k.pValue !== undefined) result.p_value = k.pValue;
  result.drifted = isDrifted(test, k.score, t);
  return result;
}

// Which test a feature gets: Evidently's default choice (data_drift get_default_stattest), overridable
// per feature and globally.
// - reference ≤ 1,000 rows: numeric with > 5 distinct values → KS; otherwise (categorical, or numeric
//   with ≤ 5 distinct values tested as categories) chi-square when > 2 distinct values, else Z-test;
// - larger reference: numeric with > 5 distinct values → normed Wasserstein, anything else → Jensen–Shannon.
// Distinct values are counted over reference and current together, as Evidently does.
// A per-feature choice must accept the column's kind (else an error naming the feature); a global
// `test` (the CLI's --test) applies to every feature whose kind it accepts and leaves the others on the default.
import { MillwrightError } from "../../core/errors.js";
import { type ColumnKind, getStatTest, type TestName } from "./registry.js";

export interface TestChoice {
  /** Force one test for every feature it applies to. */
  test?: TestName;
  /** Per-feature test, which wins over `test`. */
  tests?: Record<string, TestName>;
}

export const SMALL_REFERENCE_ROWS = 1000;
export const FEW_VALUES = 5;

export function defaultTest(kind: ColumnKind, referenceRows: number, distinctValues: number): TestName {
  const continuous = kind === "numeric" && distinctValues > FEW_VALUES;
  if (referenceRows <= SMALL_REFERENCE_ROWS) {
    if (continuous) return "ks";
    return distinctValues > 2 ? "chisquare" : "ztest";
  }
  return continuous ? "wasserstein" : "jensenshannon";
}

export function chooseTest(
  feature: string,
  kind: ColumnKind,
  referenceRows: number,
  distinctValues: number,
  choice: TestChoice = {},
): TestName {
  const own = choice.tests?.[feature];
  if (own !== undefined) {
    const test = getStatTest(own);
    if (!test.kinds.includes(kind)) {
      throw new MillwrightError(
        "MW_BAD_INPUT",
        `feature "${feature}" is ${kind}; test "${own}" accepts ${test.kinds.join(" or ")} only`,
        { field: feature, test: own, kind },
      );
    }
    return own;
  }
  if (choice.test !== undefined && getStatTest(choice.test).kinds.includes(kind)) return choice.test;
  return defaultTest(kind, referenceRows, distinctValues);
}

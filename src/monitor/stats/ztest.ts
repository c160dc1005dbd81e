// Evidently's "z" stattest: a two-proportion Z-test. Categories are sorted (Python's sorted()); the
// first is coded 0 and every other 1, so for a 0/1 label the proportion is the failure rate.
// z = (p₁ − p₂) / √(P(1−P)(1/n₁ + 1/n₂)) with the pooled P, two-sided p = 2·(1 − Φ(|z|)) (computed as
// 2·sf(|z|), the same number without cancellation). Both samples holding the same single value → p = 1.
import { type Counts, countedPair } from "./counts.js";
import { normSf } from "./normal.js";

export interface ZTestResult {
  statistic: number;
  pValue: number;
}

export function zTestCounts(reference: Counts, current: Counts): ZTestResult {
  const { nRef: n1, nCur: n2, keys } = countedPair("ztest", reference, current);
  if (keys.length === 1) return { statistic: 0, pValue: 1 };
  const first = keys[0];
  const p1 = (n1 - (reference.get(first) ?? 0)) / n1;
  const p2 = (n2 - (current.get(first) ?? 0)) / n2;
  const P = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(P * (1 - P) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: 2 * normSf(Math.abs(z)) };
}

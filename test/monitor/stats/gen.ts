// The samples of test/fixtures/drift/*.json, regenerated bit for bit: the same integer LCG and the same
// floating-point operations as test/fixtures/make_drift.py (so the fixtures need not store the data).
import type { CategoryKey } from "../../../src/monitor/stats/index.js";

export interface NumericSpec {
  seed: number;
  n: number;
  loc: number;
  scale: number;
  decimals: number | null;
}

export interface CategoricalSpec {
  seed: number;
  n: number;
  categories: string[];
  cumulative: number[];
}

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(1664525, x) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

export function genNumeric(spec: NumericSpec): Float64Array {
  const next = lcg(spec.seed);
  const out = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    const u1 = next();
    const u2 = next();
    const u3 = next();
    const u4 = next();
    let v = spec.loc + spec.scale * (u1 + u2 + u3 + u4 - 2.0);
    if (spec.decimals !== null) {
      const k = 10 ** spec.decimals;
      v = Math.floor(v * k) / k;
    }
    out[i] = v;
  }
  return out;
}

export function genCategorical(spec: CategoricalSpec): string[] {
  const next = lcg(spec.seed);
  const out: string[] = [];
  for (let i = 0; i < spec.n; i++) {
    const u = next();
    let pick = spec.categories[spec.categories.length - 1];
    for (let j = 0; j < spec.categories.length; j++) {
      if (u < spec.cumulative[j]) {
        pick = spec.categories[j];
        break;
      }
    }
    out.push(pick);
  }
  return out;
}

/** JSON numbers, with scipy's non-finite values written as strings by the fixture script. */
export function num(v: number | string): number {
  if (typeof v === "number") return v;
  if (v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-inf") return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** |actual − expected| ≤ tol (absolute), with infinities and NaN compared exactly. */
export function close(actual: number, expected: number, tol: number): boolean {
  if (!Number.isFinite(expected)) return Object.is(actual, expected) || actual === expected;
  return Math.abs(actual - expected) <= tol;
}

export type { CategoryKey };

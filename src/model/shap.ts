// Exact path-dependent TreeSHAP: Lundberg, Erion & Lee 2018, "Consistent individualized feature
// attribution for tree ensembles", Algorithm 2 (as in the shap package's tree_shap_recursive).
// "Path-dependent" means a feature outside the coalition is integrated out with the training
// cover of each branch, so no background data set is needed. Contributions are in margin
// (log-odds) units: expectedValue + Σ contributions = the model's margin for x.
import { goesLeft } from "./predict.js";
import type { Booster, Tree } from "./types.js";

export interface ShapResult {
  /** baseScore + each tree's cover-weighted mean output. */
  expectedValue: number;
  /** One per feature, in the booster's feature order. */
  contributions: Float64Array;
}

/** Path arrays, one segment per recursion level, each segment copied from its parent's. */
class Path {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  pw: Float64Array;
  constructor(readonly stride: number) {
    const n = stride * stride;
    this.feature = new Int32Array(n);
    this.zero = new Float64Array(n);
    this.one = new Float64Array(n);
    this.pw = new Float64Array(n);
  }
}

function extend(p: Path, s: number, depth: number, zero: number, one: number, feature: number): void {
  p.feature[s + depth] = feature;
  p.zero[s + depth] = zero;
  p.one[s + depth] = one;
  p.pw[s + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    p.pw[s + i + 1] += (one * p.pw[s + i] * (i + 1)) / (depth + 1);
    p.pw[s + i] = (zero * p.pw[s + i] * (depth - i)) / (depth + 1);
  }
}

function unwind(p: Path, s: number, depth: number, index: number): void {
  const one = p.one[s + index];
  const zero = p.zero[s + index];
  let next = p.pw[s + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = p.pw[s + i];
      p.pw[s + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (p.pw[s + i] * zero * (depth - i)) / (depth + 1);
    } else {
      p.pw[s + i] = (p.pw[s + i] * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    p.feature[s + i] = p.feature[s + i + 1];
    p.zero[s + i] = p.zero[s + i + 1];
    p.one[s + i] = p.one[s + i + 1];
  }
}

function unwoundSum(p: Path, s: number, depth: number, index: number): number {
  const one = p.one[s + index];
  const zero = p.zero[s + index];
  let next = p.pw[s + depth];
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (next * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      next = p.pw[s + i] - (tmp * zero * (depth - i)) / (depth + 1);
    } else {
      total += p.pw[s + i] / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}

function recurse(
  t: Tree,
  x: ArrayLike<number>,
  phi: Float64Array,
  p: Path,
  node: number,
  level: number,
  depth: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const s = level * p.stride;
  if (level > 0) {
    // Copy the parent's path: siblings must each start from it unchanged.
    const ps = s - p.stride;
    p.feature.copyWithin(s, ps, ps + depth);
    p.zero.copyWithin(s, ps, ps + depth);
    p.one.copyWithin(s, ps, ps + depth);
    p.pw.copyWithin(s, ps, ps + depth);
  }
  extend(p, s, depth, zero, one, feature);
  if (t.left[node] < 0) {
    const v = t.value[node];
    for (let i = 1; i <= depth; i++) {
      const w = unwoundSum(p, s, depth, i);
      phi[p.feature[s + i]] += w * (p.one[s + i] - p.zero[s + i]) * v;
    }
    return;
  }
  const f = t.feature[node];
  // A NaN reading's hot child is its split's missing side, the branch the model itself takes.
  const goLeft = goesLeft(t, node, x[f]);
  const hot = goLeft ? t.left[node] : t.right[node];
  const cold = goLeft ? t.right[node] : t.left[node];
  const cover = t.cover[node];
  let inZero = 1;
  let inOne = 1;
  // A feature met again on the path is undone first, so each feature appears once (Algorithm 2).
  let k = 0;
  while (k <= depth && p.feature[s + k] !== f) k++;
  if (k <= depth) {
    inZero = p.zero[s + k];
    inOne = p.one[s + k];
    unwind(p, s, depth, k);
    depth--;
  }
  recurse(t, x, phi, p, hot, level + 1, depth + 1, (t.cover[hot] / cover) * inZero, inOne, f);
  recurse(t, x, phi, p, cold, level + 1, depth + 1, (t.cover[cold] / cover) * inZero, 0, f);
}

function treeDepth(t: Tree): number {
  let max = 0;
  const stack = [0, 0];
  while (stack.length > 0) {
    const d = stack.pop() as number;
    const n = stack.pop() as number;
    if (d > max) max = d;
    if (t.left[n] >= 0) stack.push(t.left[n], d + 1, t.right[n], d + 1);
  }
  return max;
}

/** The tree's mean output under its own cover weights: the value of the empty coalition. */
export function treeExpectation(t: Tree, node = 0): number {
  if (t.left[node] < 0) return t.value[node];
  const c = t.cover[node];
  const l = t.left[node];
  const r = t.right[node];
  return (t.cover[l] / c) * treeExpectation(t, l) + (t.cover[r] / c) * treeExpectation(t, r);
}

export function treeShap(b: Booster, x: ArrayLike<number>): ShapResult {
  const phi = new Float64Array(b.nFeatures);
  let expectedValue = b.baseScore;
  let maxDepth = 0;
  for (const t of b.trees) maxDepth = Math.max(maxDepth, treeDepth(t));
  const path = new Path(maxDepth + 2);
  for (const t of b.trees) {
    expectedValue += treeExpectation(t);
    recurse(t, x, phi, path, 0, 0, 0, 1, 1, -1);
  }
  return { expectedValue, contributions: phi };
}

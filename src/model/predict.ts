// The compact predictor. A booster is compiled once into flat arrays over all trees, laid out so a
// node's two children are adjacent (right = left + 1): the walk is then one compare and one add per
// level, with no branch on the direction. Rows are scored in blocks, trees inside a block, so a
// block of X and the whole forest both stay in cache.
import { MillwrightError } from "../core/errors.js";
import type { Booster, Tree } from "./types.js";

interface Compiled {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** Left child (absolute index); the right child is child + 1. */
  child: Int32Array;
  value: Float64Array;
}

// Boosters are immutable once trained or loaded, so the compiled form is cached per object.
const cache = new WeakMap<Booster, Compiled>();

function compile(b: Booster): Compiled {
  let total = 0;
  for (const t of b.trees) total += t.feature.length;
  const feature = new Int32Array(total);
  const threshold = new Float64Array(total);
  const child = new Int32Array(total);
  const value = new Float64Array(total);
  const roots = new Int32Array(b.trees.length);
  let next = 0;
  const queue: number[] = [];
  b.trees.forEach((t: Tree, ti) => {
    // Breadth-first renumbering: each pair of children gets two consecutive slots.
    roots[ti] = next;
    const slotOf = new Int32Array(t.feature.length);
    slotOf[0] = next++;
    queue.length = 0;
    queue.push(0);
    for (let q = 0; q < queue.length; q++) {
      const n = queue[q];
      const s = slotOf[n];
      value[s] = t.value[n];
      if (t.left[n] < 0) {
        feature[s] = -1;
        continue;
      }
      feature[s] = t.feature[n];
      threshold[s] = t.threshold[n];
      child[s] = next;
      slotOf[t.left[n]] = next++;
      slotOf[t.right[n]] = next++;
      queue.push(t.left[n], t.right[n]);
    }
  });
  return { roots, feature, threshold, child, value };
}

function compiled(b: Booster): Compiled {
  let c = cache.get(b);
  if (!c) {
    c = compile(b);
    cache.set(b, c);
  }
  return c;
}

const BLOCK = 128;

/** Margins (log-odds) of nRows row-major rows of b.nFeatures columns. NaN goes right at every split. */
export function predictMargin(b: Booster, X: Float64Array, nRows: number, out?: Float64Array): Float64Array {
  const nc = b.nFeatures;
  if (X.length < nRows * nc) {
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `predict: X has ${X.length} values, fewer than ${nRows} rows × ${nc} features`,
      { nRows, nFeatures: nc },
    );
  }
  const res = out ?? new Float64Array(nRows);
  const { roots, feature, threshold, child, value } = compiled(b);
  const nt = roots.length;
  const base = b.baseScore;
  for (let i0 = 0; i0 < nRows; i0 += BLOCK) {
    const i1 = Math.min(nRows, i0 + BLOCK);
    for (let i = i0; i < i1; i++) res[i] = base;
    for (let t = 0; t < nt; t++) {
      const root = roots[t];
      for (let i = i0; i < i1; i++) {
        const o = i * nc;
        let n = root;
        let f = feature[n];
        while (f >= 0) {
          n = child[n] + (X[o + f] <= threshold[n] ? 0 : 1);
          f = feature[n];
        }
        res[i] += value[n];
      }
    }
  }
  return res;
}

export function sigmoid(z: number): number {
  // Two branches keep exp() from overflowing for large |z|.
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Probabilities of the positive class. */
export function predictProba(b: Booster, X: Float64Array, nRows: number, out?: Float64Array): Float64Array {
  const m = predictMargin(b, X, nRows, out);
  for (let i = 0; i < nRows; i++) m[i] = sigmoid(m[i]);
  return m;
}

/** Output of one tree for one row (used by the trainer on the validation rows and by tests). */
export function predictTree(t: Tree, x: ArrayLike<number>, offset = 0): number {
  let n = 0;
  while (t.left[n] >= 0) n = x[offset + t.feature[n]] <= t.threshold[n] ? t.left[n] : t.right[n];
  return t.value[n];
}

/** Margin of a single row, tree by tree in order (the reference the fast path must agree with). */
export function predictRowMargin(b: Booster, x: ArrayLike<number>): number {
  let s = b.baseScore;
  for (const t of b.trees) s += predictTree(t, x);
  return s;
}

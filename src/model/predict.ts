// The compact predictor, in two exact forms. Boosters that serve many rows are compiled into
// generated JavaScript (compile-trees.ts: ~6–7 ns per tree per row against ~37 ns for the array walk,
// for bench/train.ts's 198-tree machine_failure model on 1,000,000 rows, and ~8 against ~35–48 ns in
// 1,000-row batches; CPU time, shared machine). Until a booster has scored CODEGEN_AFTER_ROWS rows,
// it uses flat arrays over all trees, laid out so a node's two children are adjacent (right = left +
// 1): the walk is then one compare and one add per level, and costs nothing to set up, which suits
// boosters predicted once (validation during training, tests). Both add the trees to each row's sum
// in tree order, so they agree with predictRowMargin bit for bit. Every path routes a NaN reading by
// the split's missingLeft (goesLeft below is the rule; the others must agree with it).
import { MillwrightError } from "../core/errors.js";
import { compileEnsemble, type TreeKernel } from "./compile-trees.js";
import type { Booster, Tree } from "./types.js";

interface Compiled {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** Step from child to the NaN child: 0 when NaN goes left, 1 when right. */
  nanStep: Uint8Array;
  /** Left child (absolute index); the right child is child + 1. */
  child: Int32Array;
  value: Float64Array;
}

interface State {
  walk: Compiled | null;
  /** Generated kernels; undefined until compiled, null when the booster cannot be compiled. */
  kernels: TreeKernel[] | null | undefined;
  rowsSeen: number;
}

// Boosters are immutable once trained or loaded, so the compiled forms are cached per object.
const cache = new WeakMap<Booster, State>();

// Generating and parsing the code costs about as much as walking 1,000–2,000 rows of a 160-tree
// model, so a booster is compiled once it has scored this many rows in total.
const CODEGEN_AFTER_ROWS = 4096;

function compile(b: Booster): Compiled {
  let total = 0;
  for (const t of b.trees) total += t.feature.length;
  const feature = new Int32Array(total);
  const threshold = new Float64Array(total);
  const nanStep = new Uint8Array(total);
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
      nanStep[s] = 1 - t.missingLeft[n];
      child[s] = next;
      slotOf[t.left[n]] = next++;
      slotOf[t.right[n]] = next++;
      queue.push(t.left[n], t.right[n]);
    }
  });
  return { roots, feature, threshold, nanStep, child, value };
}

function state(b: Booster): State {
  let st = cache.get(b);
  if (!st) {
    st = { walk: null, kernels: undefined, rowsSeen: 0 };
    cache.set(b, st);
  }
  return st;
}

const BLOCK = 128;
// Rows per pass of the generated kernels, so a block of X (~1 MB at 9 features) stays in cache while
// each kernel runs over it. 2,048 to 131,072 rows measured within noise of each other.
const KERNEL_BLOCK = 16_384;

/** Adds the trees' outputs for nRows rows of X (nc columns each) to res, walking the compiled trees. */
function walkMargin(c: Compiled, nc: number, X: Float64Array, nRows: number, res: Float64Array): void {
  const { roots, feature, threshold, nanStep, child, value } = c;
  const nt = roots.length;
  for (let i0 = 0; i0 < nRows; i0 += BLOCK) {
    const i1 = Math.min(nRows, i0 + BLOCK);
    // Blocks without NaN (all of them, on data without missing readings) take the walk with no NaN
    // test: testing at every node measured ~15 % slower. One pass over the block's values decides.
    let anyNaN = false;
    for (let k = i0 * nc; k < i1 * nc && !anyNaN; k++) anyNaN = Number.isNaN(X[k]);
    for (let t = 0; t < nt; t++) {
      const root = roots[t];
      for (let i = i0; i < i1; i++) {
        const o = i * nc;
        let n = root;
        let f = feature[n];
        if (anyNaN) {
          while (f >= 0) {
            const v = X[o + f];
            n = child[n] + (v <= threshold[n] ? 0 : Number.isNaN(v) ? nanStep[n] : 1);
            f = feature[n];
          }
        } else {
          while (f >= 0) {
            n = child[n] + (X[o + f] <= threshold[n] ? 0 : 1);
            f = feature[n];
          }
        }
        res[i] += value[n];
      }
    }
  }
}

/** The same as walkMargin, through the generated kernels. */
function kernelMargin(ks: TreeKernel[], nc: number, X: Float64Array, nRows: number, res: Float64Array): void {
  for (let i0 = 0; i0 < nRows; i0 += KERNEL_BLOCK) {
    const i1 = Math.min(nRows, i0 + KERNEL_BLOCK);
    for (let k = 0; k < ks.length; k++) ks[k](X, nc, i0, i1, res);
  }
}

/** Margins (log-odds) of nRows row-major rows of b.nFeatures columns. NaN goes where each split's missingLeft says. */
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
  const st = state(b);
  st.rowsSeen += nRows;
  if (st.kernels === undefined && st.rowsSeen >= CODEGEN_AFTER_ROWS) {
    st.kernels = compileEnsemble(b);
    if (st.kernels) st.walk = null;
  }
  res.fill(b.baseScore, 0, nRows);
  if (st.kernels) {
    kernelMargin(st.kernels, nc, X, nRows, res);
  } else {
    st.walk ??= compile(b);
    walkMargin(st.walk, nc, X, nRows, res);
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

/** Whether value v goes to the left child of split node n: v ≤ threshold, or v is NaN and missingLeft. */
export function goesLeft(t: Tree, n: number, v: number): boolean {
  return v <= t.threshold[n] || (Number.isNaN(v) && t.missingLeft[n] === 1);
}

/** Output of one tree for one row (used by the trainer on the validation rows and by tests). */
export function predictTree(t: Tree, x: ArrayLike<number>, offset = 0): number {
  let n = 0;
  while (t.left[n] >= 0) n = goesLeft(t, n, x[offset + t.feature[n]]) ? t.left[n] : t.right[n];
  return t.value[n];
}

/** Margin of a single row, tree by tree in order (the reference the fast path must agree with). */
export function predictRowMargin(b: Booster, x: ArrayLike<number>): number {
  let s = b.baseScore;
  for (const t of b.trees) s += predictTree(t, x);
  return s;
}

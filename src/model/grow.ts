// Grows one regression tree on gradient/hessian histograms, leaf-wise (best-first, as LightGBM):
// the leaf whose best split reduces the loss most is split next, within maxDepth and maxLeaves.
// Speed comes from four habits: rows are an index array partitioned in place (stable, so each
// leaf's rows stay in increasing order and reads stay cache-friendly); bins are row-major and
// gradient/hessian interleaved, so one row's data is one or two cache lines; histograms are reused
// Float64Arrays (grad, hess, count per bin); and only the smaller child's histogram is built, the
// larger one is the parent's minus it.
// The split search is split.ts; a NaN reading's bin is routed there by the learnt direction.
import type { GrowContext } from "./grow-context.js";
import { findBest, type Leaf, newLeaf } from "./split.js";
import type { Tree } from "./types.js";

function takeHist(ctx: GrowContext): Float64Array {
  return ctx.pool.pop() ?? new Float64Array(ctx.totalBins * 3);
}

function buildHist(ctx: GrowContext, hist: Float64Array, start: number, end: number): void {
  hist.fill(0);
  ctx.kernel(hist, ctx.idx, start, end, ctx.gh, ctx.bins);
}

class TreeBuilder {
  feature: number[] = [];
  threshold: number[] = [];
  missingLeft: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];
  cover: number[] = [];
  gain: number[] = [];

  add(value: number, cover: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.missingLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(value);
    this.cover.push(cover);
    this.gain.push(0);
    return this.feature.length - 1;
  }

  toTree(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      missingLeft: Uint8Array.from(this.missingLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      cover: Float64Array.from(this.cover),
      gain: Float64Array.from(this.gain),
    };
  }
}

/** Stable in-place partition of leaf's rows by its split; returns [left end, left weight, right weight]. */
function partition(ctx: GrowContext, leaf: Leaf): [number, number, number] {
  const { idx, scratch, y } = ctx;
  const col = ctx.colBins.subarray(leaf.feature * ctx.nRows, (leaf.feature + 1) * ctx.nRows);
  const cut = leaf.bin;
  // Rows in bin `miss` go left whatever the cut: the missing bin when NaN goes left, else 256, a
  // bin no row has. Every bin of the feature is ≤ its missing bin, so "b < miss" is a sign bit.
  const miss = leaf.missingLeft && leaf.sawMissing ? ctx.nBins[leaf.feature] - 1 : 256;
  let l = leaf.start;
  let rc = 0;
  let posL = 0;
  let posR = 0;
  // Branch-free: every row is written to both sides and the cursors advance by the bit, because a
  // data-dependent branch here is mispredicted about half the time.
  for (let k = leaf.start; k < leaf.end; k++) {
    const r = idx[k];
    const b = col[r];
    const right = ((cut - b) >>> 31) & ((b - miss) >>> 31);
    idx[l] = r;
    scratch[rc] = r;
    l += right ^ 1;
    rc += right;
    const pos = y[r];
    posL += pos & (right ^ 1);
    posR += pos & right;
  }
  idx.set(scratch.subarray(0, rc), l);
  // Weights are per class, so a side's weight is exact from its counts.
  const nl = l - leaf.start;
  const wl = nl - posL + ctx.wPos * posL;
  const wr = rc - posR + ctx.wPos * posR;
  return [l, wl, wr];
}

/**
 * Grows one tree from ctx.gh, adds its leaf values to ctx.margin, and returns it,
 * or null when not even the root can be split (nothing left to learn).
 */
export function growTree(ctx: GrowContext, totalWeight: number): Tree | null {
  const { l2, learningRate, maxLeaves } = ctx.params;
  const leafValue = (g: number, h: number) => (-g / (h + l2)) * learningRate;
  for (let i = 0; i < ctx.nRows; i++) ctx.idx[i] = i;
  let g = 0;
  let h = 0;
  for (let i = 0; i < ctx.nRows; i++) {
    g += ctx.gh[2 * i];
    h += ctx.gh[2 * i + 1];
  }
  const tb = new TreeBuilder();
  const root = newLeaf(tb.add(leafValue(g, h), totalWeight), 0, ctx.nRows, 0, g, h);
  const rootHist = takeHist(ctx);
  root.hist = rootHist;
  buildHist(ctx, rootHist, 0, ctx.nRows);
  findBest(ctx, root);
  if (root.gain <= 0) {
    ctx.pool.push(rootHist);
    return null;
  }
  const leaves: Leaf[] = [root];
  while (leaves.length < maxLeaves) {
    let pick = -1;
    for (let i = 0; i < leaves.length; i++) {
      if (leaves[i].gain > 0 && (pick < 0 || leaves[i].gain > leaves[pick].gain)) pick = i;
    }
    if (pick < 0) break;
    const p = leaves[pick];
    const [mid, wl, wr] = partition(ctx, p);
    const gr = p.g - p.gl;
    const hr = p.h - p.hl;
    const ln = tb.add(leafValue(p.gl, p.hl), wl);
    const rn = tb.add(leafValue(gr, hr), wr);
    tb.feature[p.node] = p.feature;
    const th = ctx.thresholds[p.feature];
    // Bin `th.length` is the last real bin: cutting there splits on missingness alone. No finite
    // threshold lies above every real value, so the largest double stands in (JSON has no Infinity).
    tb.threshold[p.node] = p.bin < th.length ? th[p.bin] : Number.MAX_VALUE;
    tb.missingLeft[p.node] = p.missingLeft ? 1 : 0;
    tb.left[p.node] = ln;
    tb.right[p.node] = rn;
    tb.gain[p.node] = p.gain;
    const L = newLeaf(ln, p.start, mid, p.depth + 1, p.gl, p.hl);
    const R = newLeaf(rn, mid, p.end, p.depth + 1, gr, hr);
    const parentHist = p.hist as Float64Array;
    p.hist = null;
    const minLeaf = ctx.params.minSamplesLeaf;
    const md = ctx.params.maxDepth;
    const splittable = (c: Leaf) => (md <= 0 || c.depth < md) && c.end - c.start >= 2 * minLeaf;
    if (splittable(L) || splittable(R)) {
      const [small, large] = mid - p.start <= p.end - mid ? [L, R] : [R, L];
      const sh = takeHist(ctx);
      small.hist = sh;
      buildHist(ctx, sh, small.start, small.end);
      if ((large.end - large.start) * ctx.nCols < ctx.totalBins) {
        // Few rows: building the larger child directly is cheaper than subtracting every bin.
        buildHist(ctx, parentHist, large.start, large.end);
      } else {
        for (let j = 0; j < parentHist.length; j++) parentHist[j] -= sh[j];
      }
      large.hist = parentHist;
      findBest(ctx, L);
      findBest(ctx, R);
    } else {
      ctx.pool.push(parentHist);
    }
    leaves[pick] = L;
    leaves.push(R);
  }
  for (const leaf of leaves) {
    if (leaf.hist) ctx.pool.push(leaf.hist);
    const v = tb.value[leaf.node];
    for (let k = leaf.start; k < leaf.end; k++) ctx.margin[ctx.idx[k]] += v;
  }
  return tb.toTree();
}

// Grows one regression tree on gradient/hessian histograms, leaf-wise (best-first, as LightGBM):
// the leaf whose best split reduces the loss most is split next, within maxDepth and maxLeaves.
// Speed comes from four habits: rows are an index array partitioned in place (stable, so each
// leaf's rows stay in increasing order and reads stay cache-friendly); bins are row-major and
// gradient/hessian interleaved, so one row's data is one or two cache lines; histograms are reused
// Float64Arrays (grad, hess, count per bin); and only the smaller child's histogram is built, the
// larger one is the parent's minus it.
import type { HistKernel } from "./hist-kernel.js";
import type { GbdtParams, Tree } from "./types.js";

export interface GrowContext {
  /** Row-major bins, bins[i * nCols + f], read by the histogram kernel a row at a time. */
  bins: Uint8Array;
  /** The same bins column-major, colBins[f * nRows + i], read by the partition a feature at a time. */
  colBins: Uint8Array;
  /** Labels: a row's weight is wPos when y = 1, else 1, so covers come from counts. */
  y: Uint8Array;
  wPos: number;
  nRows: number;
  nCols: number;
  /** Bins per feature and the offset of each feature's first bin in a histogram. */
  nBins: Int32Array;
  offsets: Int32Array;
  totalBins: number;
  thresholds: Float64Array[];
  /** Interleaved gradient and hessian: gh[2i], gh[2i + 1]. */
  gh: Float64Array;
  /** Training margins, updated in place with the new tree's leaf values. */
  margin: Float64Array;
  idx: Int32Array;
  scratch: Int32Array;
  pool: Float64Array[];
  kernel: HistKernel;
  params: GbdtParams;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array | null;
  // best split found for this leaf (gain ≤ 0 means none)
  gain: number;
  feature: number;
  bin: number;
  gl: number;
  hl: number;
}

/** Splits whose gain is not above this are noise from rounding, whatever minGain says. */
const GAIN_EPS = 1e-12;
/** Minimum hessian on each side: stops splits that isolate rows the model already gets right. */
const MIN_HESS = 1e-3;

function newLeaf(node: number, start: number, end: number, depth: number, g: number, h: number): Leaf {
  return { node, start, end, depth, g, h, hist: null, gain: 0, feature: -1, bin: -1, gl: 0, hl: 0 };
}

function takeHist(ctx: GrowContext): Float64Array {
  return ctx.pool.pop() ?? new Float64Array(ctx.totalBins * 3);
}

function buildHist(ctx: GrowContext, hist: Float64Array, start: number, end: number): void {
  hist.fill(0);
  ctx.kernel(hist, ctx.idx, start, end, ctx.gh, ctx.bins);
}

function findBest(ctx: GrowContext, leaf: Leaf): void {
  leaf.gain = 0;
  const { maxDepth, minSamplesLeaf, l2, minGain } = ctx.params;
  const count = leaf.end - leaf.start;
  if ((maxDepth > 0 && leaf.depth >= maxDepth) || count < 2 * minSamplesLeaf || leaf.hist === null) return;
  const hist = leaf.hist;
  const { g, h } = leaf;
  const parentScore = (g * g) / (h + l2);
  let best = Math.max(minGain, GAIN_EPS);
  for (let f = 0; f < ctx.nCols; f++) {
    const off = ctx.offsets[f] * 3;
    const last = ctx.nBins[f] - 1;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < last; b++) {
      const j = off + b * 3;
      const c = hist[j + 2];
      // An empty bin repeats the previous cut: nothing new to score.
      if (c === 0) continue;
      gl += hist[j];
      hl += hist[j + 1];
      cl += c;
      if (cl < minSamplesLeaf) continue;
      if (count - cl < minSamplesLeaf) break;
      const hr = h - hl;
      if (hl < MIN_HESS || hr < MIN_HESS) continue;
      const gr = g - gl;
      const gain = 0.5 * ((gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore);
      if (gain > best) {
        best = gain;
        leaf.gain = gain;
        leaf.feature = f;
        leaf.bin = b;
        leaf.gl = gl;
        leaf.hl = hl;
      }
    }
  }
}

class TreeBuilder {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];
  cover: number[] = [];
  gain: number[] = [];

  add(value: number, cover: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
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
  let l = leaf.start;
  let rc = 0;
  let posL = 0;
  let posR = 0;
  // Branch-free: every row is written to both sides and the cursors advance by the bit, because a
  // data-dependent branch here is mispredicted about half the time.
  for (let k = leaf.start; k < leaf.end; k++) {
    const r = idx[k];
    const right = (cut - col[r]) >>> 31;
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
    tb.threshold[p.node] = ctx.thresholds[p.feature][p.bin];
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

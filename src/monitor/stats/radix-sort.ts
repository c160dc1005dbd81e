// In-place ascending sort of a Float64Array by LSD radix sort on the IEEE-754 bit patterns: six passes
// of 11/11/10 bits per 32-bit word (counts fit in 48 KB, inside L1/L2), skipping every pass whose digit
// is the same for all values — common, since a sensor column spans a narrow range and its top bits
// rarely differ. V8's Float64Array.prototype.sort takes ~30 ms per 100,000 values on this machine; this
// takes a few, and sorting is most of the drift kernels' cost.
// Order: −∞ < negatives < −0 < +0 < positives < +∞, as Float64Array.prototype.sort. NaN must be absent.

const BUCKETS = 2048;
const SHIFT = [0, 11, 22, 0, 11, 22];
const MASK = [0x7ff, 0x7ff, 0x3ff, 0x7ff, 0x7ff, 0x3ff];
const SMALL = 2048;

export function radixSortFloat64(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < SMALL) return a.sort();
  // Little-endian: value i is words lo = 2i and hi = 2i + 1 of the same buffer. Passes scatter the
  // (lo, hi) pairs between the array's own words and one scratch buffer, so a sort allocates once.
  let src: Uint32Array = new Uint32Array(a.buffer, a.byteOffset, n * 2);
  let dst: Uint32Array = new Uint32Array(n * 2);
  const words = src;
  const counts = new Uint32Array(6 * BUCKETS);
  for (let i = 0; i < 2 * n; i += 2) {
    let l = src[i];
    let h = src[i + 1];
    // Make unsigned order numeric order: negatives invert every bit, positives set the sign bit.
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    src[i] = l;
    src[i + 1] = h;
    counts[l & 0x7ff]++;
    counts[BUCKETS + ((l >>> 11) & 0x7ff)]++;
    counts[2 * BUCKETS + (l >>> 22)]++;
    counts[3 * BUCKETS + (h & 0x7ff)]++;
    counts[4 * BUCKETS + ((h >>> 11) & 0x7ff)]++;
    counts[5 * BUCKETS + (h >>> 22)]++;
  }
  for (let pass = 0; pass < 6; pass++) {
    const base = pass * BUCKETS;
    const shift = SHIFT[pass];
    const mask = MASK[pass];
    const w = pass < 3 ? 0 : 1;
    if (counts[base + ((src[w] >>> shift) & mask)] === n) continue; // nothing would move
    let sum = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const t = counts[base + d];
      counts[base + d] = sum;
      sum += t;
    }
    for (let i = 0; i < 2 * n; i += 2) {
      const to = 2 * counts[base + ((src[i + w] >>> shift) & mask)]++;
      dst[to] = src[i];
      dst[to + 1] = src[i + 1];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== words) words.set(src);
  for (let i = 0; i < 2 * n; i += 2) {
    let l = words[i];
    let h = words[i + 1];
    if (h & 0x80000000) {
      h = (h & 0x7fffffff) >>> 0;
    } else {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    words[i] = l;
    words[i + 1] = h;
  }
  return a;
}

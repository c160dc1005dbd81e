// One reading's rolling window on one machine: O(1) per row for mean, std, slope (streaming sums)
// and min, max (monotonic deques). Batch feature building and serving push rows through this same
// object in time order, so they produce the same bits.
//
// Numerics: values are summed as offsets from the first value seen and times from the first time
// seen ("shifted data", the standard cure for cancellation in Σx² − (Σx)²/n), and the sums are
// recomputed exactly from the window every REBASE pushes, so rounding from a year of adds and
// removes cannot pile up. std uses n − 1 (pandas' rolling std, ddof=1); slope is the least-squares
// slope of value on time (per hour, or per row for a counter time), NaN below two values.

const REBASE = 1024;

export class RollingWindow {
  private cap = 16;
  private t = new Float64Array(16);
  private v = new Float64Array(16);
  /** Sequence numbers: the window holds entries head..tail-1. */
  private head = 0;
  private tail = 0;
  // Deques of sequence numbers with increasing (min) / decreasing (max) values.
  private minQ = new Int32Array(16);
  private maxQ = new Int32Array(16);
  private minH = 0;
  private minT = 0;
  private maxH = 0;
  private maxT = 0;
  private k0 = Number.NaN;
  private x0 = Number.NaN;
  private n = 0;
  private sd = 0;
  private sdd = 0;
  private sx = 0;
  private sxx = 0;
  private sxd = 0;
  private pushes = 0;

  /** `size`: the window's length in time units (entries older than now − size leave). */
  constructor(readonly size: number) {}

  private grow(): void {
    const cap = this.cap * 2;
    const t = new Float64Array(cap);
    const v = new Float64Array(cap);
    const mq = new Int32Array(cap);
    const xq = new Int32Array(cap);
    for (let s = this.head; s < this.tail; s++) {
      t[s & (cap - 1)] = this.t[s & (this.cap - 1)];
      v[s & (cap - 1)] = this.v[s & (this.cap - 1)];
    }
    for (let s = this.minH; s < this.minT; s++) mq[s & (cap - 1)] = this.minQ[s & (this.cap - 1)];
    for (let s = this.maxH; s < this.maxT; s++) xq[s & (cap - 1)] = this.maxQ[s & (this.cap - 1)];
    this.cap = cap;
    this.t = t;
    this.v = v;
    this.minQ = mq;
    this.maxQ = xq;
  }

  /** Drops entries at or before `now − size`: the window is (now − size, now]. */
  expire(now: number): void {
    const edge = now - this.size;
    const mask = this.cap - 1;
    while (this.head < this.tail && this.t[this.head & mask] <= edge) {
      const s = this.head & mask;
      const d = this.v[s] - this.k0;
      const x = this.t[s] - this.x0;
      this.n--;
      this.sd -= d;
      this.sdd -= d * d;
      this.sx -= x;
      this.sxx -= x * x;
      this.sxd -= x * d;
      if (this.minH < this.minT && this.minQ[this.minH & mask] === this.head) this.minH++;
      if (this.maxH < this.maxT && this.maxQ[this.maxH & mask] === this.head) this.maxH++;
      this.head++;
    }
    if (this.n === 0) this.sd = this.sdd = this.sx = this.sxx = this.sxd = 0;
  }

  /** Adds a value at time `now` (call expire(now) first). NaN (a missing reading) is not added. */
  push(now: number, value: number): void {
    if (Number.isNaN(value)) return;
    if (this.tail - this.head === this.cap) this.grow();
    const mask = this.cap - 1;
    if (Number.isNaN(this.k0)) {
      this.k0 = value;
      this.x0 = now;
    }
    const seq = this.tail++;
    this.t[seq & mask] = now;
    this.v[seq & mask] = value;
    const d = value - this.k0;
    const x = now - this.x0;
    this.n++;
    this.sd += d;
    this.sdd += d * d;
    this.sx += x;
    this.sxx += x * x;
    this.sxd += x * d;
    while (this.minT > this.minH && this.v[this.minQ[(this.minT - 1) & mask] & mask] >= value) this.minT--;
    this.minQ[this.minT++ & mask] = seq;
    while (this.maxT > this.maxH && this.v[this.maxQ[(this.maxT - 1) & mask] & mask] <= value) this.maxT--;
    this.maxQ[this.maxT++ & mask] = seq;
    if (++this.pushes % REBASE === 0) this.rebase();
  }

  /** Recomputes the sums exactly, shifted to the oldest entry in the window. */
  private rebase(): void {
    const mask = this.cap - 1;
    this.k0 = this.v[this.head & mask];
    this.x0 = this.t[this.head & mask];
    this.sd = this.sdd = this.sx = this.sxx = this.sxd = 0;
    for (let s = this.head; s < this.tail; s++) {
      const d = this.v[s & mask] - this.k0;
      const x = this.t[s & mask] - this.x0;
      this.sd += d;
      this.sdd += d * d;
      this.sx += x;
      this.sxx += x * x;
      this.sxd += x * d;
    }
  }

  count(): number {
    return this.n;
  }
  mean(): number {
    return this.n === 0 ? Number.NaN : this.k0 + this.sd / this.n;
  }
  std(): number {
    if (this.n < 2) return Number.NaN;
    const v = (this.sdd - (this.sd * this.sd) / this.n) / (this.n - 1);
    return v > 0 ? Math.sqrt(v) : 0;
  }
  min(): number {
    return this.minT > this.minH
      ? this.v[this.minQ[this.minH & (this.cap - 1)] & (this.cap - 1)]
      : Number.NaN;
  }
  max(): number {
    return this.maxT > this.maxH
      ? this.v[this.maxQ[this.maxH & (this.cap - 1)] & (this.cap - 1)]
      : Number.NaN;
  }
  /** Least-squares slope per time unit (`perUnit` converts: 3.6e6 for ms → per hour). */
  slope(perUnit: number): number {
    if (this.n < 2) return Number.NaN;
    const den = this.n * this.sxx - this.sx * this.sx;
    if (!(den > 0)) return Number.NaN;
    return ((this.n * this.sxd - this.sx * this.sd) / den) * perUnit;
  }
}

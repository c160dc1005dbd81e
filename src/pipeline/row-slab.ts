// Feature rows of small requests carved from a shared slab instead of an ArrayBuffer each. Why: a
// Float64Array over 64 bytes gets an off-heap ArrayBuffer of its own, which V8 allocates, registers
// and later sweeps; a single reading's row (tens of features) was almost half of the scorer's push
// at 64 connections (profiled: BENCHMARKS.md, "The single-reading path's main thread"). A view into
// a slab is one small heap object. A slab is never handed out twice: carving only moves forward, so
// every row starts zeroed, as a new Float64Array does, and a view keeps its slab alive while it lives.

/** Doubles per slab (64 KiB: below the allocator's mmap threshold). */
const SLAB = 8192;
/** Larger requests (a batch) get an array of their own: it is one allocation for many readings. */
const MAX_CARVED = 1024;

let slab = new Float64Array(0);
let used = 0;

/** A zeroed Float64Array of `length`: a view into the current slab when small, else its own. */
export function zeroedRows(length: number): Float64Array {
  if (length > MAX_CARVED) return new Float64Array(length);
  if (used + length > slab.length) {
    slab = new Float64Array(SLAB);
    used = 0;
  }
  const rows = slab.subarray(used, used + length);
  used += length;
  return rows;
}

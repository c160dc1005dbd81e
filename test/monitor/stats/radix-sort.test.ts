import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createRng } from "../../../src/core/rng.js";
import { radixSortFloat64 } from "../../../src/monitor/stats/index.js";

test("radix sort agrees with Float64Array.prototype.sort on large mixed-sign data with ties and infinities", () => {
  const rng = createRng(7);
  const a = Float64Array.from({ length: 50_000 }, (_, i) => {
    if (i % 997 === 0) return i % 2 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    if (i % 13 === 0) return 0;
    const v = (rng.normal() * 10 ** rng.int(8)) / 1000;
    return i % 3 === 0 ? Math.round(v) : v;
  });
  a[5] = -0;
  const want = a.slice().sort();
  const got = radixSortFloat64(a.slice());
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++)
    assert.ok(Object.is(got[i], want[i]), `index ${i}: ${got[i]} vs ${want[i]}`);
});

test("radix sort on arbitrary doubles (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 2048, maxLength: 3000 }), (xs) => {
      const want = Float64Array.from(xs).sort();
      const got = radixSortFloat64(Float64Array.from(xs));
      return want.every((v, i) => Object.is(v, got[i]));
    }),
    { numRuns: 25 },
  );
});

test("radix sort works on a subarray view without touching the rest of the buffer", () => {
  const buf = Float64Array.from({ length: 5000 }, (_, i) => 5000 - i);
  const view = buf.subarray(1000, 4000);
  radixSortFloat64(view);
  assert.equal(buf[999], 4001);
  assert.equal(buf[4000], 1000);
  for (let i = 1; i < view.length; i++) assert.ok(view[i - 1] <= view[i]);
});

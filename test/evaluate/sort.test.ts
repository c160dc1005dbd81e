import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "../../src/core/rng.js";
import { sortFloat64 } from "../../src/evaluate/sort.js";

test("radix sort agrees with the engine's sort on awkward doubles", () => {
  const rng = createRng(11);
  const special = [
    0,
    -0,
    1,
    -1,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Infinity,
    -Infinity,
    0.5,
    1e-300,
  ];
  for (const n of [10, 600, 5000, 70000]) {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = rng.next();
      a[i] =
        r < 0.1
          ? special[rng.int(special.length)]
          : r < 0.4
            ? Math.round(rng.normal() * 4) / 4
            : rng.normal() * 10 ** rng.int(8);
    }
    const want = Float64Array.from(a).sort();
    const got = sortFloat64(Float64Array.from(a));
    for (let i = 0; i < n; i++)
      assert.ok(Object.is(got[i], want[i]) || got[i] === want[i], `n=${n} i=${i}: ${got[i]} vs ${want[i]}`);
  }
});

test("probabilities (shared exponent bits skip passes) and a subarray view", () => {
  const rng = createRng(2);
  const big = new Float64Array(3000);
  for (let i = 0; i < big.length; i++) big[i] = rng.next();
  const view = big.subarray(1000, 2500);
  const want = Float64Array.from(view).sort();
  sortFloat64(view);
  assert.deepEqual([...view], [...want]);
  assert.ok(big[999] >= 0 && big[999] < 1);
});

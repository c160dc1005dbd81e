import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "../../src/core/rng.js";
import { stratifiedSplit } from "../../src/train/split.js";

test("stratified split keeps each class's share in every part, covers every row once, and is seeded", () => {
  const y = Uint8Array.from({ length: 10_000 }, (_, i) => (i % 29 === 0 ? 1 : 0));
  const positives = y.reduce((s, v) => s + v, 0);
  const [a, b] = stratifiedSplit(y, [0.8, 0.2], createRng(3));
  assert.equal(a.length + b.length, y.length);
  const seen = new Set([...a, ...b]);
  assert.equal(seen.size, y.length);
  const posB = [...b].filter((i) => y[i]).length;
  assert.equal(posB, Math.round(positives * 0.2));
  const [a2] = stratifiedSplit(y, [0.8, 0.2], createRng(3));
  assert.deepEqual([...a2], [...a]);
  const [a3] = stratifiedSplit(y, [0.8, 0.2], createRng(4));
  assert.notDeepEqual([...a3], [...a]);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "../../src/core/rng.js";
import { splitRows } from "../../src/train/time-split.js";

// Two machines, hourly rows 0..99, horizon 5 hours.
const n = 200;
const time = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 2));
const machine = Int32Array.from({ length: n }, (_, i) => i % 2);
const usable = new Uint8Array(n).fill(1);

test("by time: test from the cut, a gap of one horizon before it and before validation", () => {
  const s = splitRows(
    { time, machine, nMachines: 2, usable, horizon: 5 },
    { by: "time", testFrom: 80 },
    createRng(1),
  );
  const t = (idx: Uint32Array) => Array.from(idx, (i) => time[i]);
  assert.ok(t(s.test).every((x) => x >= 80));
  assert.equal(Math.min(...t(s.test)), 80);
  assert.ok(
    [...t(s.fit), ...t(s.validation)].every((x) => x + 5 < 80),
    "no training label looks into the test period",
  );
  assert.equal(Math.max(...t(s.validation)), 74);
  const vMin = Math.min(...t(s.validation));
  assert.ok(
    t(s.fit).every((x) => x + 5 < vMin),
    "no fit label looks into validation",
  );
  assert.equal(s.test.length + s.fit.length + s.validation.length < n, true, "the gaps are left out");
});

test("censored rows neither train nor test; the validation cut moves back until it holds failures", () => {
  const u = Uint8Array.from(usable, (_, i) => (time[i] >= 95 ? 0 : 1));
  const y = Uint8Array.from(time, (x) => (x === 20 || x === 30 ? 1 : 0));
  const s = splitRows(
    { time, machine, nMachines: 2, usable: u, horizon: 0, y },
    { by: "time", testFrom: 60 },
    createRng(1),
  );
  assert.ok(Array.from(s.test, (i) => time[i]).every((x) => x < 95));
  assert.ok(
    Array.from(s.validation).some((i) => y[i] === 1),
    "validation holds a failure",
  );
  assert.match(s.describe, /validation the last (\d+) % of the time/);
  assert.notEqual(s.describe.match(/last (\d+) %/)?.[1], "20");
});

test("by machine: whole machines held out, seeded", () => {
  const m = Int32Array.from({ length: 100 }, (_, i) => i % 10);
  const t = Float64Array.from({ length: 100 }, (_, i) => i);
  const s = splitRows(
    { time: t, machine: m, nMachines: 10, usable: new Uint8Array(100).fill(1), horizon: 0 },
    { by: "machine" },
    createRng(3),
  );
  const of = (idx: Uint32Array) => new Set(Array.from(idx, (i) => m[i]));
  const [a, b, c] = [of(s.fit), of(s.validation), of(s.test)];
  assert.equal(c.size, 2);
  for (const x of c) assert.ok(!a.has(x) && !b.has(x));
  for (const x of b) assert.ok(!a.has(x));
  const again = splitRows(
    { time: t, machine: m, nMachines: 10, usable: new Uint8Array(100).fill(1), horizon: 0 },
    { by: "machine" },
    createRng(3),
  );
  assert.deepEqual(Array.from(again.test), Array.from(s.test));
});

test("by machine with strata: every part gets machines of every failure kind, for any seed", () => {
  // Shop C1: 20 units run to failure, 14 of one kind and 6 of another. Drawn blindly, the 3
  // validation units held none of the 6 for about one seed in three, and that kind lost its head.
  const nMachines = 20;
  const m = Int32Array.from({ length: 200 }, (_, i) => i % nMachines);
  const t = Float64Array.from({ length: 200 }, (_, i) => i);
  const strata = Int32Array.from({ length: nMachines }, (_, k) => (k < 14 ? 1 : 2));
  const x = { time: t, machine: m, nMachines, usable: new Uint8Array(200).fill(1), horizon: 0, strata };
  for (let seed = 1; seed <= 60; seed++) {
    const s = splitRows(x, { by: "machine" }, createRng(seed));
    for (const [what, idx] of Object.entries({ fit: s.fit, validation: s.validation, test: s.test })) {
      const kinds = new Set(Array.from(idx, (i) => strata[m[i]]));
      assert.deepEqual([...kinds].sort(), [1, 2], `seed ${seed}: ${what} holds kinds ${[...kinds]}`);
    }
    assert.equal(new Set(Array.from(s.test, (i) => m[i])).size, 4);
    assert.equal(new Set(Array.from(s.validation, (i) => m[i])).size, 3);
  }
});

test("validation spread: every fifth row before the cut, so the newest rows are fitted too", () => {
  // Row labels (horizon 0), one ordered sequence: AI4I's processes, time only orders them.
  const m = 100;
  const seq = Float64Array.from({ length: m }, (_, i) => i);
  const s = splitRows(
    { time: seq, machine: new Int32Array(m), nMachines: 1, usable: new Uint8Array(m).fill(1), horizon: 0 },
    { by: "time", testFrom: 70, validation: "spread" },
    createRng(1),
  );
  const t = (idx: Uint32Array) => Array.from(idx, (i) => seq[i]).sort((a, b) => a - b);
  assert.deepEqual(
    t(s.test),
    Array.from({ length: 30 }, (_, i) => 70 + i),
  );
  assert.equal(s.validation.length, 14, "a fifth of the 70 rows before the cut");
  assert.deepEqual(t(s.validation).slice(0, 3), [4, 9, 14], "spread, not the latest stretch");
  assert.ok(t(s.fit).includes(68), "the newest rows before the cut are fitted");
  assert.equal(s.fit.length + s.validation.length + s.test.length, m, "no gap: row labels look nowhere");
});

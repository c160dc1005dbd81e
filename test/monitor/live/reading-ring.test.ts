// The board's and the monitor's reading rings, filled from a group's columns: what goes in comes out,
// oldest first, after the ring has wrapped; missing values and heads read back as null; a head first
// seen late has no value for the readings before it; a label (a reading id kept as bytes, or any
// string) reads back as given.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LabelColumn } from "../../../src/monitor/live/label-column.js";
import { ReadingRing } from "../../../src/monitor/live/reading-ring.js";

test("a ring keeps the last `capacity` readings, oldest first, with nulls where values were missing", () => {
  const r = new ReadingRing(3, 2);
  const values = [
    Float64Array.from({ length: 5 }, (_, i) => i),
    Float64Array.from({ length: 5 }, (_, i) => (i % 2 === 0 ? Number.NaN : -i)),
  ];
  const heads = { headNames: ["a", "b"], heads: [Float64Array.from({ length: 5 }, (_, i) => i), null] };
  for (let i = 0; i < 5; i++) r.push(`id${i}`, 100 + i, 200 + i, i / 10, values, i, heads);
  assert.equal(r.size, 3);
  const rows = [0, 1, 2].map((i) => r.slot(i));
  assert.deepEqual(
    rows.map((s) => r.label(s)),
    ["id2", "id3", "id4"],
  );
  assert.deepEqual(
    rows.map((s) => r.time(s)),
    [102, 103, 104],
  );
  assert.deepEqual(r.valuesAt(rows[0]), [2, null]);
  assert.deepEqual(r.valuesAt(rows[1]), [3, -3]);
  assert.deepEqual(r.headsAt(rows[2]), { a: 4, b: null });
  assert.equal(r.newest(), rows[2]);
  assert.equal(r.probability(r.newest()), 0.4);
});

test("a head first seen late reads null for earlier readings, and one a reading lacks reads null for it", () => {
  const r = new ReadingRing(4, 1);
  const one = (v: number) => [Float64Array.of(v)];
  r.push("x", 1, 1, 0.1, one(1), 0, { headNames: ["a"], heads: [Float64Array.of(0.5)] });
  r.push("y", 2, 2, 0.2, one(2), 0, {
    headNames: ["a", "c"],
    heads: [Float64Array.of(0.6), Float64Array.of(0.9)],
  });
  r.push("z", 3, 3, 0.3, one(3), 0, { headNames: ["c"], heads: [Float64Array.of(0.7)] });
  r.push("w", 4, 4, 0.4, one(4), 0);
  assert.deepEqual(r.headsAt(r.slot(0)), { a: 0.5, c: null });
  assert.deepEqual(r.headsAt(r.slot(1)), { a: 0.6, c: 0.9 });
  assert.deepEqual(r.headsAt(r.slot(2)), { a: null, c: 0.7 });
  assert.deepEqual(r.headsAt(r.slot(3)), { a: null, c: null }, "a reading told without heads");
  assert.equal(r.size, 4);
});

test("labels: our reading ids (kept as bytes) and any other string come back as given, a slot overwritten either way", () => {
  const c = new LabelColumn(3);
  const id = "01975a3c-1f00-7000-8000-000000000042";
  const wide = "01975a3c-1f00-7000-8000-00000000004ü"; // 36 characters, not ASCII: kept as a string
  c.set(0, id);
  c.set(1, wide);
  c.set(2, "M7");
  assert.deepEqual([c.get(0), c.get(1), c.get(2)], [id, wide, "M7"]);
  c.set(0, "M8");
  c.set(1, id);
  c.set(2, id.replace("42", "43"));
  assert.deepEqual([c.get(0), c.get(1), c.get(2)], ["M8", id, id.replace("42", "43")]);
  assert.equal(new LabelColumn(1).get(0), "", "an empty slot reads as no label");
  // With the id's ASCII at hand as words (a scored group's idWords), they are copied as they are.
  const other = "01975a3c-1f00-7000-8000-0000000000ff";
  const words = new Uint32Array(Uint8Array.from(Buffer.from(`${id}${other}`, "latin1")).buffer);
  c.set(2, "ignored: the words are the id", words, 9);
  assert.equal(c.get(2), other);
});

// A logged reading's values read by name in the contract served now (trial 5: the log was replayed by
// position, so swapping two readings in the contract swapped their logged values).
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ReadingShape, ValueAligner } from "../../src/pipeline/align-values.js";

const num = (name: string, unit: string): ReadingShape => ({ name, kind: "number", unit, levels: null });
const cat = (name: string, levels: string[]): ReadingShape => ({ name, kind: "category", unit: "", levels });

const V1 = [
  num("load", "%"),
  num("vibration", "mm/s"),
  num("bearing_temp", "°C"),
  cat("mode", ["auto", "manual"]),
];

test("a version with the same readings in the same order: the values as logged, not copied", () => {
  const a = new ValueAligner(V1, (v) => (v === "1.0.0" ? V1 : null));
  const logged = [65, 3.91, 58.8, 1];
  assert.equal(a.values("1.0.0", logged), logged);
  const r = { modelVersion: "1.0.0", values: logged, id: "x" };
  assert.equal(a.reading(r), r);
});

test("reordered, added, dropped, re-levelled and re-united readings go by name", () => {
  // v2: bearing_temp before vibration, in °F; load dropped; a new clutch_air; mode gains a level first.
  const v2 = [
    num("bearing_temp", "°F"),
    num("vibration", "mm/s"),
    num("clutch_air", "bar"),
    cat("mode", ["setup", "auto", "manual"]),
  ];
  const a = new ValueAligner(v2, (v) => (v === "1.0.0" ? V1 : null));
  const got = a.values("1.0.0", [65, 3.91, 58.8, 1]);
  assert.equal(got.length, 4);
  assert.ok(Math.abs((got[0] as number) - (58.8 * 9) / 5 - 32) < 1e-9, `°C → °F: ${got[0]}`);
  assert.equal(got[1], 3.91);
  assert.equal(got[2], null); // v1 had no clutch_air
  assert.equal(got[3], 2); // "manual": code 1 in v1, 2 in v2
  // Missing stays missing; a level v2 no longer knows is missing.
  const b = new ValueAligner([cat("mode", ["auto"])], () => V1);
  assert.deepEqual(b.values("1.0.0", [1, null, 2, 1]), [null]);
  assert.deepEqual(b.values("1.0.0", [1, null, 2, 0]), [0]);
  // A number that became a category, or units with no known conversion: missing, never a wrong value.
  const c = new ValueAligner([cat("load", ["lo", "hi"]), num("vibration", "in/s?")], () => V1);
  assert.deepEqual(c.values("1.0.0", [65, 3.91, 58.8, 1]), [null, null]);
  assert.deepEqual([...c.unknown], []);
});

test("a version the registry no longer has: taken as it is if it fits, else missing and named", () => {
  const a = new ValueAligner(V1, () => null);
  const fits = [1, 2, 3, 0];
  assert.equal(a.values("0.9.0", fits), fits);
  assert.deepEqual(a.values("0.8.0", [1, 2, 3]), [null, null, null, null]);
  assert.deepEqual([...a.unknown], ["0.8.0"]);
});

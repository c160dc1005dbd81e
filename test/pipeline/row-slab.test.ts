// The scorer's feature rows from a shared slab: each is zeroed as a new Float64Array is, none
// overlaps another (a request's row must not change when the next request writes its own), a slab
// that is full gives way to a new one, and a large request gets an array of its own.
import assert from "node:assert/strict";
import { test } from "node:test";
import { zeroedRows } from "../../src/pipeline/row-slab.js";

test("rows carved from the slab are zeroed, the right length, and never share memory", () => {
  const rows: Float64Array[] = [];
  // More than one slab's worth (8,192 doubles) of 70-feature rows, each written all over.
  for (let k = 0; k < 300; k++) {
    const r = zeroedRows(70);
    assert.equal(r.length, 70);
    assert.ok(
      r.every((v) => v === 0),
      `row ${k} starts zeroed`,
    );
    r.fill(k + 1);
    rows.push(r);
  }
  for (const [k, r] of rows.entries())
    assert.ok(
      r.every((v) => v === k + 1),
      `row ${k} kept its values`,
    );
  assert.ok(new Set(rows.map((r) => r.buffer)).size >= 3, "300 rows of 70 take at least three slabs");
});

test("a large request gets an array of its own, not a view", () => {
  const big = zeroedRows(70 * 1000);
  assert.equal(big.length, 70_000);
  assert.equal(big.byteOffset, 0);
  assert.equal(big.buffer.byteLength, 70_000 * 8);
  assert.ok(big.every((v) => v === 0));
});

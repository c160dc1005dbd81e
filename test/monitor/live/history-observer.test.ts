// tellGroup (history-observer.ts) tells every observer of each reading of a scored group, in order,
// with that reading's own values (null where missing), heads and feature row: a batch's rows are
// copied into one array reading after reading, so an observer that keeps what it was told must copy
// it during the call (as the board does); a single reading's row is its matrix.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FeatureMatrix } from "../../../src/features/build.js";
import { type HistoryObserver, tellGroup } from "../../../src/monitor/live/history-observer.js";
import type { ReadingGroup } from "../../../src/store/history/types.js";

function group(n: number, nc: number): { g: ReadingGroup; X: FeatureMatrix } {
  const X = { data: Float64Array.from({ length: n * nc }, (_, k) => k * 0.5 - 3), nRows: n, nCols: nc };
  const g: ReadingGroup = {
    n,
    ids: Array.from({ length: n }, (_, i) => `id-${i}`),
    machines: Array.from({ length: n }, (_, i) => `M${i % 2}`),
    times: Float64Array.from({ length: n }, (_, i) => 1000 + i),
    values: [Float64Array.from({ length: n }, (_, i) => (i === 1 ? Number.NaN : i * 10))],
    modelVersion: "1.0.0",
    predictedAt: 5,
    failure: Float64Array.from({ length: n }, (_, i) => i / 10),
    headNames: ["wear", "bearing"],
    heads: [Float64Array.from({ length: n }, (_, i) => i / 100), null],
  };
  return { g, X };
}

/** Everything an observer is told, copied during each call. */
function recorder() {
  const told: {
    machine: string;
    time: number;
    p: number;
    values: (number | null)[];
    id: string;
    heads: object;
    x: number[];
  }[] = [];
  const o: HistoryObserver = {
    reading: (machine, time, p, values, d) =>
      told.push({
        machine,
        time,
        p,
        values: [...values],
        id: d?.id ?? "",
        heads: { ...d?.heads },
        x: [...(d?.x ?? [])],
      }),
    event: () => {},
  };
  return { o, told };
}

test("tellGroup: each reading of a batch with its own values, heads and feature row, to every observer in order", () => {
  const nc = 9;
  const { g, X } = group(5, nc);
  const a = recorder();
  const b = recorder();
  tellGroup([a.o, b.o], g, X);
  assert.deepEqual(a.told, b.told);
  assert.equal(a.told.length, 5);
  a.told.forEach((t, i) => {
    assert.equal(t.id, `id-${i}`);
    assert.equal(t.machine, `M${i % 2}`);
    assert.equal(t.time, 1000 + i);
    assert.equal(t.p, i / 10);
    assert.deepEqual(t.values, [i === 1 ? null : i * 10]);
    assert.deepEqual(t.heads, { wear: i / 100, bearing: null });
    assert.deepEqual(t.x, Array.from(X.data.subarray(i * nc, (i + 1) * nc)), `reading ${i}'s row`);
  });
});

test("tellGroup: a single reading's row is its matrix; no observers, nothing told", () => {
  const { g, X } = group(1, 4);
  let x: Float64Array | undefined;
  tellGroup([{ reading: (_m, _t, _p, _v, d) => void (x = d?.x), event: () => {} }], g, X);
  assert.equal(x, X.data);
  tellGroup([], g, X); // returns at once
});

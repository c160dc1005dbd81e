// Rolling windows against pandas (test/fixtures/make_rolling.py → test/fixtures/features/rolling.json):
// Series.rolling("3h"/"24h") mean, std (ddof=1), min, max, and numpy.polyfit slopes, on irregular
// times with missing values and a level of ~300 (cancellation). Tolerance 1e-9 absolute on values
// of ~300 (about 3e-12 relative), 1e-7 on std and slope, which are differences of sums.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseTimestamp } from "../../src/data/time.js";
import { RollingWindow } from "../../src/features/rolling.js";

interface Fixture {
  rows: [string, string, number | null][];
  windows: string[];
  [w: string]: unknown;
}
const fx = JSON.parse(readFileSync("test/fixtures/features/rolling.json", "utf8")) as Fixture;

function close(got: number, want: number | null, tol: number, what: string): void {
  if (want === null) {
    assert.ok(Number.isNaN(got), `${what}: want NaN, got ${got}`);
    return;
  }
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} (tolerance ${tol})`);
}

for (const w of fx.windows) {
  test(`rolling ${w} matches pandas and numpy.polyfit`, () => {
    const hours = Number(w.slice(0, -1));
    const want = fx[w] as Record<string, Record<string, (number | null)[]>>;
    for (const m of ["A", "B"]) {
      const rows = fx.rows.filter((r) => r[0] === m);
      const win = new RollingWindow(hours);
      rows.forEach(([, t, v], i) => {
        const now = parseTimestamp(t) / 3_600_000;
        win.expire(now);
        win.push(now, v === null ? Number.NaN : v);
        const at = `${m} row ${i}`;
        close(win.mean(), want[m].mean[i], 1e-9, `${at} mean`);
        close(win.min(), want[m].min[i], 0, `${at} min`);
        close(win.max(), want[m].max[i], 0, `${at} max`);
        close(win.std(), want[m].std[i], 1e-7, `${at} std`);
        close(win.slope(1), want[m].slope[i], 1e-7, `${at} slope`);
      });
    }
  });
}

test("a long run stays exact: rebasing keeps rounding from piling up", () => {
  const win = new RollingWindow(24);
  let naive: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const v = 1e6 + Math.sin(i) * 0.001;
    win.expire(i);
    win.push(i, v);
    naive.push(v);
    if (naive.length > 24) naive = naive.slice(-24);
  }
  const mean = naive.reduce((a, b) => a + b, 0) / naive.length;
  const sd = Math.sqrt(naive.reduce((a, b) => a + (b - mean) ** 2, 0) / (naive.length - 1));
  assert.ok(Math.abs(win.mean() - mean) < 1e-9);
  assert.ok(Math.abs(win.std() - sd) / sd < 1e-6, `std ${win.std()} vs ${sd}`);
});

// The AI4I machine page's risk line (web/js/risk-line.js): readings whose own probability jumps
// between 0 and 2 % give a steady chance of a failure within the next shift, at the pace the
// readings' timestamps show; a window without any probability draws a gap.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

interface RiskLine {
  shiftRisk(points: { t: number; p: number | null }[]): { t: number; y: number | null }[];
  SHIFT_HOURS: number;
  WINDOW: number;
}

async function load(): Promise<RiskLine> {
  for (const rel of ["../..", "../../.."]) {
    const file = join(fileURLToPath(new URL(rel, import.meta.url)), "web", "js", "risk-line.js");
    if (existsSync(file)) return (await import(pathToFileURL(file).href)) as RiskLine;
  }
  throw new Error("cannot find web/js/risk-line.js from the test file");
}

test("a jumping per-reading probability becomes a steady risk within the next shift", async () => {
  const { shiftRisk, SHIFT_HOURS, WINDOW } = await load();
  const HALF_HOUR = 1_800_000;
  const points = Array.from({ length: 40 }, (_, i) => ({ t: i * HALF_HOUR, p: i % 2 ? 0.02 : 0 }));
  const line = shiftRisk(points);
  // Two readings an hour, so 16 processes in 8 h; the mean of any 10 in a row is 1 %.
  const expected = 1 - 0.99 ** (2 * SHIFT_HOURS);
  for (let i = WINDOW - 1; i < line.length; i++)
    assert.ok(Math.abs((line[i].y as number) - expected) < 1e-12, `reading ${i}: ${line[i].y}`);
  // The raw values jump by 2 points each reading; the line does not move once its window is full.
  const steps = line
    .slice(WINDOW)
    .map((x, i) => Math.abs((x.y as number) - (line[WINDOW - 1 + i].y as number)));
  assert.ok(Math.max(...steps) < 1e-12);
  // Faster readings mean more processes in a shift, so a higher risk from the same probabilities.
  const fast = shiftRisk(points.map((x) => ({ ...x, t: x.t / 2 })));
  assert.ok(Math.abs((fast[20].y as number) - (1 - 0.99 ** (4 * SHIFT_HOURS))) < 1e-12);
  assert.deepEqual(
    shiftRisk([
      { t: 0, p: null },
      { t: HALF_HOUR, p: null },
    ]).map((x) => x.y),
    [null, null],
  );
});

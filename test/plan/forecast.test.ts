import assert from "node:assert/strict";
import { test } from "node:test";
import { MACHINE_MODELS } from "../../src/data/machines.js";
import type { Reading } from "../../src/data/schema.js";
import { competingRisks, forecastRisk, machineState } from "../../src/plan/forecast.js";
import type { RiskPrediction } from "../../src/plan/types.js";

const T0 = Date.parse("2026-11-26T00:00:00Z");

function history(
  n: number,
  wear: (i: number) => number,
  type: Reading["type"] = "L",
  timed = true,
): Reading[] {
  return Array.from({ length: n }, (_, i) => ({
    type,
    air_temperature: 300 + i,
    process_temperature: 310 + i,
    rotational_speed: 1500,
    torque: 40,
    tool_wear: wear(i),
    ...(timed ? { timestamp: new Date(T0 + i * 3_600_000).toISOString() } : {}),
  }));
}

const constant =
  (p: Record<string, number>) =>
  (rs: Reading[]): RiskPrediction[] =>
    rs.map(() => ({
      failure: p.failure ?? 0,
      modes: { twf: p.twf ?? 0, hdf: p.hdf ?? 0, pwf: p.pwf ?? 0, osf: p.osf ?? 0 },
    }));

test("wear rate and usage come from the history's increments and timestamps; a tool change is not wear", () => {
  // Hourly readings, +3 min per process, tool changed after the 5th reading.
  const h = history(10, (i) => (i < 5 ? 100 + 3 * i : 3 * (i - 5)));
  const st = machineState({ id: "M01", model: "Haas VF-2", history: h }, T0 + 11 * 3_600_000);
  assert.equal(st.processesPerHour, 1);
  assert.equal(st.wearPerHour, 3);
  // Last reading at hour 9 with wear 12; the forecast starts 2 h later.
  assert.equal(st.startWear, 12 + 3 * 2);
  // Other readings: mean of the last K = 4 (hours 6..9).
  const k4 = machineState({ id: "M01", model: "Haas VF-2", history: h }, T0, undefined, 4);
  assert.equal(k4.base.air_temperature, 307.5);
});

test("without wear increments the quality mix sets the rate (H adds 5 min per process × the model's factor)", () => {
  const h = history(6, () => 50, "H", false);
  const st = machineState({ id: "M05", model: "Doosan Puma 2600", history: h }, T0, 2);
  const factor = MACHINE_MODELS.find((m) => m.name === "Doosan Puma 2600")!.wearRate;
  assert.ok(Math.abs(st.wearPerHour - 5 * factor * 2) < 1e-12);
  assert.equal(st.startWear, 50, "no timestamps: no gap to extrapolate over");
  assert.throws(
    () => machineState({ id: "M09", model: "x", history: [] }, T0),
    /machine M09: no recent readings/,
  );
});

test("per-shift hazard is 1 − (1 − p)^n for n processes, and competing risks conserve probability", () => {
  const fc = forecastRisk({
    machines: [{ id: "M01", model: "Haas VF-2", history: history(3, (i) => 10 + 2 * i) }],
    horizonShifts: 3,
    shiftHours: 8,
    startTime: new Date(T0 + 3 * 3_600_000),
    predict: constant({ failure: 0.02, twf: 0.01, hdf: 0.005 }),
    usage: 1.5,
  })[0];
  const n = 12;
  assert.equal(fc.processes_per_shift, n);
  const hTwf = 1 - 0.99 ** n;
  const hHdf = 1 - 0.995 ** n;
  for (const s of fc.shifts) {
    assert.ok(Math.abs(s.modes.twf - hTwf) < 1e-12);
    assert.ok(Math.abs(s.modes.hdf - hHdf) < 1e-12);
    assert.ok(Math.abs(s.failure - (1 - 0.98 ** n)) < 1e-12);
    assert.equal(s.modes.pwf, 0);
  }
  // Standalone cumulative risk of twf by shift 2: 1 − (1 − h)^3.
  assert.ok(Math.abs(fc.cumulative.twf[2] - (1 - (1 - hTwf) ** 3)) < 1e-12);
  // First-failure shares: everything that can happen, plus surviving, sums to 1.
  const none = (1 - hTwf) * (1 - hHdf);
  const total = ["twf", "hdf", "pwf", "osf"].reduce(
    (a, m) => a + fc.first_failure[m as "twf"].reduce((x, y) => x + y, 0),
    0,
  );
  assert.ok(Math.abs(total + none ** 3 - 1) < 1e-12);
  assert.ok(Math.abs(fc.first_failure.twf[1] - none * (1 - none) * (hTwf / (hTwf + hHdf))) < 1e-12);
  assert.deepEqual(
    fc.survival.map((x) => Math.round(x * 1e12) / 1e12),
    [1, none, none * none].map((x) => Math.round(x * 1e12) / 1e12),
  );
});

test("the model sees the projected wear at each sample; a tool change resets it", () => {
  const seen: Reading[] = [];
  const predict = (rs: Reading[]) => {
    seen.push(...rs);
    return constant({})(rs);
  };
  const fc = forecastRisk({
    machines: [{ id: "M01", model: "Haas VF-2", history: history(2, (i) => 100 + 3 * i) }],
    horizonShifts: 3,
    shiftHours: 8,
    startTime: new Date(T0 + 1 * 3_600_000), // right after the last reading (wear 103)
    predict,
    samplesPerShift: 2,
    toolChangeAt: { M01: 1 },
  })[0];
  // Samples at 2 h and 6 h into each shift; wear 3/h; the tool is new at the start of shift 1.
  assert.deepEqual(
    seen.map((r) => r.tool_wear),
    [109, 121, 6, 18, 30, 42],
  );
  assert.equal(seen[0].timestamp, new Date(T0 + 3 * 3_600_000).toISOString());
  assert.equal(seen[0].machine_id, "M01");
  assert.deepEqual(
    fc.shifts.map((s) => s.tool_wear),
    [127, 24, 48],
  );
});

test("competingRisks on hand-made hazards", () => {
  const r = competingRisks([
    { modes: { twf: 0.5, hdf: 0, pwf: 0, osf: 0.5 } },
    { modes: { twf: 1, hdf: 0, pwf: 0, osf: 0 } },
  ]);
  // Shift 0: q = 0.75, split evenly; shift 1: survivors (0.25) all fail of twf.
  assert.deepEqual(r.first_failure.twf, [0.375, 0.25]);
  assert.deepEqual(r.first_failure.osf, [0.375, 0]);
  assert.deepEqual(r.survival, [1, 0.25]);
  assert.deepEqual(r.cumulative.osf, [0.5, 0.5]);
});

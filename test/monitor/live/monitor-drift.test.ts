// The live drift test against a version's calibration (monitor-drift.ts). Trial 4: a make without a
// vibration sensor sent two stray vibration values during training, so its group's calibration
// chose Evidently's test for ≤ 5 values, the Z-test on categories, for a numeric reading; forced on
// the numbers the group sent later it threw on every monitor tick until both replicas died.
// Whatever else may throw in a report, the timer must not end the process.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Contract } from "../../../src/contract/types.js";
import type { ContractMonitor } from "../../../src/monitor/live/monitor.js";
import { contractDrift } from "../../../src/monitor/live/monitor-drift.js";
import { MonitorHistory } from "../../../src/monitor/live/monitor-history.js";
import type { MonitorSnapshotStore } from "../../../src/store/types.js";

const contract = {
  time: { counter: true },
  readings: [
    { name: "vibration", kind: "numeric" },
    { name: "mode", kind: "category" },
  ],
} as unknown as Contract;

test("a calibrated test that does not take the reading's kind is not forced: the default test and threshold are", () => {
  const n = 200;
  const recent = Array.from({ length: n }, (_, i) => ({
    machine: `M${i % 4}`,
    time: i,
    values: [1 + (i % 37) / 10, i % 2 === 0 ? "auto" : "jog"],
  }));
  const reference = {
    columns: {
      vibration: [2, 2.5, ...Array.from({ length: 48 }, () => null)],
      mode: Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? "jog" : "auto")),
    },
    calibration: {
      window_ms: null,
      max_rows: n,
      windows: 10,
      features: {
        vibration: { test: "ztest" as const, calm: 0.4, threshold: 0.123 },
        mode: { test: "ztest" as const, calm: 0.5, threshold: 0.0456 },
      },
    },
  };
  const { drift, window } = contractDrift(contract, reference, recent);
  assert.equal(window.full, true);
  const byName = Object.fromEntries((drift?.features ?? []).map((f) => [f.feature, f]));
  assert.equal(
    byName.vibration.test,
    "ks",
    "the default for a numeric reading of many values and a small reference",
  );
  assert.notEqual(
    byName.vibration.threshold,
    0.123,
    "the Z-test's calibrated threshold is not the KS test's",
  );
  // A categorical reading keeps its calibrated test and threshold.
  assert.equal(byName.mode.test, "ztest");
  assert.equal(byName.mode.threshold, 0.0456);
});

test("a monitor report that throws on the timer is told to onError and the next tick runs: the process lives", async () => {
  let calls = 0;
  const monitor = {
    report() {
      calls++;
      throw new Error(`report ${calls} failed`);
    },
  } as unknown as ContractMonitor;
  const saved: unknown[] = [];
  const store = { saveSnapshot: async (s: unknown) => saved.push(s) } as unknown as MonitorSnapshotStore;
  const history = new MonitorHistory(monitor, store);
  const errors: string[] = [];
  history.start(5, (e) => errors.push((e as Error).message));
  await new Promise((r) => setTimeout(r, 60));
  await history.stop();
  assert.ok(calls >= 2, `the timer went on after a failed report (${calls} calls)`);
  assert.deepEqual(errors.slice(0, 2), ["report 1 failed", "report 2 failed"]);
  assert.equal(saved.length, 0);
});

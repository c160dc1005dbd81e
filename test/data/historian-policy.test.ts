// A replayed maintenance policy in the historian simulation (the plan backtest's ground truth): a
// replacement at hour h changes nothing before h, removes the failure it comes before, and stopping
// the fixed-interval schedule lets parts run to failure.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MillwrightError } from "../../src/core/errors.js";
import { type Historian, simulateHistorian } from "../../src/data/historian.js";

const HOUR = 3_600_000;
const OPTS = { machines: 8, days: 90, seed: 5 };
const base = simulateHistorian({ ...OPTS, policy: {} });

function telemetryBefore(h: Historian, machine: number, hour: number): number[] {
  const r = h.machines[machine].readings;
  return Object.values(r).flatMap((xs) => (xs ? Array.from(xs.subarray(0, hour)) : []));
}

test("a requested replacement before a failure prevents it and leaves the past untouched", () => {
  const f = base.failures.find((x) => (x.ms - base.startMs) / HOUR > 100);
  assert.ok(f, "the base run has a failure after hour 100");
  const hour = (f.ms - base.startMs) / HOUR - 12;
  const after = simulateHistorian({
    ...OPTS,
    policy: { maintenance: [{ machine: f.machine, component: f.component, hour }] },
  });
  const same = (x: { ms: number; machine: number; component: string }) =>
    x.machine === f.machine && x.component === f.component;
  assert.ok(!after.failures.some((x) => same(x) && x.ms === f.ms), "the failure is gone");
  assert.ok(
    after.maintenance.some((x) => same(x) && x.reason === "planned" && x.ms === base.startMs + hour * HOUR),
  );
  // Nothing before the replacement changed: readings, alarms, other tables.
  assert.deepEqual(telemetryBefore(after, f.machine, hour), telemetryBefore(base, f.machine, hour));
  const before = (xs: { ms: number }[]) => xs.filter((x) => x.ms < base.startMs + hour * HOUR);
  assert.deepEqual(before(after.alarms), before(base.alarms));
  assert.deepEqual(before(after.failures), before(base.failures));
  assert.deepEqual(before(after.maintenance), before(base.maintenance));
  // Other machines are not touched at all.
  const other = (f.machine + 1) % OPTS.machines;
  assert.deepEqual(after.machines[other].readings, base.machines[other].readings);
});

test("stopping the schedule runs parts to failure: no scheduled swap after it, more failures", () => {
  const rtf = simulateHistorian({ ...OPTS, policy: { scheduledUntil: 0 } });
  assert.equal(rtf.maintenance.filter((e) => e.reason === "scheduled" && e.ms >= rtf.startMs).length, 0);
  assert.ok(base.maintenance.some((e) => e.reason === "scheduled" && e.ms >= base.startMs));
  assert.ok(rtf.failures.length > base.failures.length, `${rtf.failures.length} > ${base.failures.length}`);
  // Every failure is still followed by its repair.
  for (const f of rtf.failures)
    assert.ok(rtf.maintenance.some((e) => e.reason === "failure" && e.machine === f.machine && e.ms > f.ms));
});

test("a policy naming an unknown component is MW_BAD_INPUT naming the field", () => {
  assert.throws(
    () =>
      simulateHistorian({
        ...OPTS,
        policy: { maintenance: [{ machine: 0, component: "gearbox", hour: 5 }] },
      }),
    (e: unknown) => e instanceof MillwrightError && e.code === "MW_BAD_INPUT" && /gearbox/.test(e.message),
  );
});

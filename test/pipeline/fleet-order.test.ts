// The fleet's history depends on the readings' and events' times, not on the order they arrived in:
// a machine's newest row and the events after it (where a plan's forecast starts) come out the same
// whether a bridge posts a machine's events before its first reading or in time order. Trial 7: a
// warm-up that posted the events first lost a bearing repaired after the machine's last reading, and
// the plan sent a technician to swap the new bearing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { toColumns } from "../../src/pipeline/readings.js";
import { FleetHistory } from "../../src/pipeline/scorer.js";
import type { HistoryModel } from "../../src/train/history-model.js";

const { contract } = loadContract("examples/contracts/historian.yaml");
const H = 3_600_000;
const T0 = Date.UTC(2026, 9, 29, 0);

const reading = (machine: string, hour: number) => ({
  machine_id: machine,
  timestamp: new Date(T0 + hour * H).toISOString(),
  spindle_speed: 8000,
  spindle_load: 40 + hour,
  vibration: 1 + hour / 10,
});
// M13's bearing failed at 11:51, after its last reading at 11:00; M14's maintenance falls between readings.
const events: [string, string, number, string][] = [
  ["failures", "M13", 11.86, "spindle_bearing"],
  ["maintenance", "M14", 5.5, "tool_changer"],
  ["alarms", "M13", 3.2, "VIB_WARN"],
];

function fleetOf(order: "events first" | "time order"): FleetHistory {
  const fleet = new FleetHistory({ contract } as HistoryModel, null);
  const addEvents = (pick: (hour: number) => boolean) => {
    for (const [table, m, hour, kind] of events)
      if (pick(hour)) fleet.addEvent(table, m, T0 + hour * H, kind);
  };
  if (order === "events first") addEvents(() => true);
  for (let hour = 0; hour <= 11; hour++) {
    if (order === "time order") addEvents((h) => h > hour - 1 && h <= hour);
    const cols = toColumns(contract, [reading("M13", hour), reading("M14", hour)], false);
    fleet.check(cols, false);
    fleet.push(cols);
  }
  if (order === "time order") addEvents((h) => h > 11);
  return fleet;
}

test("a machine's newest row and the events after it are the same in either order of arrival", () => {
  const first = fleetOf("events first");
  const timed = fleetOf("time order");
  for (const m of ["M13", "M14"]) {
    const a = first.snapshot(m);
    const b = timed.snapshot(m);
    assert.ok(a && b);
    assert.equal(a.time, b.time, m);
    assert.deepEqual([...a.row], [...b.row], `${m}: the newest feature row`);
    assert.deepEqual(a.later, b.later, `${m}: the events after the newest row`);
  }
  // The repair after M13's last reading is known to the plan (contract-risk.ts caps its risk then).
  const later = first.snapshot("M13")?.later ?? [];
  assert.equal(later.length, 1);
  assert.equal(later[0].kind, "spindle_bearing");
  assert.equal(later[0].time, T0 + 11.86 * H);
  assert.deepEqual(first.snapshot("M14")?.later, [], "an event before the newest row is in the row");
});

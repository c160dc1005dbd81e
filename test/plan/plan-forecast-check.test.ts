// The maintained-world forecast check's outcome rule (bench/lib/plan-forecast-check.ts): a failure
// within the window counts 1, nothing 0; a part replaced by a task (planned or scheduled) before it
// failed and before the window ended is left out; a failure's own repair is no such task.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Forecast, outcomeIn } from "../../bench/lib/plan-forecast-check.js";
import type { World } from "../../bench/lib/backtest-world.js";

const H = 3_600_000;
type Ev = { machine: number; component: string; ms: number; reason?: string };

function world(failures: Ev[], maintenance: Ev[]): Pick<World, "sim"> {
  const sim = { startMs: 0, hours: 1000, machines: [{ id: "M01" }, { id: "M02" }], failures, maintenance };
  return { sim } as unknown as Pick<World, "sim">;
}
const f: Forecast = { machine: "M02", head: "sb", start: 100 * H, p1: [0.1], p7: [0.2] };
const at = (h: number, component = "sb", machine = 1) => ({ machine, component, ms: h * H });

test("a failure in the window is 1, after it or of another part or machine 0", () => {
  assert.equal(outcomeIn(world([at(110)], []), f, 24 * H), 1);
  assert.equal(outcomeIn(world([at(130)], []), f, 24 * H), 0);
  assert.equal(outcomeIn(world([at(130)], []), f, 168 * H), 1);
  assert.equal(outcomeIn(world([at(110, "tc"), at(110, "sb", 0), at(90)], []), f, 24 * H), 0);
});

test("a part replaced by a task first is left out; after the failure or the window it is not", () => {
  const planned = (h: number) => ({ ...at(h), reason: "planned" });
  assert.equal(outcomeIn(world([at(150)], [planned(120)]), f, 168 * H), null);
  assert.equal(outcomeIn(world([], [{ ...at(100), reason: "scheduled" }]), f, 24 * H), null);
  assert.equal(outcomeIn(world([at(110)], [planned(120)]), f, 168 * H), 1);
  assert.equal(outcomeIn(world([], [planned(130)]), f, 24 * H), 0);
  // The repair a failure writes is not a task: the failure counts.
  assert.equal(outcomeIn(world([at(110)], [{ ...at(110), reason: "failure" }]), f, 24 * H), 1);
  assert.equal(outcomeIn(world([at(90), at(110)], [{ ...at(102), reason: "failure" }]), f, 24 * H), 1);
});

test("a window that runs past the simulated span is not scored", () => {
  assert.equal(outcomeIn(world([], []), { ...f, start: 900 * H }, 168 * H), null);
  assert.equal(outcomeIn(world([], []), { ...f, start: 900 * H }, 24 * H), 0);
});

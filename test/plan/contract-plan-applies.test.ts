// A failure kind that cannot happen on a make (`applies: false`: a lathe with no tool changer; trial
// 2 item 11): the plan leaves that machine-kind out entirely (no task, no unplanned risk, no expected
// failure cost, not in risk ahead, null in machines[].heads) and out of the fleet median a
// replacement's risk is capped at; the other machines' plan changes only through the technicians'
// hours it frees (the seeded plan of contract-plan.test.ts).
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { contractMachines } from "../../src/cli/commands/plan-contract.js";
import { failureCostOf } from "../../src/contract/tasks.js";
import type { ContractTasks, HeadTasks } from "../../src/contract/types.js";
import type { PlanMachine } from "../../src/plan/contract-forecast.js";
import { contractRisk } from "../../src/plan/contract-risk.js";
import type { HistoryModel } from "../../src/train/history-model.js";
import { cheap, type PlanOptions, seededPlan } from "../helpers/contract-plan.js";
import { trainedShop } from "../helpers/contract-served.js";

let model: HistoryModel;
let machines: PlanMachine[];

before(() => {
  const shop = trainedShop("mw-cplan-applies-");
  model = shop.model;
  machines = contractMachines(model);
});

const plan = (over: PlanOptions = {}) => seededPlan(model, machines, over);

/** The model's (cheap) tasks with `head` not applying to machines of model `make` (or to machines `ids`). */
function without(
  head: string,
  make: string | null,
  ids: string[] = [],
): { m: HistoryModel; tasks: ContractTasks } {
  const m = cheap(model);
  const tasks = structuredClone(m.contract.tasks!);
  const h = tasks.heads.find((x) => x.head === head) as HeadTasks;
  h.for = [
    {
      match: make === null ? [] : [{ attribute: "model", values: [make], min: null, max: null }],
      machines: ids,
      label: make === null ? `machine ${ids.join(" or ")}` : `model ${make}`,
      failure: h.failure,
      task: null,
      applies: false,
    },
    ...(h.for ?? []),
  ];
  return { m: { ...m, contract: { ...m.contract, tasks } }, tasks };
}

test("a kind that does not apply to a make: no task, risk or cost of it on those machines; the rest unchanged", async () => {
  const base = await plan();
  const first = base.tasks[0];
  assert.ok(first, "the seeded plan has a task");
  const head = first.head;
  const make = machines.find((x) => x.id === first.machine_id)?.attributes.model as string;
  assert.ok(make, "the planned machine has a make and model");
  const lathes = new Set(machines.filter((x) => x.attributes.model === make).map((x) => x.id));
  const { m, tasks } = without(head, make);
  const p = await plan({ model: m });
  const gone = (x: { machine_id: string; head: string }) => lathes.has(x.machine_id) && x.head === head;
  assert.deepEqual(p.tasks.filter(gone), [], "no task of the kind on those machines");
  assert.deepEqual(p.unplanned_risks.filter(gone), [], "no unplanned risk of it");
  const failureCost = failureCostOf(tasks.heads.find((x) => x.head === head) as HeadTasks);
  let phantom = 0;
  for (const x of p.machines) {
    const was = base.machines.find((y) => y.machine_id === x.machine_id)!;
    if (lathes.has(x.machine_id)) {
      assert.equal(x.heads[head], null, `${x.machine_id}: the kind is shown as not applying`);
      phantom += failureCost * (was.heads[head]?.by_end ?? Number.NaN);
      for (const [s, r] of x.risk_ahead.entries())
        assert.ok(r <= was.risk_ahead[s], `${x.machine_id} shift ${s}`);
      assert.ok((x.risk_ahead.at(-1) ?? 1) < (was.risk_ahead.at(-1) ?? 0), x.machine_id);
    } else {
      // The forecast of every other machine is its own: only the crew's hours may move its tasks.
      assert.deepEqual(x.heads, was.heads, x.machine_id);
      assert.deepEqual(x.risk_ahead, was.risk_ahead, x.machine_id);
    }
  }
  assert.ok(phantom > 0);
  // The expected failure cost is the base's less exactly the phantom risk of those machine-kinds
  // (by_end is rounded to 4 decimals: that much).
  assert.ok(
    Math.abs(base.summary.expected_failure_cost - p.summary.expected_failure_cost - phantom) <=
      failureCost * lathes.size * 1e-4 + 0.02,
    `${base.summary.expected_failure_cost} − ${p.summary.expected_failure_cost} vs ${phantom}`,
  );
  // Other machines keep their unplanned risks (fewer tasks elsewhere could only free hours).
  for (const u of base.unplanned_risks.filter((x) => !lathes.has(x.machine_id)))
    assert.ok(
      p.unplanned_risks.some((y) => y.machine_id === u.machine_id && y.head === u.head) ||
        p.tasks.some((t) => t.machine_id === u.machine_id && t.head === u.head),
      `${u.machine_id} ${u.head}`,
    );
  // The greedy baseline reads the same candidates.
  const g = await plan({ model: m, solver: "greedy" });
  assert.deepEqual(g.tasks.filter(gone), []);
});

test("a replacement's risk is capped at the median of the machines the kind applies to, not of all", () => {
  const head = "spindle_bearing";
  const start = Math.max(...machines.map((x) => x.state.time));
  const risk = (mm: HistoryModel, renewal: boolean) =>
    contractRisk({
      model: mm,
      tasks: mm.contract.tasks!,
      machines,
      start,
      shifts: 21,
      shiftHours: 8,
      renewal,
    });
  const raw = risk(cheap(model), false);
  const hazardOf = (id: string) =>
    raw.find((f) => f.machine.id === id)!.heads.find((h) => h.head === head)!.hazard;
  const median = (ids: string[], u: number) => {
    const xs = ids.map((id) => hazardOf(id)[u]).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  };
  const all = machines.map((x) => x.id);
  // This seeded fleet's risks are mostly equal: leave out the lowest until the median moves (by
  // id, a `machines:` rule), so the test tells the applying machines' median from the fleet's.
  const byRisk = [...all].sort((a, b) => hazardOf(a)[0] - hazardOf(b)[0]);
  let out: string[] = [];
  for (let n = 1; n <= all.length - 3 && out.length === 0; n++) {
    const rest = byRisk.slice(n);
    if (median(rest, 0) !== median(all, 0)) out = byRisk.slice(0, n);
  }
  assert.ok(out.length > 0, "some machines left out move the median");
  const applying = all.filter((id) => !out.includes(id));
  const { m } = without(head, null, out);
  const unrenewed = risk(m, false);
  const renewed = risk(m, true);
  let capped = 0;
  for (const [i, f] of renewed.entries()) {
    const h = f.heads.find((x) => x.head === head);
    if (out.includes(f.machine.id)) {
      assert.equal(h, undefined, `${f.machine.id}: no forecast of a kind that does not apply`);
      assert.deepEqual(f.notApplying, [head]);
      continue;
    }
    const before = unrenewed[i].heads.find((x) => x.head === head)!;
    for (const [s, row] of (h?.hazardAfter ?? []).entries())
      for (let u = s; u < row.length; u++) {
        const want = Math.min(before.hazardAfter![s][u], median(applying, u));
        assert.ok(
          Math.abs(row[u] - want) < 1e-12,
          `${f.machine.id} task at ${s}, shift ${u}: ${row[u]} vs ${want}`,
        );
        if (want < before.hazardAfter![s][u]) capped++;
      }
  }
  assert.ok(capped > 0, "some risk after was capped");
});

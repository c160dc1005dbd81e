// The contract planner with a failure kind's task per make, model or machine (the contract's `for:`):
// every row's hours, costs, risks and words are its machine's own task, in the MIP and the greedy
// plan, in the shift grid and in an unplanned reason (the seeded plan of contract-plan.test.ts).
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { contractMachines } from "../../src/cli/commands/plan-contract.js";
import { resolveHead } from "../../src/contract/task-overrides.js";
import { failureCostOf, plannedCostOfTask } from "../../src/contract/tasks.js";
import type { PlanMachine } from "../../src/plan/contract-forecast.js";
import { money } from "../../src/plan/contract-report.js";
import { pct } from "../../src/plan/task-reasons.js";
import type { HistoryModel } from "../../src/train/history-model.js";
import { cheap, type PlanOptions, seededPlan } from "../helpers/contract-plan.js";
import { trainedShop } from "../helpers/contract-served.js";

let model: HistoryModel;
let machines: PlanMachine[];

before(() => {
  const shop = trainedShop("mw-cplan-make-");
  model = shop.model;
  machines = contractMachines(model);
});

const plan = (over: PlanOptions = {}) => seededPlan(model, machines, over);

test("with per-make and per-machine tasks, each row's hours, costs, risks and words are its machine's task", async () => {
  const base = await plan();
  const first = base.tasks[0];
  assert.ok(first, "the seeded plan has a task");
  const m = cheap(model);
  const tasks = structuredClone(m.contract.tasks!);
  const h = tasks.heads.find((x) => x.head === first.head)!;
  const own = h.task!;
  // The planned machine's part dearer to lose and cheaper to replace (so it stays planned), and
  // every other machine of one make with a longer, dearer job.
  const other = machines.find((x) => x.id !== first.machine_id && x.attributes.model)!;
  h.for = [
    {
      match: [],
      machines: [first.machine_id],
      label: `machine ${first.machine_id}`,
      failure: { ...h.failure, repairCost: h.failure.repairCost + 9000 },
      task: { ...own, hours: 2, partsCost: 7 },
    },
    {
      match: [{ attribute: "model", values: [other.attributes.model as string], min: null, max: null }],
      machines: [],
      label: `model ${other.attributes.model}`,
      failure: { ...h.failure, downtimeHours: h.failure.downtimeHours * 2 },
      task: { ...own, hours: 5, partsCost: 900, minInterval: null },
    },
  ];
  const p = await plan({ model: { ...m, contract: { ...m.contract, tasks } } });
  const row = p.tasks.find((t) => t.machine_id === first.machine_id && t.head === first.head);
  assert.ok(row, JSON.stringify(p.unplanned_risks).slice(0, 800));
  assert.equal(row.hours, 2);
  assert.equal(row.planned_cost, 2 * 120 + 7);
  assert.equal(row.failure_cost, failureCostOf(h.for[0]));
  assert.notEqual(row.failure_cost, first.failure_cost);
  for (const t of p.tasks) {
    const machine = machines.find((x) => x.id === t.machine_id)!;
    const spec = resolveHead(tasks.heads.find((x) => x.head === t.head)!, t.machine_id, machine.attributes);
    assert.equal(t.hours, spec.task!.hours, t.id);
    assert.equal(t.planned_cost, plannedCostOfTask(spec.task!, 120), t.id);
    assert.equal(t.failure_cost, failureCostOf(spec), t.id);
    const expect = t.failure_cost * t.reach * (t.risk_before - t.risk_after);
    assert.ok(
      Math.abs(t.avoided_cost - expect) <= t.failure_cost * 2e-4 + 0.01,
      `${t.id}: ${t.avoided_cost}`,
    );
    for (const words of [pct(t.risk_before), pct(t.risk_after), money(t.avoided_cost), money(t.planned_cost)])
      assert.ok(t.why.includes(words), `${t.id}: '${t.why}' lacks '${words}'`);
  }
  // Each technician's hours in each shift (the shift grid) are the resolved tasks' hours.
  for (const x of p.technicians)
    for (const s of x.shifts) {
      const booked = p.tasks.filter((t) => t.technician === x.name && t.shift.index === s.shift);
      assert.equal(
        s.hours_used,
        booked.reduce((a, t) => a + t.hours, 0),
        `${x.name} ${s.label}`,
      );
    }
  // The greedy baseline reads the same candidates: its rows are the machines' own tasks too.
  const greedy = await plan({ model: { ...m, contract: { ...m.contract, tasks } }, solver: "greedy" });
  const g = greedy.tasks.find((t) => t.machine_id === first.machine_id && t.head === first.head);
  assert.equal(g?.hours, 2);
  assert.equal(g?.planned_cost, 2 * 120 + 7);
  // An unplanned risk names its machine's own task: the other make's 5 h, a third machine's skill.
  const third = machines.find(
    (x) => x.id !== first.machine_id && x.attributes.model !== other.attributes.model,
  )!;
  h.for.push({
    match: [],
    machines: [third.id],
    label: `machine ${third.id}`,
    failure: h.failure,
    task: { ...own, skills: [...own.skills, "hydraulic"], minInterval: null },
  });
  const dear = await plan({
    model: { ...m, contract: { ...m.contract, tasks } },
    technicians: [{ name: "Dee", skills: [...own.skills], hoursPerShift: 4 }],
    riskThreshold: 0,
  });
  const reason = (id: string) =>
    dear.unplanned_risks.find((x) => x.machine_id === id && x.head === first.head)?.reason ?? "";
  assert.match(reason(other.id), /has 5 h in any shift/);
  assert.match(reason(third.id), new RegExp(`no technician has skill ${own.skills[0]} and hydraulic for`));
});

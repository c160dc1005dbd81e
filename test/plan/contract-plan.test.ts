// The contract planner on a trained historian model: every number of a task row agrees with its
// words and with the others; "risk after" is the model's own re-score (the same as when the event
// really happens); unplanned risk is explained in numbers; the exact MIP is never worse than greedy.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { contractMachines } from "../../src/cli/commands/plan-contract.js";
import { makeContractPlan } from "../../src/plan/contract-plan.js";
import { FAILS_FIRST_WORTH_SAYING, failsFirst, money } from "../../src/plan/contract-report.js";
import type { PlanMachine } from "../../src/plan/contract-forecast.js";
import { contractRisk } from "../../src/plan/contract-risk.js";
import { pct } from "../../src/plan/task-reasons.js";
import type { Technician } from "../../src/plan/types.js";
import type { HistoryModel } from "../../src/train/history-model.js";
import { trainedShop } from "../helpers/contract-served.js";
import { ALL, cheap, type PlanOptions, seededPlan } from "../helpers/contract-plan.js";

let model: HistoryModel;
let machines: PlanMachine[];

before(() => {
  const shop = trainedShop("mw-cplan-");
  model = shop.model;
  machines = contractMachines(model);
});

const plan = (over: PlanOptions = {}) => seededPlan(model, machines, over);

test("every task row's risk before, risk after, avoided cost and words come from the same numbers", async () => {
  const p = await plan();
  assert.equal(p.status, "optimal");
  // This small seeded fleet has one machine whose spindle bearing is failing at the data's end.
  assert.ok(p.tasks.length >= 1, `only ${p.tasks.length} tasks`);
  for (const t of p.tasks) {
    const expect = t.failure_cost * t.reach * (t.risk_before - t.risk_after);
    // Risks are printed to 4 decimals: the avoided cost may differ by that rounding, no more.
    assert.ok(
      Math.abs(t.avoided_cost - expect) <= t.failure_cost * 2e-4 + 0.01,
      `${t.id}: ${t.avoided_cost} vs ${expect}`,
    );
    assert.ok(t.risk_after < t.risk_before, t.id);
    assert.ok(t.avoided_cost > t.planned_cost, `${t.id} avoids ${t.avoided_cost} for ${t.planned_cost}`);
    for (const words of [pct(t.risk_before), pct(t.risk_after), money(t.avoided_cost), money(t.planned_cost)])
      assert.ok(t.why.includes(words), `${t.id}: '${t.why}' lacks '${words}'`);
    // A machine that may well fail before its task's shift is said so, from the same reach (trial 7).
    const first = `${pct(1 - t.reach)} chance of a `;
    assert.equal(t.why.includes(first), 1 - t.reach >= FAILS_FIRST_WORTH_SAYING, `${t.id}: '${t.why}'`);
    assert.equal(t.status, "planned");
  }
  const sum = p.tasks.reduce((a, t) => a + t.avoided_cost, 0);
  assert.ok(Math.abs(sum - p.summary.avoided_cost) < 0.01 * p.tasks.length + 0.01);
  // Freshness: the model version, the data's newest reading and when it was made.
  assert.equal(p.model.version, model.version);
  assert.equal(p.data_time, new Date(Math.max(...machines.map((x) => x.state.time))).toISOString());
  assert.equal(p.made_at, "2026-12-03T00:00:00.000Z");
  assert.match(p.forecast_method, /persistence/);
});

test("risk ahead per machine: a value per shift, never falling, ending at the heads' by_end together", async () => {
  const p = await plan();
  assert.ok(p.machines.length >= 1);
  for (const m of p.machines) {
    assert.equal(m.risk_ahead.length, p.horizon.shifts, m.machine_id);
    for (let s = 1; s < m.risk_ahead.length; s++)
      assert.ok(m.risk_ahead[s] >= m.risk_ahead[s - 1], `${m.machine_id} falls at shift ${s}`);
    const end = 1 - Object.values(m.heads).reduce((a, h) => a * (1 - (h?.by_end ?? 0)), 1);
    assert.ok(
      Math.abs((m.risk_ahead.at(-1) ?? -1) - end) < 1e-3,
      `${m.machine_id}: ${m.risk_ahead.at(-1)} vs ${end}`,
    );
  }
});

test("risk after a task is the model re-scoring the machine with the task's event, as if it had happened", async () => {
  const m = cheap(model);
  const start = Math.max(...machines.map((x) => x.state.time));
  const planned = (await plan()).tasks[0];
  const machine = machines.find((x) => x.id === planned.machine_id)!;
  const opts = { model: m, tasks: m.contract.tasks!, start, shifts: 9, shiftHours: 8 };
  const [fc] = contractRisk({ ...opts, machines: [machine] });
  const s = 3;
  for (const f of fc.heads) {
    const e = f.spec.task?.event;
    assert.ok(e && "table" in e);
    const table = m.contract.events.findIndex((x) => x.name === e.table);
    // The event really done at shift s's start: a later event of the machine's history.
    const done: PlanMachine = {
      ...machine,
      state: {
        ...machine.state,
        later: [...machine.state.later, { table, kind: e.kind, time: start + s * 8 * 3_600_000 }],
      },
    };
    const [after] = contractRisk({ ...opts, machines: [done] });
    const g = after.heads.find((x) => x.head === f.head)!;
    for (let u = s; u < 9; u++) assert.equal(f.hazardAfter![s][u], g.hazard[u], `${f.head} shift ${u}`);
    // And it is computed, not assumed: for the planned head the re-score is far below the risk without it.
    if (f.head === planned.head)
      assert.ok(
        f.hazardAfter![s].every((h, u) => u < s || h < f.hazard[u] / 2),
        f.head,
      );
  }
});

test("unplanned risk says why in numbers: a missing skill, or a task that costs more than it avoids", async () => {
  const noSpindle: Technician[] = [
    { name: "Cy", skills: ["axes", "coolant", "tool_changer"], hoursPerShift: 8 },
  ];
  const p = await plan({ technicians: noSpindle, riskThreshold: 0 });
  const bearings = p.unplanned_risks.filter((u) => u.head === "spindle_bearing");
  assert.equal(bearings.length, machines.length);
  for (const u of bearings)
    assert.match(u.reason, /no technician has skill spindle for a spindle bearing replacement/);
  assert.ok(p.tasks.every((t) => t.head !== "spindle_bearing"));
  // The real costs: a bearing replacement costs 6 h × 120 + 1,800 = 2,520.
  const real = await makeContractPlan({
    model,
    machines,
    technicians: ALL,
    startTime: new Date(Math.max(...machines.map((x) => x.state.time))),
    horizonShifts: 21,
    madeAt: new Date(),
    riskThreshold: 0,
  });
  const costly = real.unplanned_risks.filter((u) => /costs /.test(u.reason));
  assert.ok(costly.length > 0, JSON.stringify(real.unplanned_risks.slice(0, 3)));
  for (const u of costly) {
    const m = /costs ([\d,]+), it avoids at most ([\d,]+)/.exec(u.reason);
    assert.ok(m, u.reason);
    assert.ok(Number(m[1].replace(/,/g, "")) >= Number(m[2].replace(/,/g, "")), u.reason);
  }
});

test("the exact MIP plan is worth at least the greedy one on the same candidates", async () => {
  const few: Technician[] = [{ name: "Solo", skills: ["*"], hoursPerShift: 2, shifts: [{ shift: "day" }] }];
  const mip = await plan({ technicians: few });
  const greedy = await plan({ technicians: few, solver: "greedy" });
  assert.ok(mip.objective >= greedy.objective - 1e-6, `${mip.objective} < ${greedy.objective}`);
  for (const t of [...mip.tasks, ...greedy.tasks]) assert.equal(t.technician, "Solo");
});

test("renewal: a part replacement's risk after is at most the fleet's median risk of that part", () => {
  const m = cheap(model);
  const start = Math.max(...machines.map((x) => x.state.time));
  const opts = { model: m, tasks: m.contract.tasks!, start, shifts: 9, shiftHours: 8, machines };
  const plain = contractRisk(opts);
  const renewed = contractRisk({ ...opts, renewal: true });
  let capped = 0;
  plain[0].heads.forEach((h0, k) => {
    const median = h0.hazard.map((_, u) => {
      const xs = plain.map((f) => f.heads[k].hazard[u]).sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)];
    });
    plain.forEach((f, i) => {
      const r = renewed[i].heads[k];
      assert.deepEqual(r.hazard, f.heads[k].hazard, "the risk without a task is untouched");
      f.heads[k].hazardAfter!.forEach((row, s) => {
        for (let u = s; u < 9; u++) {
          assert.equal(r.hazardAfter![s][u], Math.min(row[u], median[u]), `${h0.head} ${s} ${u}`);
          if (row[u] > median[u]) capped++;
        }
      });
    });
  });
  assert.ok(capped > 0, "some re-scores are above the fleet's median (the cap is exercised)");
  // Two machines are no fleet: the re-score alone.
  const two = { ...opts, machines: machines.slice(0, 2) };
  assert.deepEqual(contractRisk({ ...two, renewal: true }), contractRisk(two));
});

test("a shift's risk is its own length's: a 9-hour night (clock change) counts 9 hours, not 8", () => {
  const m = cheap(model);
  const start = Math.max(...machines.map((x) => x.state.time));
  const H = 3_600_000;
  const grid = Array.from({ length: 6 }, (_, s) => ({
    start: start + s * 8 * H,
    end: start + (s + 1) * 8 * H,
  }));
  // Shift 1 half an hour longer at each end, around the same middle (so the model scores the same
  // row); its neighbours 7.5 hours each; the shifts after them as before.
  const long = grid.map((g) => ({ ...g }));
  long[0].end -= H / 2;
  long[1].start -= H / 2;
  long[1].end += H / 2;
  long[2].start += H / 2;
  const opts = { model: m, tasks: m.contract.tasks!, machines, start, shifts: 6, shiftHours: 8 };
  const a = contractRisk({ ...opts, slots: grid });
  const b = contractRisk({ ...opts, slots: long });
  const plain = contractRisk(opts);
  assert.deepEqual(
    a.map((f) => f.heads.map((h) => h.hazard)),
    plain.map((f) => f.heads.map((h) => h.hazard)),
    "an even 8-hour calendar is the default",
  );
  let checked = 0;
  for (const [i, fa] of a.entries())
    for (const [k, ha] of fa.heads.entries()) {
      const hb = b[i].heads[k];
      const pa = ha.hazard[1];
      if (pa < 1e-9 || pa > 1 - 1e-9) continue;
      // 1 − h = (1 − p)^(L / H): the same p over 9 hours instead of 8.
      const ratio = Math.log(1 - hb.hazard[1]) / Math.log(1 - pa);
      assert.ok(Math.abs(ratio - 9 / 8) < 1e-9, `${fa.machine.id} ${ha.head}: ${ratio}`);
      for (let s = 3; s < 6; s++) assert.equal(hb.hazard[s], ha.hazard[s]);
      checked++;
    }
  assert.ok(checked > 10, `${checked} machine-heads checked`);
});

test("renewal: a part already replaced after the last reading is forecast as a typical part, not the old one", () => {
  const m = cheap(model);
  const c = m.contract;
  const resets = c.events.findIndex((x) => x.name === c.failures?.resets);
  assert.ok(resets >= 0, "the historian contract names the table a repair writes");
  const start = Math.max(...machines.map((x) => x.state.time));
  const opts = { model: m, tasks: m.contract.tasks!, start, shifts: 9, shiftHours: 8 };
  const base = contractRisk({ ...opts, machines });
  const k = base[0].heads.findIndex((h) => h.head === "spindle_bearing");
  // The machine whose spindle bearing looks worst, repaired an hour after its last reading
  // (a failure logged while no reading came in): its row still carries the old bearing's symptoms.
  const worst = base.reduce((a, f, i) => (f.heads[k].hazard[0] > base[a].heads[k].hazard[0] ? i : a), 0);
  const repaired = machines.map((x, i) =>
    i === worst
      ? {
          ...x,
          state: {
            ...x.state,
            later: [
              ...x.state.later,
              { table: resets, kind: "spindle_bearing", time: x.state.time + 3_600_000 },
            ],
          },
        }
      : x,
  );
  const plain = contractRisk({ ...opts, machines: repaired });
  const renewed = contractRisk({ ...opts, machines: repaired, renewal: true });
  const median = plain[0].heads[k].hazard.map((_, u) => {
    const xs = plain.map((f) => f.heads[k].hazard[u]).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  });
  assert.ok(plain[worst].heads[k].hazard[0] > median[0], "the re-score alone stays above the fleet's median");
  assert.deepEqual(
    renewed[worst].heads[k].hazard,
    plain[worst].heads[k].hazard.map((h, u) => Math.min(h, median[u])),
  );
  renewed.forEach((f, i) => {
    if (i !== worst)
      assert.deepEqual(f.heads[k].hazard, plain[i].heads[k].hazard, "other machines untouched");
  });
});

test("the plan says the clock its shifts are on: the contract's time.zone, a given offset, or UTC", async () => {
  assert.equal((await plan({ horizonShifts: 3 })).horizon.clock, "UTC");
  const zoned = {
    ...model,
    contract: { ...model.contract, time: { ...model.contract.time!, zone: "America/Chicago" } },
  };
  const p = await seededPlan(zoned, machines, { horizonShifts: 3 });
  assert.equal(p.horizon.clock, "America/Chicago");
  // A shift starts at 06:00, 14:00 or 22:00 on that clock (UTC−6, or −5 in summer).
  assert.ok([12, 20, 4, 11, 19, 3].includes(new Date(p.horizon.start).getUTCHours()), p.horizon.start);
  assert.equal((await plan({ horizonShifts: 3, utcOffsetMinutes: -330 })).horizon.clock, "UTC−05:30");
});

test("a task whose machine may fail before its shift says the chance, from 10 % (trial 7: 37 % went unsaid)", () => {
  assert.equal(failsFirst(0.91, "spindle_bearing", "Mon day"), "");
  assert.equal(
    failsFirst(0.63, "spindle_bearing", "Mon day"),
    "; a 37 % chance of a spindle bearing failure before Mon day: do it sooner if a technician with the skill can be found",
  );
  // Planned at the first shift its minimum interval allows: no technician would make it sooner (trial 9).
  assert.equal(
    failsFirst(
      0.82,
      "tool_changer",
      "Fri evening",
      "its minimum interval (14 days since the last tool_changer event in maintenance) allows it from this shift on",
    ),
    "; an 18 % chance of a tool changer failure before Fri evening: it cannot be sooner: its minimum interval (14 days since the last tool_changer event in maintenance) allows it from this shift on",
  );
});

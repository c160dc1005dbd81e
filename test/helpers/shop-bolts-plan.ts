// Trial G's checks of a bearing job per machine type (SHOP_BOLTS_CONTRACT_PER_MAKE): what `check
// --json` lists, and that a served plan's rows, shift grid and unplanned reasons are each machine
// type's own job (BEARING_BY_TYPE), not the head's one 10-hour job.
import assert from "node:assert/strict";
import type { ContractPlannedTask, ContractUnplanned } from "../../src/plan/contract-report.js";
import type { BoltMachine } from "./shop-bolts.js";
import { BEARING_BY_TYPE } from "./shop-bolts-contract.js";

interface Group {
  head: string;
  rule: string;
  hours: number;
  machines: number;
}

/** check --json: every machine of the export gets its type's bearing job, by the override's rule. */
export function bearingGroups(checked: { tasks: Group[] }): void {
  const groups = checked.tasks.filter((g) => g.head === "BEARING");
  assert.deepEqual(
    groups.map((g) => [g.rule, g.hours]),
    [
      ["for[0]: type header", 8],
      ["for[1]: type lathe or mc", 4],
      ["for[2]: type roller", 6],
    ],
  );
  assert.equal(
    groups.reduce((a, g) => a + g.machines, 0),
    40,
  );
}

interface ServedPlan {
  tasks: ContractPlannedTask[];
  unplanned_risks: ContractUnplanned[];
  technicians: { name: string; shifts: { shift: number; hours_used: number }[] }[];
}

/** A plan (GET /v1/plan) plans at least one bearing job, each its machine type's. */
export function bearingJobs(plan: ServedPlan, machines: BoltMachine[]): void {
  const typeOf = new Map(machines.map((m) => [m.id, m.spec.type]));
  const job = (id: string) => BEARING_BY_TYPE[typeOf.get(id) as keyof typeof BEARING_BY_TYPE];
  const jobs = plan.tasks.filter((t) => t.task === "bearing_replacement");
  assert.ok(jobs.length > 0, JSON.stringify(plan.unplanned_risks).slice(0, 1500));
  for (const t of jobs) {
    const b = job(t.machine_id);
    assert.equal(t.hours, b.hours, `${t.id} of a ${typeOf.get(t.machine_id)}`);
    assert.equal(t.planned_cost, b.hours * 85 + b.parts, t.id);
    assert.equal(t.failure_cost, b.failure, t.id);
    assert.equal(t.task_words, b.words, t.id);
    assert.ok(t.why.includes(`with the ${b.words}`), t.why);
  }
  // The shift grid: each technician's hours in a shift are the tasks' own hours.
  for (const x of plan.technicians)
    for (const s of x.shifts) {
      const mine = plan.tasks.filter((t) => t.technician === x.name && t.shift.index === s.shift);
      assert.equal(
        s.hours_used,
        mine.reduce((a, t) => a + t.hours, 0),
        `${x.name} shift ${s.shift}`,
      );
    }
  // An unplanned bearing job's words are its machine type's too.
  for (const u of plan.unplanned_risks.filter((x) => x.task === "bearing_replacement"))
    if (/ costs \$/.test(u.reason))
      assert.match(u.reason, new RegExp(`the ${job(u.machine_id).words} costs`), u.reason);
}

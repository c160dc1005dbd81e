// The contract server's re-plan in the middle of a shift (customer trial: a technician replacing a
// machine's part saw the task vanish from the dashboard when the plan was re-made, and the new plan
// could book the same task again later): the shift in progress keeps its open tasks, marked
// `carried`, the new solve takes them as done, a carried task can still be marked done, and once
// its shift has ended it is no longer carried. Against a real app, as test/serve/contract/plan.test.ts.
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import type { HistoryModel } from "../../../src/train/history-model.js";
import { trainedShop } from "../../helpers/contract-served.js";
import { shopExports } from "../../helpers/historian.js";
import { markTask, postReadingsUntil } from "../../helpers/plan-calls.js";

const FEEDBACK = "feedback-token-for-tests";
const ADMIN = "admin-token-for-tests";
const HOUR = 3_600_000;
let app: FastifyInstance;
let log: SqliteHistoryLog;
let model: HistoryModel;

type Task = {
  id: string;
  machine_id: string;
  head: string;
  task: string;
  technician: string;
  hours: number;
  shift: { index: number; start: string; end: string; label: string };
  risk_before: number;
  risk_after: number;
  avoided_cost: number;
  planned_cost: number;
  status: string;
  carried?: boolean;
};
type Plan = {
  horizon: { start: string; shift_hours: number };
  tasks: Task[];
  summary: {
    avoided_cost: number;
    planned_cost: number;
    carried: { tasks: number; avoided_cost: number; planned_cost: number };
  };
  unplanned_risks: { machine_id: string; head: string; reason: string }[];
  machines: { machine_id: string; heads: Record<string, { by_end: number } | null> }[];
  week: {
    start: string;
    tasks: { id: string; status: string; bookings: { id: string; status: string }[] }[];
    by_status: Record<string, { tasks: number; hours: number }>;
  };
  stale: boolean;
  made_at: string;
};

before(async () => {
  const shop = trainedShop("mw-scarry-");
  log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  model = shop.model;
  // As plan.test.ts: persistence plans tasks on this small shop (the calibrated forecast finds none).
  model.planCalibration = null;
  const techniciansFile = join(shop.dir, "technicians.yaml");
  copyFileSync("examples/contracts/historian-technicians.yaml", techniciansFile);
  // Cheap tasks with no minimum interval: many are worth planning, several in the first shift, and
  // nothing but the carried task itself keeps the same task from being booked again.
  const tasks = parseYaml(readFileSync("examples/contracts/historian.yaml", "utf8")).tasks;
  tasks.planned_cost_per_hour = 1;
  for (const h of Object.values(tasks.heads as Record<string, { task: Record<string, unknown> }>)) {
    h.task.parts_cost = 1;
    delete h.task.min_interval;
  }
  const costsFile = join(shop.dir, "costs.yaml");
  writeFileSync(costsFile, stringifyYaml({ tasks }));
  app = await buildContractApp({
    service: await ContractService.open(model, shop.registry.versionDir(shop.version), log),
    tokens: { feedback: FEEDBACK, admin: ADMIN },
    maxBatch: 20_000,
    technicians: techniciansFile,
    costs: costsFile,
  });
});

after(async () => {
  await app.close();
  await log.close();
});

const auth = (t: string) => ({ authorization: `Bearer ${t}` });
const newest = new Map<string, number>();

const postUntil = (until: number) => postReadingsUntil(app, newest, until);

/** GET /v1/plan until it is not stale (a background re-plan done). */
async function settled(): Promise<Plan> {
  let p = (await app.inject({ method: "GET", url: "/v1/plan" })).json() as Plan;
  for (let i = 0; i < 150 && p.stale; i++) {
    await new Promise((r) => setTimeout(r, 100));
    p = (await app.inject({ method: "GET", url: "/v1/plan" })).json() as Plan;
  }
  assert.equal(p.stale, false);
  return p;
}

async function replan(): Promise<Plan> {
  const r = await app.inject({ method: "POST", url: "/v1/plan", headers: auth(ADMIN), payload: {} });
  assert.equal(r.statusCode, 200, r.body);
  return r.json() as Plan;
}

const byId = (ts: Task[]) => [...ts].sort((a, b) => a.id.localeCompare(b.id));
const sum = (ts: Task[], k: "avoided_cost" | "planned_cost") => ts.reduce((a, t) => a + t[k], 0);

let first: Plan;
/** The first plan's tasks of its first shift: the shift the later re-plans are made in. */
let firstShift: Task[];

test("a re-plan in the middle of a shift keeps that shift's open tasks, carried, and does not plan them again", async () => {
  const { events, readings } = shopExports(model.contract);
  const e = await app.inject({
    method: "POST",
    url: "/v1/events",
    headers: auth(FEEDBACK),
    payload: { events },
  });
  assert.equal(e.statusCode, 200, e.body);
  for (let i = 0; i < readings.length; i += 5000) {
    const r = await app.inject({ method: "POST", url: "/v1/predict", payload: readings.slice(i, i + 5000) });
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
  }
  for (const r of readings) newest.set(r.machine_id as string, Date.parse(`${r.timestamp as string}Z`));
  first = await settled();
  firstShift = first.tasks.filter((t) => t.shift.index === 0);
  assert.ok(firstShift.length >= 1, JSON.stringify(first.tasks.map((t) => [t.id, t.shift.index])));
  for (const t of first.tasks) assert.equal(t.carried, undefined, t.id);
  assert.equal(first.summary.carried.tasks, 0);
  const start = Date.parse(first.horizon.start);
  const shiftEnd = start + first.horizon.shift_hours * HOUR;
  assert.equal(Date.parse(firstShift[0].shift.end), shiftEnd);

  // Three hours into the first shift (still the plan's first shift: not stale), a re-plan is asked for.
  await postUntil(start + 3 * HOUR);
  const still = (await app.inject({ method: "GET", url: "/v1/plan" })).json() as Plan;
  assert.equal(still.stale, false);
  const next = await replan();
  assert.equal(Date.parse(next.horizon.start), shiftEnd, "the new plan starts at the next shift");
  const carried = next.tasks.filter((t) => t.carried);
  assert.deepEqual(
    carried.map((t) => t.id).sort(),
    firstShift.map((t) => t.id).sort(),
    "the shift in progress keeps its open tasks, by id",
  );
  for (const [c, t] of byId(carried).map((c, i) => [c, byId(firstShift)[i]] as const)) {
    // Same task, technician, shift and numbers; its index says it is before the new horizon.
    assert.deepEqual(c, { ...t, shift: { ...t.shift, index: -1 }, carried: true });
    assert.equal(c.status, "planned");
    // Not planned again: no other task of the new plan is the same machine's same task.
    const again = next.tasks.filter((x) => x !== c && x.machine_id === c.machine_id && x.head === c.head);
    assert.deepEqual(
      again.map((x) => x.id),
      [],
      `${c.id} is under way: it must not be booked again`,
    );
    // Its risk is left open only with words that say why.
    for (const u of next.unplanned_risks.filter((x) => x.machine_id === c.machine_id && x.head === c.head))
      assert.match(u.reason, /under way in the shift in progress/);
  }
  // Solved as done: each carried task's machine's risk of that kind is as after the task.
  const byEnd = (p: Plan, t: Task) =>
    p.machines.find((m) => m.machine_id === t.machine_id)?.heads[t.head]?.by_end ?? Number.NaN;
  for (const t of firstShift)
    assert.ok(byEnd(next, t) < byEnd(first, t) / 2, `${t.id}: ${byEnd(first, t)} → ${byEnd(next, t)}`);
  // The summary's totals count the carried tasks (still to be done), and say them apart.
  assert.equal(next.summary.carried.tasks, firstShift.length);
  for (const k of ["avoided_cost", "planned_cost"] as const) {
    // Each row is rounded to the cent, the total once.
    assert.ok(Math.abs(next.summary[k] - sum(next.tasks, k)) <= 0.01 * next.tasks.length, k);
    assert.ok(Math.abs(next.summary.carried[k] - sum(firstShift, k)) < 0.02, k);
  }
  // Served as such on GET too.
  const got = await settled();
  assert.deepEqual(
    got.tasks.filter((t) => t.carried).map((t) => t.id),
    carried.map((t) => t.id),
  );
  // The week: the shift's tasks in progress, the plan's others of this week to come.
  const status = (p: Plan, id: string) =>
    p.week.tasks.flatMap((w) => w.bookings).find((b) => b.id === id)?.status;
  for (const t of firstShift) assert.equal(status(got, t.id), "in_progress", t.id);
  const weekEnd = Date.parse(got.week.start) + 7 * 24 * HOUR;
  for (const t of got.tasks.filter((x) => !x.carried && Date.parse(x.shift.start) < weekEnd))
    assert.equal(status(got, t.id), "to_come", t.id);
});

test("once the shift has ended, its open tasks are no longer carried (and may be planned again)", async () => {
  // Still in the same shift: a task carried once and still open is carried again.
  const again = await replan();
  assert.deepEqual(
    again.tasks
      .filter((t) => t.carried)
      .map((t) => t.id)
      .sort(),
    firstShift.map((t) => t.id).sort(),
  );
  const shiftEnd = Date.parse(first.horizon.start) + first.horizon.shift_hours * HOUR;
  // The data reaches the shift's end: the new plan starts there, and the plan before's tasks from
  // there on are its own first shift's, not in progress.
  await postUntil(shiftEnd);
  const next = await replan();
  assert.equal(Date.parse(next.horizon.start), shiftEnd);
  assert.deepEqual(
    next.tasks.filter((t) => t.carried).map((t) => t.id),
    [],
  );
  for (const t of firstShift) assert.ok(!next.tasks.some((x) => x.id === t.id), `${t.id}: its shift is over`);
  assert.equal(next.summary.carried.tasks, 0);
  // Gone from the plan, not from the week (trial 9: unmarked tasks whose shift passed vanished).
  const got = await settled();
  for (const t of firstShift)
    assert.equal(
      got.week.tasks.flatMap((w) => w.bookings).find((b) => b.id === t.id)?.status,
      "not_marked",
      t.id,
    );
  // Tallied by job (a machine's task booked again later is the same job): the tallies are the jobs'.
  for (const k of ["not_marked", "to_come"])
    assert.equal(got.week.by_status[k].tasks, got.week.tasks.filter((j) => j.status === k).length, k);
});

test("a carried task can be marked done: then it is not carried, nor planned again", async () => {
  const p = await settled();
  const start = Date.parse(p.horizon.start);
  const inFirst = p.tasks.filter((t) => t.shift.index === 0);
  assert.ok(inFirst.length >= 1, JSON.stringify(p.tasks.map((t) => [t.id, t.shift.index])));
  // Into that plan's first shift, and re-planned: its tasks are carried.
  await postUntil(start + 2 * HOUR);
  const mid = await replan();
  const carried = mid.tasks.filter((t) => t.carried);
  assert.deepEqual(carried.map((t) => t.id).sort(), inFirst.map((t) => t.id).sort());
  const [done] = carried;
  const r = await markTask(app, auth(FEEDBACK), done.id, "done");
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().event.outcome, "accepted");
  // Marked done: the plan is re-made (still in the same shift), without it.
  const next = await settled();
  assert.ok(Date.parse(next.made_at) >= Date.parse(mid.made_at));
  assert.ok(!next.tasks.some((t) => t.id === done.id && t.carried), "done: no longer carried");
  assert.ok(
    !next.tasks.some((t) => t.machine_id === done.machine_id && t.head === done.head && t.id !== done.id),
    "done: not planned again",
  );
  const after = await replan();
  assert.ok(!after.tasks.some((t) => t.id === done.id));
  assert.deepEqual(
    after.tasks.filter((t) => t.carried).map((t) => t.id),
    carried.slice(1).map((t) => t.id),
  );
});

test("a task skipped in the shift in progress stays listed as skipped, in the summary's skipped (trial 10)", async () => {
  // A carried task: the plan's own (left by the tests before), or the first shift's once into it.
  let mid = await settled();
  if (!mid.tasks.some((t) => t.carried)) {
    await postUntil(Date.parse(mid.horizon.start) + 2 * HOUR);
    mid = await replan();
  }
  const [skip] = mid.tasks.filter((t) => t.carried);
  assert.ok(skip, "a carried task");
  const r = await markTask(app, auth(FEEDBACK), skip.id, "skipped", { reason: "no kit" });
  assert.equal(r.statusCode, 200, r.body);
  const after = await settled();
  const row = after.tasks.find((t) => t.id === skip.id);
  assert.equal(
    row?.status,
    "skipped",
    `still listed: ${JSON.stringify(after.tasks.map((t) => [t.id, t.status]))}`,
  );
  assert.equal(row?.shift.index, -1, "in the shift in progress");
  assert.ok(
    (after.summary as unknown as { skipped: { tasks: number } }).skipped.tasks >= 1,
    "counted with the skipped",
  );
});

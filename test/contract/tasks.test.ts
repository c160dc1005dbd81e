// The contract's `tasks:` key: the shipped examples carry sensible values, the tasks survive the
// round trip into a model version, and every mistake names the file and the key path.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { contractFromJSON, contractToJSON } from "../../src/contract/serialize.js";
import { failureCostOf, plannedCostOfTask } from "../../src/contract/tasks.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { parseTechnicians } from "../../src/plan/config.js";
import { CONTRACT, contractError, shopFiles, writeShop } from "./helpers.js";

const TASKS = `tasks:
  planned_cost_per_hour: 100
  currency: "$"
  heads:
    bearing:
      failure: { downtime_hours: 10, cost_per_hour: 300, repair_cost: 2000 }
      task: { name: bearing_swap, hours: 3, parts_cost: 400, skills: [spindle], min_interval: 7d,
              effectiveness: 0.9, event: { table: maintenance, kind: bearing } }
    pump:
      failure: { downtime_hours: 2, cost_per_hour: 300, repair_cost: 100 }
`;

const tasksError = (tasks: string, pattern: RegExp) => contractError(`${CONTRACT}${tasks}`, pattern);

test("tasks load with their costs, skills, interval and event, and are stored with the model", () => {
  const shop = writeShop(shopFiles(), `${CONTRACT}${TASKS}`);
  const { contract } = loadContract(shop.contract);
  const t = contract.tasks!;
  assert.equal(t.plannedCostPerHour, 100);
  assert.equal(t.currency, "$");
  const bearing = t.heads.find((h) => h.head === "bearing")!;
  assert.equal(failureCostOf(bearing), 10 * 300 + 2000);
  assert.deepEqual(bearing.task?.event, { table: "maintenance", kind: "bearing" });
  assert.equal(bearing.task?.minInterval?.size, 7 * 86_400_000);
  assert.equal(plannedCostOfTask(bearing.task!, t.plannedCostPerHour), 3 * 100 + 400);
  assert.equal(t.heads.find((h) => h.head === "pump")?.task, null);
  const back = contractFromJSON(JSON.parse(JSON.stringify(contractToJSON(contract))), "model.json");
  assert.deepEqual(back.tasks, contract.tasks);
  // A version trained before tasks existed reads back with none.
  const old = JSON.parse(JSON.stringify(contractToJSON(contract)));
  delete old.tasks;
  assert.equal(contractFromJSON(old, "old.json").tasks, null);
});

test("the shipped contracts carry tasks for every failure kind", () => {
  const h = loadContract("examples/contracts/historian.yaml").contract.tasks!;
  assert.deepEqual(h.heads.map((x) => x.head).sort(), [
    "ball_screw",
    "coolant_pump",
    "spindle_bearing",
    "tool_changer",
  ]);
  for (const x of h.heads) {
    assert.ok(x.task?.event && "table" in x.task.event && x.task.event.kind === x.head, x.head);
    // A task worth planning costs less than the failure it prevents.
    assert.ok(plannedCostOfTask(x.task, h.plannedCostPerHour) < failureCostOf(x), x.head);
  }
  const a = loadContract("examples/contracts/ai4i.yaml").contract.tasks!;
  assert.deepEqual(a.heads.map((x) => x.head).sort(), ["hdf", "osf", "pwf", "twf"]);
  assert.deepEqual(a.heads.find((x) => x.head === "twf")?.task?.event, { reading: "tool_wear", value: 0 });
  assert.equal(a.rowsPerHour, 2);
});

test("each shipped contract's technicians file covers every task's skills twice over", () => {
  for (const [contract, file] of [
    ["examples/contracts/ai4i.yaml", "examples/contracts/ai4i-technicians.yaml"],
    ["examples/contracts/historian.yaml", "examples/contracts/historian-technicians.yaml"],
  ]) {
    const techs = parseTechnicians(readFileSync(file, "utf8"), file);
    for (const h of loadContract(contract).contract.tasks!.heads) {
      const need = h.task?.skills ?? [];
      assert.ok(need.length > 0, `${contract}: ${h.head}'s task names its skills`);
      const able = techs.filter((t) => t.skills.includes("*") || need.every((s) => t.skills.includes(s)));
      // One absence must not strand a task (the technicians files say so).
      assert.ok(able.length >= 2, `${file}: ${able.length} technician(s) can do ${h.head}'s task`);
    }
  }
});

test("task mistakes are errors naming the file and key path", () => {
  tasksError(
    TASKS.replace("hours: 3,", "hours: -3,"),
    /tasks\.heads\.bearing\.task\.hours: must be a positive number/,
  );
  tasksError(
    TASKS.replace("table: maintenance", "table: alarms"),
    /tasks\.heads\.bearing\.task\.event\.table: 'alarms' is not an event table with since: true/,
  );
  // The maintenance table has a kind column: a task's event without a kind would be refused when done.
  tasksError(
    TASKS.replace("event: { table: maintenance, kind: bearing }", "event: { table: maintenance }"),
    /tasks\.heads\.bearing\.task\.event\.kind: maintenance has a kind column \(\w+\): say which kind/,
  );
  tasksError(
    TASKS.replace("event: { table: maintenance, kind: bearing }", 'event: { table: maintenance, kind: " " }'),
    /tasks\.heads\.bearing\.task\.event\.kind: maintenance has a kind column/,
  );
  tasksError(
    TASKS.replace("effectiveness: 0.9", "effectiveness: 1.5"),
    /tasks\.heads\.bearing\.task\.effectiveness: must be a fraction/,
  );
  tasksError(
    TASKS.replace("min_interval: 7d", "min_interval: soon"),
    /tasks\.heads\.bearing\.task\.min_interval: must be a duration/,
  );
  tasksError(
    TASKS.replace("repair_cost: 100 }", "repair: 100 }"),
    /tasks\.heads\.pump\.failure\.repair: unknown key/,
  );
  tasksError(
    TASKS.replace("name: bearing_swap", "name: Bearing Swap"),
    /tasks\.heads\.bearing\.task\.name: must be snake_case/,
  );
  tasksError(
    TASKS.replace("event: { table: maintenance, kind: bearing }", "event: { reading: nope, value: 0 }"),
    /task\.event\.reading: 'nope' is not a numeric reading/,
  );
  tasksError("tasks:\n  heads: {}\n", /tasks\.heads: names no failure kind/);
});

test("a row-labelled contract's task heads must be its modes", () => {
  const ai4i = `version: 1
name: rows
readings:
  - { name: wear, column: Wear }
labels: { column: Failure, modes: { TWF: twf } }
tasks:
  heads:
    hdf: { failure: { downtime_hours: 1, cost_per_hour: 1, repair_cost: 1 } }
`;
  const shop = writeShop(shopFiles(), ai4i);
  assert.throws(
    () => loadContract(shop.contract),
    (e: unknown) =>
      isMillwrightError(e) &&
      /tasks\.heads\.hdf: 'hdf' is not a failure kind of this contract \(known: twf\)/.test(e.message),
  );
});

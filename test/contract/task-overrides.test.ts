// A failure kind's task and costs per make, model or machine (`tasks.heads.<head>.for:`): the first
// override that matches a machine wins, in file order, laid over the head's own; every mistake names
// the file and the key path.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { contractFromJSON, contractToJSON } from "../../src/contract/serialize.js";
import { taskKindMismatches } from "../../src/contract/task-kinds.js";
import { resolveHead } from "../../src/contract/task-overrides.js";
import { failureCostOf, plannedCostOfTask } from "../../src/contract/tasks.js";
import { readContractData } from "../../src/data/contract-data.js";
import { profileContractData } from "../../src/data/profile.js";
import { CONTRACT, contractError, shopFiles, writeShop } from "./helpers.js";

const TASKS = `tasks:
  planned_cost_per_hour: 100
  heads:
    spindle:
      failure: { downtime_hours: 10, cost_per_hour: 300, repair_cost: 2000 }
      task: { name: bearing_swap, hours: 3, parts_cost: 400, skills: [spindle], min_interval: 7d,
              effectiveness: 0.9, event: { table: maintenance, kind: spindle } }
      for:
        - match: { model: Okuma LB3000 }
          failure: { repair_cost: 9000, downtime_hours: 30 }
          task: { hours: 7, parts_cost: 2600, skills: [spindle, hydraulic] }
        - match: { model: [Okuma LB3000, Haas VF-2], age: { min: 10 } }
          task: { hours: 5 }
        - machines: [M9]
          task: { words: spindle cartridge swap, min_interval: 30d }
        - match: { age: { max: 5 } }
          failure: { cost_per_hour: 500 }
`;

const load = (tasks = TASKS, contract = CONTRACT) =>
  loadContract(writeShop(shopFiles(), `${contract}${tasks}`).contract).contract;

const tasksError = (tasks: string, pattern: RegExp, contract = CONTRACT) =>
  contractError(`${contract}${tasks}`, pattern);

test("the first matching override wins, laid over the head's own; no match: the head's own", () => {
  const h = load().tasks!.heads[0];
  assert.equal(h.for?.length, 4);
  // An Okuma: the first override, though the second matches too (age 11).
  const okuma = resolveHead(h, "M2", { model: "Okuma LB3000", age: 11 });
  assert.equal(okuma.rule, 0);
  assert.equal(okuma.task?.hours, 7);
  assert.equal(okuma.task?.partsCost, 2600);
  assert.deepEqual(okuma.task?.skills, ["spindle", "hydraulic"]);
  // Keys the override does not name are the head's own.
  assert.equal(okuma.task?.name, "bearing_swap");
  assert.equal(okuma.task?.effectiveness, 0.9);
  assert.equal(okuma.task?.minInterval?.size, 7 * 86_400_000);
  assert.equal(failureCostOf(okuma), 30 * 300 + 9000);
  assert.equal(plannedCostOfTask(okuma.task!, 100), 7 * 100 + 2600);
  // A Haas of 12 years: the second (a list of models, a number range), its failure the head's own.
  const oldHaas = resolveHead(h, "M5", { model: "Haas VF-2", age: 12 });
  assert.equal(oldHaas.rule, 1);
  assert.equal(oldHaas.task?.hours, 5);
  assert.equal(oldHaas.task?.partsCost, 400);
  assert.equal(failureCostOf(oldHaas), 10 * 300 + 2000);
  // By id, whatever its attributes.
  const m9 = resolveHead(h, "M9", { model: "Okuma LB3000", age: 1 });
  assert.equal(m9.rule, 0, "the Okuma rule comes first in the file");
  const m9b = resolveHead(h, "M9", { model: "Mazak QTN-200", age: 1 });
  assert.equal(m9b.rule, 2);
  assert.equal(m9b.task?.words, "spindle cartridge swap");
  assert.equal(m9b.task?.minInterval?.size, 30 * 86_400_000);
  // A range's edge, a missing attribute (matches nothing), no match at all.
  assert.equal(resolveHead(h, "M3", { model: "Haas VF-2", age: 5 }).rule, 3);
  assert.equal(failureCostOf(resolveHead(h, "M3", { model: "Haas VF-2", age: 5 })), 10 * 500 + 2000);
  assert.equal(resolveHead(h, "M4", { model: "Haas VF-2", age: null }).rule, null);
  const plain = resolveHead(h, "M1", { model: "Haas VF-2", age: 6 });
  assert.equal(plain.rule, null);
  assert.deepEqual(plain.task, h.task);
  assert.deepEqual(plain.failure, h.failure);
});

test("overrides are stored with the model and read back the same", () => {
  const c = load();
  const back = contractFromJSON(JSON.parse(JSON.stringify(contractToJSON(c))), "model.json");
  assert.deepEqual(back.tasks, c.tasks);
  assert.equal(resolveHead(back.tasks!.heads[0], "M2", { model: "Okuma LB3000", age: 11 }).task?.hours, 7);
});

test("override mistakes name the file, the override and the key", () => {
  const one = (entry: string) => TASKS.replace(/ {6}for:\n[\s\S]*$/, `      for:\n        - ${entry}\n`);
  tasksError(
    one("{ match: { colour: red }, task: { hours: 4 } }"),
    /tasks\.heads\.spindle\.for\[0\]\.match\.colour: unknown key \(expected one of model, age\)/,
  );
  tasksError(
    one("{ match: { model: Okuma }, failure: { repair: 1 } }"),
    /tasks\.heads\.spindle\.for\[0\]\.failure\.repair: unknown key/,
  );
  tasksError(
    one("{ match: { model: Okuma }, task: { hour: 4 } }"),
    /tasks\.heads\.spindle\.for\[0\]\.task\.hour: unknown key/,
  );
  tasksError(
    one("{ match: { model: Okuma }, task: { hours: -4 } }"),
    /tasks\.heads\.spindle\.for\[0\]\.task\.hours: must be a positive number/,
  );
  tasksError(
    one("{ match: { model: Okuma }, task: { name: other_swap } }"),
    /tasks\.heads\.spindle\.for\[0\]\.task\.name: a task keeps its name on every machine/,
  );
  tasksError(
    one("{ match: { age: old }, task: { hours: 4 } }"),
    /tasks\.heads\.spindle\.for\[0\]\.match\.age: must be a number \(age is a number attribute\)/,
  );
  tasksError(one("{ task: { hours: 4 } }"), /tasks\.heads\.spindle\.for\[0\]: give match: .* or machines:/);
  tasksError(one("{ machines: [M1] }"), /tasks\.heads\.spindle\.for\[0\]: overrides nothing/);
  tasksError(
    one("{ machines: [M1], task: { event: { table: alarms, kind: x } } }"),
    /tasks\.heads\.spindle\.for\[0\]\.task\.event\.table: 'alarms' is not an event table with since: true/,
  );
  // A level outside the contract's own list of levels.
  tasksError(
    one("{ match: { model: Okuma LB300 }, task: { hours: 4 } }"),
    /tasks\.heads\.spindle\.for\[0\]\.match\.model: 'Okuma LB300' is not a level of model \(Haas VF-2, Okuma LB3000\)/,
    CONTRACT.replace("kind: category }", "kind: category, levels: [Haas VF-2, Okuma LB3000] }"),
  );
  // A contract without a machine table has no attributes to match (ids still can be).
  const noTable = CONTRACT.replace(/attributes:\n(?: {2}.*\n)+/, "").replace(/derived:\n(?: {2}.*\n)+/, "");
  tasksError(
    one("{ match: { model: Okuma }, task: { hours: 4 } }"),
    /tasks\.heads\.spindle\.for\[0\]\.match: the contract has no attributes: \(a machine table\) to match/,
    noTable,
  );
  assert.equal(
    load(one("{ machines: [M1], task: { hours: 4 } }"), noTable).tasks?.heads[0].for?.[0].task?.hours,
    4,
  );
  // A head with no task of its own has none to change.
  tasksError(
    `tasks:
  heads:
    pump:
      failure: { downtime_hours: 2, cost_per_hour: 300, repair_cost: 100 }
      for: [{ machines: [M1], task: { hours: 1 } }]
`,
    /tasks\.heads\.pump\.for\[0\]\.task: the head has no task of its own to change/,
  );
});

test("check lists each head's task per group of machines, and warns of an override that takes none", () => {
  const shop = writeShop(shopFiles(), `${CONTRACT}${TASKS}`);
  const { contract } = loadContract(shop.contract);
  const p = profileContractData(readContractData(contract, { learn: true, labels: "if-present" }));
  assert.deepEqual(
    p.tasks.map((g) => [g.rule, g.hours, g.parts_cost, g.failure_cost, g.models]),
    [
      ["for[0]: model Okuma LB3000", 7, 2600, 30 * 300 + 9000, { "Okuma LB3000": 1 }],
      ["for[3]: age ≤ 5", 3, 400, 10 * 500 + 2000, { "Haas VF-2": 1 }],
    ],
  );
  const w = p.warnings.join("\n");
  assert.match(
    w,
    /tasks\.heads\.spindle\.for\[1\] \(model Okuma LB3000 or Haas VF-2, age ≥ 10\) applies to no machine: an earlier override takes/,
  );
  assert.match(
    w,
    /tasks\.heads\.spindle\.for\[2\]\.machines: 'M9' is in neither the telemetry nor the machine table/,
  );
  assert.match(w, /tasks\.heads\.spindle\.for\[2\] \(machine M9\) matches no machine of the data/);
});

// Trial 2 item 11: a lathe has no tool changer, so the kind cannot happen on it. `applies: false`
// says so; it overrides no cost or task (it has none to change there), and `applies: true` is the
// default, which may be written.
test("applies: false: the kind does not happen on the machines it names; it changes no failure: or task:", () => {
  const tasks = TASKS.replace(
    "      for:\n",
    "      for:\n        - { match: { model: Okuma LB3000 }, applies: false }\n        - { machines: [M7], applies: true, task: { hours: 2 } }\n",
  );
  const h = load(tasks).tasks!.heads[0];
  assert.equal(h.for?.[0].applies, false);
  assert.equal(h.for?.[0].task, null);
  assert.equal(h.for?.[1].applies, undefined, "applies: true is the default: not stored");
  const okuma = resolveHead(h, "M2", { model: "Okuma LB3000", age: 11 });
  assert.deepEqual([okuma.applies, okuma.rule, okuma.task], [false, 0, null]);
  const haas = resolveHead(h, "M1", { model: "Haas VF-2", age: 6 });
  assert.deepEqual([haas.applies, haas.rule], [true, null]);
  assert.equal(resolveHead(h, "M7", { model: "Haas VF-2", age: 6 }).task?.hours, 2);
  // Stored with the model and read back the same.
  const c = load(tasks);
  const back = contractFromJSON(JSON.parse(JSON.stringify(contractToJSON(c))), "model.json");
  assert.equal(resolveHead(back.tasks!.heads[0], "M2", { model: "Okuma LB3000", age: 11 }).applies, false);

  const one = (entry: string) => TASKS.replace(/ {6}for:\n[\s\S]*$/, `      for:\n        - ${entry}\n`);
  tasksError(
    one("{ match: { model: Okuma }, applies: false, task: { hours: 4 } }"),
    /tasks\.heads\.spindle\.for\[0\]\.task: applies: false says this kind does not happen on these machines, so it has no task to change/,
  );
  tasksError(
    one("{ match: { model: Okuma }, applies: false, failure: { repair_cost: 1 } }"),
    /tasks\.heads\.spindle\.for\[0\]\.failure: applies: false says .* no failure to change/,
  );
  tasksError(
    one("{ match: { model: Okuma }, applies: no }"),
    /tasks\.heads\.spindle\.for\[0\]\.applies: must be true or false/,
  );
  tasksError(one("{ machines: [M1], applies: true }"), /tasks\.heads\.spindle\.for\[0\]: overrides nothing/);
  tasksError(one("{ applies: false }"), /tasks\.heads\.spindle\.for\[0\]: give match: .* or machines:/);
});

test("check shows a kind that does not apply as such, and its task-kind checks stay quiet", () => {
  const tasks = TASKS.replace(
    "      for:\n",
    "      for:\n        - { match: { model: Okuma LB3000 }, applies: false }\n",
  );
  const shop = writeShop(shopFiles(), `${CONTRACT}${tasks}`);
  const { contract } = loadContract(shop.contract);
  const data = readContractData(contract, { learn: true, labels: "if-present" });
  const p = profileContractData(data);
  const okuma = p.tasks.find((g) => g.models["Okuma LB3000"]);
  assert.deepEqual(
    [okuma?.rule, okuma?.applies, okuma?.task, okuma?.failure_cost],
    ["for[0]: model Okuma LB3000", false, null, 0],
  );
  assert.equal(p.tasks.find((g) => g.models["Haas VF-2"])?.applies, true);
  assert.deepEqual(taskKindMismatches(data.contract), []);
  assert.doesNotMatch(p.warnings.join("\n"), /for\[0\]/);
});

// `millwright plan` when the champion is a data-contract model: the tasks and costs come from the
// contract stored with the version, the history from its telemetry and event files.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { before, test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { readContractData } from "../../src/data/contract-data.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { runCli } from "../helpers/cli.js";
import { historianShop } from "../helpers/historian.js";

let reg: string;
let version: string;
const TECHS = "examples/contracts/historian-technicians.yaml";
/** `millwright plan` with the example technicians and this test's registry, then `args`. */
const plan = (...args: string[]) => runCli(["plan", "--technicians", TECHS, "--registry", reg, ...args]);

before(() => {
  const shop = historianShop({ machines: 12, days: 45, seed: 7 }, "mw-cliplan-");
  const { contract, text } = loadContract(shop.contract);
  reg = join(shop.dir, "models");
  const data = readContractData(contract, { learn: true, labels: "require" });
  version = trainHistoryAndRegister(new ModelRegistry(reg), data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
  }).version;
});

test("plan --json with a contract champion: tasks from the contract, model version, data time, made at", async () => {
  const r = await plan("--json");
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assert.equal(p.model.version, version);
  assert.equal(p.model.contract, "historian-fleet");
  assert.match(p.data_time, /^\d{4}-\d\d-\d\dT/);
  assert.ok(Date.now() - Date.parse(p.made_at) < 60_000);
  assert.ok(Date.parse(p.horizon.start) >= Date.parse(p.data_time));
  assert.equal(p.horizon.shifts, 21);
  assert.equal(p.horizon.clock, "UTC", "the historian contract has no time.zone");
  const names = [
    "spindle_bearing_replacement",
    "ball_screw_service",
    "coolant_pump_replacement",
    "tool_changer_service",
  ];
  for (const t of p.tasks) assert.ok(names.includes(t.task), t.task);
  assert.equal(p.machines.length, 12);
  assert.equal(p.min_return, 0, "the planner's default margin");
});

test("plan --costs: the contract's tasks: key in a file of its own, checked against the model's contract (trial 3)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-cliplan-costs-"));
  const tasks = parseYaml(readFileSync("examples/contracts/historian.yaml", "utf8")).tasks;
  const costs = join(dir, "costs.yaml");
  // A cheaper technician hour and failures ten times dearer: tasks worth planning, costed the new way.
  const dear = Object.fromEntries(
    Object.entries(tasks.heads as Record<string, { failure: { repair_cost: number } }>).map(([k, h]) => [
      k,
      { ...h, failure: { ...h.failure, repair_cost: h.failure.repair_cost * 10 } },
    ]),
  );
  writeFileSync(costs, stringifyYaml({ tasks: { ...tasks, planned_cost_per_hour: 20, heads: dear } }));
  const r = await plan("--costs", costs, "--json");
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assert.ok(p.tasks.length > 0);
  const hours = new Map(
    Object.values(
      tasks.heads as Record<string, { task: { name: string; hours: number; parts_cost: number } }>,
    ).map((h) => [h.task.name, h.task]),
  );
  for (const t of p.tasks as { task: string; planned_cost: number }[]) {
    const spec = hours.get(t.task);
    assert.ok(
      spec && Math.abs(t.planned_cost - (spec.hours * 20 + spec.parts_cost)) < 1e-6,
      JSON.stringify(t),
    );
  }
  // The retired AI4I planner's costs file is refused with what to give instead; so is a typo.
  const old = await plan("--costs", "examples/costs.yaml");
  assert.equal(old.code, 2);
  assert.match(old.stderr, /examples\/costs\.yaml: failure: is the retired AI4I planner's costs format/);
  writeFileSync(
    costs,
    stringifyYaml({ tasks: { ...tasks, heads: { ...tasks.heads, ballscrew: tasks.heads.ball_screw } } }),
  );
  const typo = await plan("--costs", costs);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /tasks\.heads\.ballscrew: 'ballscrew' is not a failure kind of this contract/);
});

test("plan in words", async () => {
  const r = await plan("--horizon", "3d");
  assert.equal(r.code, 0, r.stderr);
  // The clock the shifts are on, and how to change it.
  assert.match(
    r.stdout,
    /^shifts of 8 h on UTC time, \S+ day \d{4}-\S+ to \S+ night \(the contract has no time\.zone: set it/m,
  );
  assert.match(
    r.stdout,
    new RegExp(`^plan optimal by model ${version.replace(/\./g, "\\.")} from data up to \\d{4}-`, "m"),
  );
  // Money as the task rows write it: whole units, grouped (the contract's currency, none here).
  assert.match(
    r.stdout,
    /tasks, avoids \d{1,3}(,\d{3})* of expected failure cost for \d{1,3}(,\d{3})* of work and parts$/m,
  );
});

test("a technicians file with a mistake is exit 2 naming the file and key", async () => {
  const r = await runCli(["plan", "--technicians", "examples/contracts/historian.yaml", "--registry", reg]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /historian\.yaml/);
});

test("plan --min-return: every task avoids at least that margin over its cost, and the plan says which margin", async () => {
  const r = await plan("--json", "--min-return", "0.2");
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assert.equal(p.min_return, 0.2);
  for (const t of p.tasks) assert.ok(t.avoided_cost >= 1.2 * t.planned_cost - 0.01, JSON.stringify(t));
  const bad = await plan("--min-return", "lots");
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--min-return: 'lots' is not a non-negative number/);
});

test("a technicians file with a skill no task asks for plans, with a warning naming file, key, technician and the skill meant", async () => {
  const { mkdtempSync, readFileSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const techs = join(mkdtempSync(join(tmpdir(), "mw-cliplan-techs-")), "technicians.yaml");
  const text = readFileSync(TECHS, "utf8");
  assert.ok(text.includes("skills: [spindle, axes]"));
  writeFileSync(techs, text.replace("skills: [spindle, axes]", "skills: [spindel, axes]"));
  const r = await runCli(["plan", "--technicians", techs, "--registry", reg, "--horizon", "3d"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^warning: .*technicians\.yaml: technicians\[0\]\.skills\[0\]: 'spindel' \(Ana Ribeiro\) is a skill no task of the contract asks for \(its tasks ask for axes, coolant, spindle, tool_changer; did you mean 'spindle'\?\)/m,
  );
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { isMillwrightError } from "../../src/core/errors.js";
import { MACHINE_MODELS, modelOfMachine } from "../../src/data/machines.js";
import {
  DEFAULT_COSTS,
  parseCosts,
  parseTechnicians,
  readCosts,
  readTechnicians,
} from "../../src/plan/config.js";

const KNOWN = MACHINE_MODELS.map((m) => m.name);

function configError(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isMillwrightError(e), "a MillwrightError");
    assert.equal(e.code, "MW_CONFIG");
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

const GOOD = `technicians:
  - {name: A, skills: ["*"], hours_per_shift: 4}
  - {name: B, skills: [Haas VF-2], hours_per_shift: 8, shifts: [day, "Mon night", weekend evening, friday]}
`;

test("example technicians fit the simulated fleet: 6 people, every model covered twice", () => {
  const techs = parseTechnicians(
    readFileSync("examples/technicians.yaml", "utf8"),
    "examples/technicians.yaml",
    {
      knownModels: KNOWN,
    },
  );
  assert.equal(techs.length, 6);
  const fleetModels = new Set(Array.from({ length: 24 }, (_, i) => modelOfMachine(i).name));
  assert.equal(fleetModels.size, 8);
  for (const model of fleetModels) {
    const n = techs.filter((t) => t.skills.includes("*") || t.skills.includes(model)).length;
    assert.ok(n >= 2, `${model} is covered by ${n} technicians`);
  }
  // Someone works every shift of the week, so no shift is without cover.
  const nights = techs.filter((t) => t.shifts?.some((p) => p.shift === "night"));
  assert.ok(nights.length >= 1);
});

test("example costs parse and equal the built-in defaults they document", () => {
  const c = parseCosts(readFileSync("examples/costs.yaml", "utf8"), "examples/costs.yaml");
  assert.deepEqual(c, DEFAULT_COSTS);
});

test("technician shifts: names, days, groups and pairs", () => {
  const [a, b] = parseTechnicians(GOOD, "t.yaml", { knownModels: KNOWN });
  assert.equal(a.shifts, undefined);
  assert.deepEqual(b.shifts, [
    { shift: "day" },
    { days: [1], shift: "night" },
    { days: [0, 6], shift: "evening" },
    { days: [5] },
  ]);
});

test("skills match the catalogue case-insensitively and keep its spelling", () => {
  const [t] = parseTechnicians(
    "technicians: [{name: X, skills: [haas vf-2], hours_per_shift: 2}]",
    "t.yaml",
    {
      knownModels: KNOWN,
    },
  );
  assert.deepEqual(t.skills, ["Haas VF-2"]);
});

test("technician errors name the file, the key path and the technician (trial 9: an index alone is no name)", () => {
  const bad = (tech: string) =>
    `technicians:\n  - {name: A, skills: ["*"], hours_per_shift: 4}\n  - {name: B, skills: ["*"], hours_per_shift: 4}\n  - ${tech}\n`;
  configError(
    () => parseTechnicians(bad(`{name: C, skills: ["*"], hours_per_shift: x}`), "techs.yaml"),
    "techs.yaml: technicians[2] (C).hours_per_shift: must be a positive number, got 'x'",
  );
  configError(
    () => parseTechnicians(bad(`{name: C, skills: ["*"], hour_per_shift: 4}`), "techs.yaml"),
    /^techs\.yaml: technicians\[2\] \(C\)\.hour_per_shift: unknown key \(expected one of name, skills, hours_per_shift, shifts\)$/,
  );
  configError(
    () => parseTechnicians(bad(`{name: C, skills: ["*"]}`), "techs.yaml"),
    "techs.yaml: technicians[2] (C).hours_per_shift: is required",
  );
  // No name: named by the technician before it.
  configError(
    () => parseTechnicians(bad(`{skills: ["*"], hours_per_shift: 4}`), "techs.yaml"),
    "techs.yaml: technicians[2] (the one after B).name: is required",
  );
  configError(
    () =>
      parseTechnicians(bad(`{name: C, skills: [Haas VF-3], hours_per_shift: 4}`), "techs.yaml", {
        knownModels: KNOWN,
      }),
    /^techs\.yaml: technicians\[2\] \(C\)\.skills\[0\]: unknown machine model 'Haas VF-3' \(known: Haas VF-2, /,
  );
  configError(
    () =>
      parseTechnicians(bad(`{name: C, skills: ["*"], hours_per_shift: 4, shifts: [Mon dusk]}`), "techs.yaml"),
    /^techs\.yaml: technicians\[2\] \(C\)\.shifts\[0\]: cannot read shift 'Mon dusk'/,
  );
  configError(
    () => parseTechnicians(bad(`{name: a, skills: ["*"], hours_per_shift: 4}`), "techs.yaml"),
    "techs.yaml: technicians[2] (a).name: duplicate technician 'a'",
  );
  configError(
    () => parseTechnicians(bad(`{name: C, skills: [], hours_per_shift: 4}`), "techs.yaml"),
    "techs.yaml: technicians[2] (C).skills: must not be empty",
  );
  configError(
    () => parseTechnicians(bad(`{name: C, skills: ["*"], hours_per_shift: 30}`), "techs.yaml"),
    "techs.yaml: technicians[2] (C).hours_per_shift: must be at most 24, got 30",
  );
  configError(
    () => parseTechnicians("technicians: []", "techs.yaml"),
    "techs.yaml: technicians: must not be empty",
  );
  configError(() => parseTechnicians("people: []", "techs.yaml"), /^techs\.yaml: people: unknown key/);
  configError(() => parseTechnicians("technicians: [", "techs.yaml"), /^techs\.yaml: not valid YAML: /);
});

test("costs: a file overrides single values; default applies to modes it does not name", () => {
  const c = parseCosts(
    "failure:\n  default: {cost_per_hour: 500}\n  hdf: {cost_per_hour: 900}\nplanned: {cost_per_hour: 80}\ntasks:\n  load_inspection: {hours: 3}\n",
    "c.yaml",
  );
  assert.equal(c.failure.twf.costPerHour, 500);
  assert.equal(c.failure.twf.downtimeHours, DEFAULT_COSTS.failure.twf.downtimeHours);
  assert.equal(c.failure.hdf.costPerHour, 900);
  assert.equal(c.plannedCostPerHour, 80);
  assert.equal(c.tasks.load_inspection.hours, 3);
  assert.equal(c.tasks.load_inspection.effectiveness, DEFAULT_COSTS.tasks.load_inspection.effectiveness);
  assert.equal(DEFAULT_COSTS.failure.twf.costPerHour, 400, "the defaults are not mutated");
  assert.deepEqual(parseCosts("", "c.yaml"), DEFAULT_COSTS);
});

test("cost errors name the file and the key path", () => {
  configError(
    () => parseCosts("failure: {rnf: {repair_cost: 1}}", "costs.yaml"),
    /^costs\.yaml: failure\.rnf: unknown key/,
  );
  configError(
    () => parseCosts("failure: {twf: {repair_cost: -5}}", "costs.yaml"),
    "costs.yaml: failure.twf.repair_cost: must be a number ≥ 0, got -5",
  );
  configError(
    () => parseCosts("tasks: {cooling_check: {effectiveness: 1.5}}", "costs.yaml"),
    "costs.yaml: tasks.cooling_check.effectiveness: must be a fraction in (0, 1], got 1.5",
  );
  configError(
    () => parseCosts("tasks: {tool_change: {effectiveness: 0.9}}", "costs.yaml"),
    /^costs\.yaml: tasks\.tool_change\.effectiveness: unknown key \(expected one of hours, parts_cost\)$/,
  );
  configError(
    () => parseCosts("tasks: {oil_change: {hours: 1}}", "costs.yaml"),
    /^costs\.yaml: tasks\.oil_change: unknown key/,
  );
  configError(
    () => parseCosts("planned: 100", "costs.yaml"),
    "costs.yaml: planned: must be a mapping, got 100",
  );
  configError(
    () => parseCosts("tasks: {tool_change: {hours: '1h'}}", "costs.yaml"),
    "costs.yaml: tasks.tool_change.hours: must be a positive number, got '1h'",
  );
});

test("an already-parsed document (a JSON request body) gets the same checks", () => {
  const techs = readTechnicians(
    { technicians: [{ name: "A", skills: ["*"], hours_per_shift: 4 }] },
    "request body",
  );
  assert.equal(techs[0].hoursPerShift, 4);
  configError(
    () =>
      readTechnicians({ technicians: [{ name: "A", skills: ["*"], hours_per_shift: "4" }] }, "request body"),
    "request body: technicians[0] (A).hours_per_shift: must be a positive number, got '4'",
  );
  assert.equal(readCosts(undefined, "request body").plannedCostPerHour, DEFAULT_COSTS.plannedCostPerHour);
  configError(
    () => readCosts({ planned: { cost_per_hour: -1 } }, "request body"),
    /^request body: planned\.cost_per_hour: /,
  );
});

// The plan's technicians come from the configuration (MILLWRIGHT_TECHNICIANS) instead of always the
// shipped example (issue 16); the costs from MILLWRIGHT_COSTS (the contract's `tasks:` key in a file of
// its own), else the contract's `tasks:`.
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { test } from "node:test";
import { readConfig } from "../../src/cli/config.js";

test("MILLWRIGHT_TECHNICIANS and MILLWRIGHT_COSTS name the plan's files; unset, none (the fleet's example, the contract's tasks)", () => {
  assert.deepEqual(readConfig({}).planning, {
    techniciansFile: undefined,
    costsFile: undefined,
    minReturn: undefined,
  });
  const cfg = readConfig({ MILLWRIGHT_TECHNICIANS: "shop/techs.yaml", MILLWRIGHT_COSTS: "shop/costs.yaml" });
  assert.equal(cfg.planning.techniciansFile, resolve("shop/techs.yaml"));
  assert.equal(cfg.planning.costsFile, resolve("shop/costs.yaml"));
});

test("MILLWRIGHT_PLAN_MIN_RETURN is the plan's margin over a task's cost; unset, the planner's default; not a number ≥ 0: MW_CONFIG naming it", () => {
  assert.equal(readConfig({ MILLWRIGHT_PLAN_MIN_RETURN: "0.2" }).planning.minReturn, 0.2);
  assert.equal(readConfig({}).planning.minReturn, undefined);
  assert.throws(
    () => readConfig({ MILLWRIGHT_PLAN_MIN_RETURN: "-0.1" }),
    (e: Error & { code?: string }) => e.code === "MW_CONFIG" && /MILLWRIGHT_PLAN_MIN_RETURN/.test(e.message),
  );
});

// The plan's technicians come from the configuration (MILLWRIGHT_TECHNICIANS) instead of always the
// shipped example (issue 16). A contract model's costs are its contract's `tasks:`.
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { test } from "node:test";
import { readConfig } from "../../src/cli/config.js";

test("MILLWRIGHT_TECHNICIANS names the plan's file; unset, none (the fleet's example)", () => {
  assert.deepEqual(readConfig({}).planning, { techniciansFile: undefined });
  const cfg = readConfig({ MILLWRIGHT_TECHNICIANS: "shop/techs.yaml" });
  assert.equal(cfg.planning.techniciansFile, resolve("shop/techs.yaml"));
});

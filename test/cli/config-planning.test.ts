// The plan's technicians and costs come from the configuration (MILLWRIGHT_TECHNICIANS,
// MILLWRIGHT_COSTS), for both servers, instead of always the shipped examples (issue 16).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { readConfig } from "../../src/cli/config.js";
import { isMillwrightError } from "../../src/core/errors.js";
import { loadPlanningConfig } from "../../src/plan/planning.js";

test("MILLWRIGHT_TECHNICIANS and MILLWRIGHT_COSTS name the plan's files; unset, the examples", () => {
  assert.deepEqual(readConfig({}).planning, { techniciansFile: undefined, costsFile: undefined });
  const cfg = readConfig({ MILLWRIGHT_TECHNICIANS: "shop/techs.yaml", MILLWRIGHT_COSTS: "shop/costs.yaml" });
  assert.equal(cfg.planning.techniciansFile, resolve("shop/techs.yaml"));
  assert.equal(cfg.planning.costsFile, resolve("shop/costs.yaml"));

  const dir = mkdtempSync(join(tmpdir(), "mw-plancfg-"));
  const techs = join(dir, "techs.yaml");
  writeFileSync(techs, "technicians:\n  - { name: Zed, skills: ['*'], hours_per_shift: 8 }\n");
  const planning = loadPlanningConfig(techs);
  assert.deepEqual(
    planning.technicians.map((t) => t.name),
    ["Zed"],
  );
  assert.equal(planning.source.technicians, techs);
  assert.throws(
    () => loadPlanningConfig(techs, join(dir, "nope.yaml")),
    (e: unknown) =>
      isMillwrightError(e) && e.code === "MW_CONFIG" && /nope\.yaml: costs file not found/.test(e.message),
  );
});

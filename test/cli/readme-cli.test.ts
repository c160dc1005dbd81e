// The README says how to call `millwright` (it is not on PATH after `npm ci`), and every command it
// names answers `--help`: the lines a new user copies work as written.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { MILLWRIGHT_VERSION, PACKAGE_ROOT } from "../../src/core/version.js";
import { runCli } from "../helpers/cli.js";

const README = readFileSync(join(PACKAGE_ROOT, "README.md"), "utf8");

test("the README says how to call the command, and `npx millwright` works from the repository", () => {
  assert.match(README, /npx millwright models list/);
  assert.match(README, /npm link/);
  const r = spawnSync("npx", ["--no", "millwright", "version"], { cwd: PACKAGE_ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), MILLWRIGHT_VERSION);
});

test("every `millwright <command> [sub]` the README names answers --help with exit 0", async () => {
  const seen = new Set<string>();
  for (const m of README.matchAll(/`millwright ([a-z]+)(?: ([a-z]+))?[^`]*`/g)) {
    const verb = m[1];
    const sub = m[2] && !["list", "show", "promote"].includes(m[2]) ? m[2] : undefined;
    seen.add(sub ? `${verb} ${sub}` : verb);
  }
  for (const v of [
    "up",
    "simulate",
    "train",
    "models",
    "predictions export",
    "retrain run",
    "retrain history",
  ])
    assert.ok(seen.has(v), `the README names millwright ${v}`);
  for (const cmd of seen) {
    const r = await runCli([...cmd.split(" "), "--help"]);
    assert.equal(r.code, 0, `millwright ${cmd} --help: ${r.stderr}`);
    assert.match(r.stdout, /^(Usage: )?millwright /, `millwright ${cmd} --help prints its usage`);
  }
});

// The operational commands scripts call, on a registry whose champion is the AI4I contract (what
// `npm start` trains): models list, drift, release and retrain history here; `models
// promote/rollback` in test/registry/rollback.test.ts; `predictions export` and `monitor --once`
// against a real server's history log in ops-history.test.ts; `plan` in plan-contract.test.ts.
// Real processes, a real git repository.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { PACKAGE_ROOT } from "../../src/core/version.js";
import { fleetToCsv } from "../../src/data/fleet-csv.js";
import { simulateFleet } from "../../src/data/simulate.js";
import { trainAi4iContract } from "../helpers/ai4i-contract.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
let env: Record<string, string>;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "mw-ops-contract-"));
  trainAi4iContract(dir, { machines: 6, days: 3 });
  env = { MILLWRIGHT_REGISTRY: join(dir, "models"), MILLWRIGHT_DATA_DIR: join(dir, "data") };
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("models list shows the contract champion with its metrics", async () => {
  const r = await runCli(["models", "list"], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1\.0\.0 .* champion\s+0\.\d{4}\s+0\.\d{4}\s+0\.\d{4}/);
  // Which rows the figures are on: the AI4I contract's time is a counter (trial 7: versions tested
  // on different periods were listed as if their figures compared).
  const split = JSON.parse(
    readFileSync(join(dir, "models", "versions", "1.0.0", "metrics.json"), "utf8"),
  ).split;
  assert.ok(r.stdout.includes(` from count ${split.testFrom}`), r.stdout);
  assert.doesNotMatch(r.stdout, /tested on different periods/);
  // A second version tested from another cut: said.
  const v2 = join(dir, "models", "versions", "1.1.0");
  cpSync(join(dir, "models", "versions", "1.0.0"), v2, { recursive: true });
  const metrics = JSON.parse(readFileSync(join(v2, "metrics.json"), "utf8"));
  metrics.split.testFrom += 100;
  writeFileSync(join(v2, "metrics.json"), JSON.stringify(metrics));
  const two = await runCli(["models", "list"], { env });
  assert.equal(two.code, 0, two.stderr);
  assert.ok(two.stdout.includes(` from count ${split.testFrom + 100}`), two.stdout);
  assert.match(two.stdout, /the versions were tested on different periods, so their figures do not compare/);
  rmSync(v2, { recursive: true });
});

test("drift --json: the documented shape; --test forces a test", async () => {
  const a = join(dir, "a.csv");
  const b = join(dir, "b.csv");
  writeFileSync(a, fleetToCsv(simulateFleet({ machines: 4, days: 3, seed: 1 })));
  writeFileSync(b, fleetToCsv(simulateFleet({ machines: 4, days: 3, seed: 2, scenario: "hot-summer" })));
  const r = await runCli(
    ["drift", "--reference", a, "--current", b, "--test", "ks", "--json", "--html", join(dir, "d.html")],
    { env },
  );
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  assert.equal(typeof d.dataset_drift, "boolean");
  const air = d.features.find((f: { feature: string }) => f.feature === "air_temperature");
  assert.equal(air.test, "ks");
  assert.equal(air.drifted, true);
  assert.ok(air.p_value < 0.05);
  for (const k of ["feature", "test", "statistic", "score", "threshold", "drifted"]) assert.ok(k in air, k);
  assert.match(readFileSync(join(dir, "d.html"), "utf8"), /air_temperature/);
  const bad = await runCli(["drift", "--reference", a, "--current", b, "--test", "nope"], { env });
  assert.equal(bad.code, 2);
});

test("release bumps the tag in a real config repo and commits; a downgrade is refused", async () => {
  const repo = mkdtempSync(join(tmpdir(), "mw-cfg-"));
  try {
    mkdirSync(join(repo, "deploy", "k8s"), { recursive: true });
    cpSync(join(PACKAGE_ROOT, "deploy", "k8s"), join(repo, "deploy", "k8s"), { recursive: true });
    const git = (...a: string[]) => execFileSync("git", a, { cwd: repo }).toString().trim();
    git("init", "-q", "-b", "main");
    git("config", "user.email", "ci@example.com");
    git("config", "user.name", "CI");
    git("add", "-A");
    git("commit", "-qm", "init");
    let r = await runCli(["release", "--version", "9.1.0", "--config", repo, "--env", "test", "--commit"], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      readFileSync(join(repo, "deploy/k8s/overlays/test/kustomization.yaml"), "utf8"),
      /newTag: "?9\.1\.0"?/,
    );
    assert.equal(git("log", "-1", "--format=%s"), "release: millwright 9.1.0 to test");
    r = await runCli(["release", "--version", "9.0.0", "--config", repo, "--env", "test"], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /downgrade/);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

test("retrain history of a contract never served: the empty history, as JSON and as text", async () => {
  let r = await runCli(["retrain", "history", "--json"], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).events, []);
  assert.deepEqual(JSON.parse(r.stdout).decisions, []);
  r = await runCli(["retrain", "history"], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /no retraining events yet/);
});

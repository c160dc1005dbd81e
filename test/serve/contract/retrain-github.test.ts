// MILLWRIGHT_RETRAIN_MODE=github on a data-contract server (the AI4I contract, startAi4iContractApp),
// GitHub played by a real HTTP server on 127.0.0.1: a retraining alert sends one repository_dispatch
// (the token, event type "retrain", the run in the payload) instead of training; the cooldown holds
// a second alert back; GitHub refusing the token is a `dispatch-failed` decision while the hook
// still answers 200; and POST /v1/retrain (what the approved workflow calls) trains in the server.
// Last, the steps of .github/workflows/retrain.yml run with bash against this server, as a runner would.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { parse } from "yaml";
import { PACKAGE_ROOT } from "../../../src/core/version.js";
import { AI4I_TOKENS, type Ai4iContractApp, startAi4iContractApp } from "../../helpers/ai4i-contract.js";
import { fakeGitHub } from "../../helpers/fake-github.js";
import { jsonClient } from "../../helpers/http.js";

const COOLDOWN_MS = 10_000;
let gh: Awaited<ReturnType<typeof fakeGitHub>>;
let app: Ai4iContractApp;
const call = jsonClient(() => app.url);

type Entry = { kind: string; payload: Record<string, unknown> };

const alert = (alertname: string) => ({
  version: "4",
  groupKey: `{}:{alertname="${alertname}"}`,
  status: "firing",
  receiver: "millwright-retrain",
  groupLabels: { alertname },
  commonLabels: { alertname },
  commonAnnotations: {},
  externalURL: "http://alertmanager:9093",
  alerts: [
    {
      status: "firing",
      labels: { alertname, action: "retrain" },
      annotations: {},
      startsAt: new Date().toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus:9090/graph",
      fingerprint: `fp-${alertname}`,
    },
  ],
});

const hook = (alertname: string) =>
  call("POST", "/v1/hooks/alertmanager", alert(alertname), AI4I_TOKENS.hook);

/** The decision of `run` in GET /v1/retrain/history, waited for (training holds the event loop). */
async function decisionOf(run: string, seconds = 120): Promise<Record<string, unknown>> {
  for (let i = 0; i < seconds * 10; i++) {
    const h = await call("GET", "/v1/retrain/history?limit=500");
    const d = (h.body.decisions as Entry[]).find((e) => e.payload.run === run);
    if (d) return d.payload;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no decision for run ${run} within ${seconds} s`);
}

/** The run id of the newest trigger of `alertname`. */
async function triggerOf(alertname: string): Promise<Record<string, unknown>> {
  const h = await call("GET", "/v1/retrain/history?limit=500");
  const t = (h.body.events as Entry[]).find((e) => e.kind === "trigger" && e.payload.alertname === alertname);
  assert.ok(t, `a trigger of ${alertname} in ${JSON.stringify(h.body.events)}`);
  return t.payload;
}

before(async () => {
  gh = await fakeGitHub();
  app = await startAi4iContractApp("mw-retrain-github-", {
    MILLWRIGHT_RETRAIN_MODE: "github",
    MILLWRIGHT_GITHUB_REPO: "shop/millwright",
    GITHUB_TOKEN: "gh-token-for-tests",
    MILLWRIGHT_GITHUB_API_URL: gh.baseUrl,
    MILLWRIGHT_RETRAIN_COOLDOWN_MS: String(COOLDOWN_MS),
    MILLWRIGHT_GATE_MINIMUM: "0",
  });
});

after(async () => {
  await app?.close();
  await gh?.close();
});

test("github mode: an alert sends exactly one repository_dispatch; a second alert in the cooldown sends none", async () => {
  const started = Date.now();
  const r = await hook("MillwrightDatasetDrift");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.outcomes[0].outcome, "started");
  const trigger = await triggerOf("MillwrightDatasetDrift");
  assert.equal(trigger.mode, "github");
  const d = await decisionOf(String(trigger.run), 20);
  assert.equal(d.verdict, "dispatched", JSON.stringify(d));
  assert.equal(gh.calls.length, 1);
  const served = (await call("GET", "/v1/model")).body.version;
  assert.deepEqual(
    { method: gh.calls[0].method, url: gh.calls[0].url, auth: gh.calls[0].auth.replace(/^\w+ /, "") },
    { method: "POST", url: "/repos/shop/millwright/dispatches", auth: "gh-token-for-tests" },
  );
  assert.deepEqual(gh.calls[0].body, {
    event_type: "retrain",
    client_payload: {
      reason: "alert MillwrightDatasetDrift",
      alertname: "MillwrightDatasetDrift",
      run: trigger.run,
      model_version: served,
      contract: "ai4i-2020",
    },
  });
  // Nothing trained in the server: no challenger, the served model unchanged.
  const history = await call("GET", "/v1/retrain/history");
  assert.equal(history.body.running, false);

  const again = await hook("MillwrightQualityLow");
  assert.ok(Date.now() - started < COOLDOWN_MS, "the second alert came inside the cooldown");
  assert.equal(again.status, 200);
  assert.equal(again.body.outcomes[0].outcome, "cooldown");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(gh.calls.length, 1, "no second dispatch in the cooldown");
});

test("github mode: GitHub refusing the token is a dispatch-failed decision in the audit; the hook still answers 200", async () => {
  gh.state.status = 401;
  // Past the first test's cooldown.
  const last = Date.parse((await call("GET", "/v1/retrain/history")).body.decisions[0].at);
  await new Promise((r) => setTimeout(r, Math.max(0, last + COOLDOWN_MS + 200 - Date.now())));
  const r = await hook("MillwrightEstimatedQualityDrop");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.outcomes[0].outcome, "started");
  const trigger = await triggerOf("MillwrightEstimatedQualityDrop");
  const d = await decisionOf(String(trigger.run), 20);
  assert.equal(d.verdict, "dispatch-failed", JSON.stringify(d));
  assert.equal(d.status, 401);
  assert.match(String(d.reason), /repository_dispatch to GitHub failed: Bad credentials/);
  assert.equal(gh.calls.length, 2);
  // The server is fine: it still answers.
  assert.equal((await call("GET", "/v2/health/live")).status, 200);
  const metrics = await (await fetch(`${app.url}/metrics`)).text();
  assert.match(metrics, /millwright_retrain_decisions_total\{verdict="dispatch-failed"\} 1/);
  assert.match(metrics, /millwright_retrain_decisions_total\{verdict="dispatched"\} 1/);
});

test("github mode: POST /v1/retrain (what the approved workflow calls) trains in the server", async () => {
  const r = await call("POST", "/v1/retrain", { reason: "approved in GitHub run 42" }, AI4I_TOKENS.admin);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const d = await decisionOf(r.body.run);
  assert.ok(["promoted", "kept"].includes(String(d.verdict)), JSON.stringify(d));
  assert.equal(d.trigger, "manual: approved in GitHub run 42");
  assert.ok((d.challenger as { version: string }).version, "a challenger was trained");
  assert.equal(gh.calls.length, 2, "a manual retraining dispatches nothing");
  const trigger = (await call("GET", "/v1/retrain/history?limit=500")).body.events.find(
    (e: Entry) => e.kind === "trigger" && e.payload.run === r.body.run,
  );
  assert.deepEqual(
    { source: trigger.payload.source, mode: trigger.payload.mode },
    { source: "manual", mode: "github" },
  );
});

type WorkflowStep = { name: string; env?: Record<string, string>; run: string };

/** One `run:` step of retrain.yml in bash -e -o pipefail (as GitHub runs it), in `dir`, with `env`. */
async function runStep(step: WorkflowStep, dir: string, env: Record<string, string>) {
  try {
    // Asynchronous: the server answering the script runs in this process.
    await promisify(execFile)("bash", ["-e", "-o", "pipefail", "-c", step.run], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout: "" };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: `${x.stdout}${x.stderr}` };
  }
}

test("retrain.yml's steps, run with bash against the server, start a retraining and write its decision to the summary", async () => {
  const wf = parse(readFileSync(join(PACKAGE_ROOT, ".github/workflows/retrain.yml"), "utf8"));
  const [start, wait] = wf.jobs.retrain.steps as WorkflowStep[];
  const dir = mkdtempSync(join(tmpdir(), "mw-retrain-wf-"));
  try {
    const output = join(dir, "output");
    const summary = join(dir, "summary.md");
    writeFileSync(output, "");
    writeFileSync(summary, "");
    const env = {
      ...wf.jobs.retrain.env,
      MILLWRIGHT_URL: app.url,
      MILLWRIGHT_ADMIN_TOKEN: AI4I_TOKENS.admin,
      POLL_INTERVAL_S: "1",
      DECISION_TIMEOUT_S: "120",
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REPOSITORY: "shop/millwright",
      GITHUB_RUN_ID: "42",
    };
    // A payload that would be shell code if the script spliced it in: it must arrive as text.
    const reason = 'drift `touch pwned` $(touch pwned2) "quoted"';
    const s1 = await runStep(start, dir, { ...env, REASON: reason, ALERT_RUN: "abc-123; rm -rf /" });
    assert.equal(s1.code, 0, s1.stdout);
    const run = /^run=(.+)$/m.exec(readFileSync(output, "utf8"))?.[1];
    assert.ok(run, "the step wrote the run id to GITHUB_OUTPUT");
    const s2 = await runStep(wait, dir, { ...env, RUN: run });
    assert.equal(s2.code, 0, s2.stdout);
    const d = await decisionOf(run);
    assert.equal(d.trigger, `manual: ${reason} (approved in shop/millwright run 42; alert run abc-123rm-rf)`);
    const md = readFileSync(summary, "utf8");
    assert.match(md, new RegExp(`^# Retraining run ${run}: ${String(d.verdict)}$`, "m"));
    assert.match(md, /\| challenger \| \d+\.\d+\.\d+ \| [\d.]+ \|/);
    for (const f of ["pwned", "pwned2"]) assert.throws(() => readFileSync(join(dir, f)), f);

    // A refusal (here a wrong token) fails the step, with the server's answer in the error.
    const bad = await runStep(start, dir, {
      ...env,
      MILLWRIGHT_ADMIN_TOKEN: "wrong",
      REASON: "x",
      ALERT_RUN: "",
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stdout, /::error::POST \/v1\/retrain refused: .*MW_UNAUTHORIZED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

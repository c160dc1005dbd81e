// MILLWRIGHT_RETRAIN_MODE=github on data-contract servers of the AI4I contract (ai4iContractShop),
// GitHub played by a real HTTP server on 127.0.0.1: a retraining alert sends one repository_dispatch
// (the token, event type "retrain", the run in the payload) instead of training; the cooldown holds
// a second alert back; GitHub refusing a server's token is a `dispatch-failed` decision while the hook
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
import { readConfig } from "../../../src/cli/config.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { AI4I_TOKENS, ai4iContractShop, removeShop } from "../../helpers/ai4i-contract.js";
import { firingAlert } from "../../helpers/alertmanager.js";
import { fakeGitHub } from "../../helpers/fake-github.js";
import { jsonClient } from "../../helpers/http.js";

const GH_TOKEN = "gh-token-for-tests";
let gh: Awaited<ReturnType<typeof fakeGitHub>>;
let shop: { dir: string; registryDir: string } | undefined;
/** Dispatches with the token GitHub accepts; `revoked`, with one it refuses (401). */
let app: Started;
let revoked: Started;
const call = jsonClient(() => app.url);
const callRevoked = jsonClient(() => revoked.url);
/** The revoked server's log lines (warnings and worse). */
const revokedLog: string[] = [];

type Started = Awaited<ReturnType<typeof startContractServer>>;
type Entry = { kind: string; payload: Record<string, unknown> };

const hook = (alertname: string, to = call) =>
  to("POST", "/v1/hooks/alertmanager", firingAlert(alertname, { action: "retrain" }), AI4I_TOKENS.hook);

/** The decision of `run` in GET /v1/retrain/history, waited for (training holds the event loop). */
async function decisionOf(run: string, seconds = 120, from = call): Promise<Record<string, unknown>> {
  for (let i = 0; i < seconds * 10; i++) {
    const h = await from("GET", "/v1/retrain/history?limit=500");
    const d = (h.body.decisions as Entry[]).find((e) => e.payload.run === run);
    if (d) return d.payload;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no decision for run ${run} within ${seconds} s`);
}

/** The newest trigger of `alertname`. */
async function triggerOf(alertname: string, from = call): Promise<Record<string, unknown>> {
  const h = await from("GET", "/v1/retrain/history?limit=500");
  const t = (h.body.events as Entry[]).find((e) => e.kind === "trigger" && e.payload.alertname === alertname);
  assert.ok(t, `a trigger of ${alertname} in ${JSON.stringify(h.body.events)}`);
  return t.payload;
}

/** A github-mode server of the shop's AI4I model, its own data folder, dispatching with `token`. */
async function serveGithubMode(dataDir: string, token: string, log?: string[]): Promise<Started> {
  if (!shop) throw new Error("no shop");
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: shop.registryDir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, dataDir),
    MILLWRIGHT_ADMIN_TOKEN: AI4I_TOKENS.admin,
    MILLWRIGHT_HOOK_TOKEN: AI4I_TOKENS.hook,
    MILLWRIGHT_RETRAIN_MODE: "github",
    MILLWRIGHT_GITHUB_REPO: "shop/millwright",
    GITHUB_TOKEN: token,
    MILLWRIGHT_GITHUB_API_URL: gh.baseUrl,
    // An hour: every alert after the first is inside it.
    MILLWRIGHT_RETRAIN_COOLDOWN_MS: "3600000",
    MILLWRIGHT_GATE_MINIMUM: "0",
  });
  return startContractServer(cfg, {
    host: "127.0.0.1",
    port: 0,
    logger: log ? { level: "warn", stream: { write: (l: string) => log.push(l) } } : false,
  });
}

before(async () => {
  gh = await fakeGitHub(204, GH_TOKEN);
  shop = ai4iContractShop("mw-retrain-github-");
  app = await serveGithubMode("data", GH_TOKEN);
  revoked = await serveGithubMode("data-revoked", "revoked-token", revokedLog);
});

after(async () => {
  await app?.close();
  await revoked?.close();
  await gh?.close();
  removeShop(shop);
});

test("github mode: an alert sends exactly one repository_dispatch; a second alert in the cooldown sends none", async () => {
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
    { method: "POST", url: "/repos/shop/millwright/dispatches", auth: GH_TOKEN },
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
  // Nothing trains in the server on an alert.
  assert.equal((await call("GET", "/v1/retrain/history")).body.running, false);

  const again = await hook("MillwrightQualityLow");
  assert.equal(again.status, 200);
  assert.equal(again.body.outcomes[0].outcome, "cooldown");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(gh.calls.length, 1, "no second dispatch in the cooldown");
});

test("github mode: GitHub refusing the token is a dispatch-failed decision in the audit; the hook still answers 200", async () => {
  const before = gh.calls.length;
  const r = await hook("MillwrightEstimatedQualityDrop", callRevoked);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.outcomes[0].outcome, "started");
  const trigger = await triggerOf("MillwrightEstimatedQualityDrop", callRevoked);
  const d = await decisionOf(String(trigger.run), 20, callRevoked);
  assert.equal(d.verdict, "dispatch-failed", JSON.stringify(d));
  assert.equal(d.status, 401);
  assert.match(String(d.reason), /repository_dispatch to GitHub failed: Bad credentials/);
  assert.equal(gh.calls.length, before + 1);
  assert.ok(
    revokedLog.some((l) => /retraining: repository_dispatch to GitHub failed: Bad credentials/.test(l)),
    `logged: ${revokedLog.join("")}`,
  );
  // The server is fine: it still answers.
  assert.equal((await callRevoked("GET", "/v2/health/live")).status, 200);
  const metrics = await (await fetch(`${revoked.url}/metrics`)).text();
  assert.match(metrics, /millwright_retrain_decisions_total\{verdict="dispatch-failed"\} 1/);
  assert.doesNotMatch(metrics, /millwright_retrain_decisions_total\{verdict="dispatched"\} [1-9]/);
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

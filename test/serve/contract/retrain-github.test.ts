// MILLWRIGHT_RETRAIN_MODE=github on a data-contract server (the AI4I contract, startAi4iContractApp),
// GitHub played by a real HTTP server on 127.0.0.1: a retraining alert sends one repository_dispatch
// (the token, event type "retrain", the run in the payload) instead of training; the cooldown holds
// a second alert back; GitHub refusing the token is a `dispatch-failed` decision while the hook
// still answers 200; and POST /v1/retrain (what the approved workflow calls) trains in the server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AI4I_TOKENS, type Ai4iContractApp, startAi4iContractApp } from "../../helpers/ai4i-contract.js";
import { fakeGitHub } from "../../helpers/fake-github.js";
import { jsonClient } from "../../helpers/http.js";

const COOLDOWN_MS = 6000;
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

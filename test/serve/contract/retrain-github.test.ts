// MILLWRIGHT_RETRAIN_MODE=github on data-contract servers of the AI4I contract (ai4iContractShop),
// GitHub played by a real HTTP server on 127.0.0.1: a retraining alert sends one repository_dispatch
// (the token, event type "retrain", the run in the payload) instead of training; the cooldown holds
// a second alert back; GitHub refusing a server's token is a `dispatch-failed` decision while the hook
// still answers 200; and POST /v1/retrain (for a single server with a writable registry) trains in
// the server. The approved workflow trains in GitHub Actions instead: test/deploy/retrain-workflow.test.ts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
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

test("github mode: POST /v1/retrain (a single server with a writable registry) trains in the server", async () => {
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

// Cluster mode's retraining trigger: a repository_dispatch through Octokit. GitHub is not
// reachable here, so a real HTTP server on 127.0.0.1 plays its REST endpoint and records the call.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Registry as PromRegistry } from "prom-client";
import { dispatchRetrain } from "../../src/retrain/github.js";
import { Retrainer } from "../../src/retrain/retrainer.js";
import { createMetrics } from "../../src/metrics/ai4i.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { ModelRegistry } from "../../src/registry/registry.js";

async function fakeGitHub(status = 204) {
  const calls: { method: string; url: string; auth: string; body: unknown }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      calls.push({
        method: req.method ?? "",
        url: req.url ?? "",
        auth: String(req.headers.authorization ?? ""),
        body: body ? JSON.parse(body) : null,
      });
      res.statusCode = status;
      res.end(status === 204 ? undefined : JSON.stringify({ message: "Bad credentials" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  const port = typeof a === "object" && a ? a.port : 0;
  return { calls, baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

test("dispatchRetrain sends repository_dispatch type 'retrain' with the token", async () => {
  const gh = await fakeGitHub();
  try {
    await dispatchRetrain({
      repo: "shop/millwright",
      token: "t0k",
      baseUrl: gh.baseUrl,
      payload: { reason: "alert MillwrightQualityLow" },
    });
    assert.equal(gh.calls.length, 1);
    assert.equal(gh.calls[0].method, "POST");
    assert.equal(gh.calls[0].url, "/repos/shop/millwright/dispatches");
    assert.match(gh.calls[0].auth, /t0k/);
    assert.deepEqual(gh.calls[0].body, {
      event_type: "retrain",
      client_payload: { reason: "alert MillwrightQualityLow" },
    });
    await assert.rejects(
      dispatchRetrain({ repo: "nonsense", token: "t", baseUrl: gh.baseUrl, payload: {} }),
      /owner\/name/,
    );
  } finally {
    await gh.close();
  }
});

test("in github mode a firing alert dispatches once and the audit log records it; a refusal is recorded as failed", async () => {
  const gh = await fakeGitHub();
  const dir = mkdtempSync(join(tmpdir(), "mw-gh-"));
  const store = new SqliteStore({ path: join(dir, "p.db") });
  await store.init();
  try {
    const metrics = createMetrics(new PromRegistry(), { defaults: false });
    const r = new Retrainer({
      registry: new ModelRegistry(join(dir, "models")),
      store,
      metrics,
      mode: "github",
      cooldownMs: 60_000,
      gate: { metric: "pr_auc", margin: 0, minimum: 0.5 },
      workDir: dir,
      github: { repo: "shop/millwright", token: "t0k", baseUrl: gh.baseUrl },
    });
    const alert = {
      status: "firing" as const,
      labels: { alertname: "MillwrightQualityLow" },
      annotations: {},
      startsAt: "",
      fingerprint: "abc",
    };
    const out = await r.handleAlerts({
      version: "4",
      groupKey: "g",
      status: "firing",
      receiver: "millwright-retrain",
      alerts: [alert, alert, alert],
    });
    assert.deepEqual(
      out.outcomes.map((o) => o.outcome),
      ["started", "deduplicated", "deduplicated"],
    );
    await r.inProgress();
    assert.equal(gh.calls.length, 1);
    const events = await store.listAudit(undefined, 10);
    assert.ok(
      events.some(
        (e) => e.kind === "decision" && (e.payload as { verdict: string }).verdict === "dispatched",
      ),
    );
    const text = await metrics.registry.metrics();
    assert.match(text, /millwright_retrain_triggers_total\{outcome="started"\} 1/);
    assert.match(text, /millwright_retrain_triggers_total\{outcome="deduplicated"\} 2/);
  } finally {
    await store.close();
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

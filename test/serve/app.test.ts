// The HTTP basics the AI4I app's own tests held, on the server that serves the AI4I example now (the
// contract server, `millwright serve` of the ai4i.yaml champion; issue 15 retired the AI4I app):
// bad JSON, infinities and other media types refused by field and code, the metrics and the card,
// offline docs, a corrupt version refused on reload with the old one still serving, and the
// dashboard's security headers with no CORS. One reading, batches, feedback and OIP are in
// test/serve/contract/ (app, feedback) and the walkthrough.
import assert from "node:assert/strict";
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { AI4I_READING, AI4I_TOKENS, startAi4iContractApp } from "../helpers/ai4i-contract.js";

const READING = AI4I_READING;

describe("the AI4I example's server", () => {
  let app: FastifyInstance;
  let dir: string;
  let close: () => Promise<void>;
  before(async () => {
    ({ app, dir, close } = await startAi4iContractApp("mw-app-"));
  });
  after(() => close());

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: "POST", url, payload: body as object, headers });

  test("invalid JSON, infinities, wrong content type", async () => {
    let res = await app.inject({
      method: "POST",
      url: "/v1/predict",
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, "MW_INVALID_JSON");
    res = await app.inject({
      method: "POST",
      url: "/v1/predict",
      payload: JSON.stringify(READING).replace('"torque":42.8', '"torque":1e999'),
      headers: { "content-type": "application/json" },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().field, /torque$/);
    res = await app.inject({
      method: "POST",
      url: "/v1/predict",
      payload: "type=L",
      headers: { "content-type": "text/plain" },
    });
    assert.equal(res.statusCode, 415);
    assert.equal(res.json().code, "MW_UNSUPPORTED_MEDIA");
  });

  test("metrics, model card and docs", async () => {
    assert.equal((await post("/v1/predict", READING)).statusCode, 200);
    const m = (await app.inject("/metrics")).body;
    for (const name of [
      "millwright_predictions_total",
      "millwright_http_request_duration_seconds_bucket",
      "millwright_failure_probability",
      "process_resident_memory_bytes",
    ])
      assert.ok(m.includes(name), name);
    assert.match(m, /millwright_model_info\{name="[^"]+",version="1\.0\.0"\} 1/);
    const card = (await app.inject("/v1/model")).json();
    assert.equal(card.version, "1.0.0");
    assert.equal(card.contract, "ai4i-2020");
    assert.ok(card.metrics.test.pr_auc > 0);
    const doc = (await app.inject("/docs/json")).json();
    for (const p of [
      "/v1/predict",
      "/v1/feedback",
      "/v2/models/{name}/infer",
      "/v1/model",
      "/metrics",
      "/v1/admin/reload",
    ])
      assert.ok(doc.paths[p], `OpenAPI documents ${p}`);
    const ui = await app.inject("/docs/");
    assert.equal(ui.statusCode, 200);
    assert.doesNotMatch(ui.body, /https?:\/\/(?!127\.0\.0\.1)[a-z]/i, "docs load nothing from the internet");
  });

  test("admin reload: token required; a corrupt version is refused and the old model keeps serving", async () => {
    const admin = { authorization: `Bearer ${AI4I_TOKENS.admin}` };
    let res = await post("/v1/admin/reload", { model: "1.0.0" });
    assert.equal(res.statusCode, 401);
    const versions = join(dir, "models", "versions");
    cpSync(join(versions, "1.0.0"), join(versions, "9.0.0"), { recursive: true });
    writeFileSync(join(versions, "9.0.0", "model.json"), '{"format":"millwright-history-model","heads":');
    res = await post("/v1/admin/reload", { model: "9.0.0" }, admin);
    assert.equal(res.statusCode, 500, res.body);
    assert.equal(res.json().code, "MW_MODEL_CORRUPT");
    assert.match(res.json().detail, /9\.0\.0\/model\.json/);
    const p = await post("/v1/predict", { ...READING, timestamp: 2 });
    assert.equal(p.statusCode, 200, p.body);
    assert.equal(p.json().model.version, "1.0.0", "old model still serves");
    rmSync(join(versions, "9.0.0"), { recursive: true });
    res = await post("/v1/admin/reload", { model: "1.0.0" }, admin);
    assert.equal(res.statusCode, 200, res.body);
  });

  test("security headers on the dashboard; no CORS headers", async () => {
    const r = await app.inject({ url: "/", headers: { origin: "https://evil.example" } });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers["content-security-policy"]), /default-src 'self'/);
    assert.equal(r.headers["x-frame-options"], "DENY");
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    assert.equal(r.headers["access-control-allow-origin"], undefined);
    const api = await post("/v1/predict", { ...READING, timestamp: 3 }, { origin: "https://evil.example" });
    assert.equal(api.statusCode, 200, api.body);
    assert.equal(api.headers["access-control-allow-origin"], undefined);
  });
});

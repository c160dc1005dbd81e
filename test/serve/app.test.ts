import assert from "node:assert/strict";
import { riskWords } from "../../src/train/ai4i-explain.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/serve/app.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { READING, type TrainedFixture, trainedRegistry } from "../helpers/model.js";

const TOKENS = { admin: "admin-secret", feedback: "feedback-secret", hook: "hook-secret" };

describe("HTTP API", () => {
  let fx: TrainedFixture;
  let app: FastifyInstance;
  let store: SqliteStore;
  let dataDir: string;

  before(async () => {
    fx = trainedRegistry();
    dataDir = mkdtempSync(join(tmpdir(), "mw-app-"));
    store = new SqliteStore({ path: join(dataDir, "p.db") });
    await store.init();
    app = await buildApp({ registry: fx.registry, store, tokens: TOKENS, maxBatch: 100 });
  });
  after(async () => {
    await app.close();
    await store.close();
    fx.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: "POST",
      url,
      payload: JSON.stringify(body),
      headers: { "content-type": "application/json", ...headers },
    });

  test("one reading: a calibrated prediction with modes, logged durably before the answer", async () => {
    const res = await post("/v1/predict", READING);
    assert.equal(res.statusCode, 200, res.body);
    const p = res.json();
    assert.match(p.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(p.failure_probability >= 0 && p.failure_probability <= 1);
    assert.equal(typeof p.failure_predicted, "boolean");
    assert.deepEqual(Object.keys(p.modes).sort(), ["hdf", "osf", "pwf", "twf"]);
    assert.equal(p.model.version, fx.version);
    const logged = await store.getPrediction(p.id);
    assert.ok(logged, "prediction is in the log");
    assert.equal(logged.failureProbability, p.failure_probability);
    assert.equal(logged.reading.torque, READING.torque);
  });

  test("a batch answers in input order; explain adds sentences", async () => {
    const worn = { ...READING, tool_wear: 230, torque: 60 };
    const res = await post("/v1/predict?explain=true", [READING, worn]);
    assert.equal(res.statusCode, 200, res.body);
    const { predictions } = res.json();
    assert.equal(predictions.length, 2);
    assert.ok(
      predictions[1].failure_probability > predictions[0].failure_probability,
      "a worn, loaded tool is riskier",
    );
    const ex = predictions[1].explanation;
    assert.equal(ex.length, 3);
    // Shop-floor words: the risk with and without the reading, never the model's log-odds.
    const p = predictions[1].failure_probability as number;
    for (const c of ex as { text: string; contribution: number; risk_without: number }[]) {
      assert.match(
        c.text,
        /(raises|lowers) the risk( a lot| a little)? \(risk .+ %; .+ % if .+ were typical\)$/,
      );
      assert.doesNotMatch(c.text, /log-odds|margin/);
      assert.ok(c.text.includes(`risk ${riskWords(p)};`), `${c.text} states the risk ${p}`);
      assert.ok(c.text.includes(`; ${riskWords(c.risk_without)} if`), c.text);
      // Taking out a push that raises the risk lowers it, and the other way round.
      if (c.contribution > 0) assert.ok(c.risk_without < p, c.text);
      if (c.contribution < 0) assert.ok(c.risk_without > p, c.text);
    }
    assert.match(ex[0].text, /raises the risk a lot/, "the worn, loaded tool's strongest reason");
  });

  const bad: [string, unknown, number, string, string?][] = [
    ["missing field", { ...READING, torque: undefined }, 400, "MW_VALIDATION", "body.torque"],
    ["unknown field", { ...READING, torqeu: 3 }, 400, "MW_VALIDATION", "body.torqeu"],
    ["wrong type", { ...READING, torque: "40" }, 400, "MW_VALIDATION", "body.torque"],
    ["negative speed", { ...READING, rotational_speed: -5 }, 400, "MW_VALIDATION", "body.rotational_speed"],
    ["below 0 K", { ...READING, air_temperature: -1 }, 400, "MW_VALIDATION", "body.air_temperature"],
    ["negative wear", { ...READING, tool_wear: -1 }, 400, "MW_VALIDATION", "body.tool_wear"],
    ["unknown type", { ...READING, type: "X" }, 400, "MW_VALIDATION", "body.type"],
    ["empty array", [], 400, "MW_EMPTY_BATCH"],
    ["over the batch limit", new Array(101).fill(READING), 413, "MW_BATCH_TOO_LARGE"],
    ["a bad row in a batch", [READING, { ...READING, torque: null }], 400, "MW_VALIDATION", "body[1].torque"],
    ["a number", 42, 400, "MW_VALIDATION"],
  ];
  for (const [name, body, status, code, field] of bad) {
    test(`bad input → ${status} ${code}: ${name}`, async () => {
      const res = await post("/v1/predict", body);
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers["content-type"]), /application\/problem\+json/);
      const p = res.json();
      assert.equal(p.code, code);
      if (field) assert.equal(p.field, field);
    });
  }

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
    assert.equal(res.json().field, "body.torque");
    res = await app.inject({
      method: "POST",
      url: "/v1/predict",
      payload: "type=L",
      headers: { "content-type": "text/plain" },
    });
    assert.equal(res.statusCode, 415);
    assert.equal(res.json().code, "MW_UNSUPPORTED_MEDIA");
  });

  test("feedback: token required, idempotent, unknown id is a 404 for that item only", async () => {
    const a = (await post("/v1/predict", READING)).json();
    let res = await post("/v1/feedback", { prediction_id: a.id, machine_failure: 1 });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, "MW_UNAUTHORIZED");
    res = await post(
      "/v1/feedback",
      { prediction_id: a.id, machine_failure: 1 },
      { authorization: "Bearer wrong" },
    );
    assert.equal(res.statusCode, 401);
    const auth = { authorization: `Bearer ${TOKENS.feedback}` };
    res = await post(
      "/v1/feedback",
      {
        feedback: [
          { prediction_id: a.id, machine_failure: 1, twf: 1 },
          { prediction_id: "nope", machine_failure: 0 },
        ],
      },
      auth,
    );
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json();
    assert.deepEqual(
      r.results.map((x: { status: string; code: number }) => [x.status, x.code]),
      [
        ["accepted", 200],
        ["unknown", 404],
      ],
    );
    res = await post("/v1/feedback", { prediction_id: a.id, machine_failure: 1, twf: 1 }, auth);
    assert.equal(res.json().status, "duplicate");
    res = await post("/v1/feedback", { prediction_id: "missing", machine_failure: 0 }, auth);
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, "MW_PREDICTION_NOT_FOUND");
    const logged = await store.getPrediction(a.id);
    assert.equal(logged?.label?.machineFailure, 1);
  });

  test("Open Inference Protocol v2: health, metadata, infer with an [N, 6] tensor and per-feature tensors", async () => {
    assert.equal((await app.inject("/v2/health/live")).statusCode, 200);
    assert.deepEqual((await app.inject("/v2/health/ready")).json(), { ready: true, degraded: false });
    const name = "millwright-failure";
    const meta = (await app.inject(`/v2/models/${name}`)).json();
    assert.equal(meta.name, name);
    assert.ok(meta.versions.includes(fx.version));
    assert.equal((await app.inject(`/v2/models/${name}/ready`)).json().ready, true);
    // Each model route is spelled for one version too; an unknown model is a 404 on both.
    const versioned = `/v2/models/${name}/versions/${fx.version}`;
    assert.deepEqual((await app.inject(versioned)).json(), meta);
    assert.deepEqual((await app.inject(`${versioned}/ready`)).json(), { name, ready: true });
    for (const path of ["/v2/models/nope", "/v2/models/nope/versions/1.0.0/ready"])
      assert.equal((await app.inject(path)).statusCode, 404, path);
    let res = await post(`/v2/models/${name}/infer`, {
      id: "r1",
      inputs: [
        {
          name: "input",
          shape: [2, 6],
          datatype: "FP64",
          data: [0, 298.1, 308.6, 1551, 42.8, 108, 2, 300, 309, 1400, 60, 220],
        },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json();
    assert.equal(out.id, "r1");
    assert.equal(out.model_version, fx.version);
    const fp = out.outputs.find((o: { name: string }) => o.name === "failure_probability");
    assert.deepEqual(fp.shape, [2]);
    const viaJson = (
      await post("/v1/predict", { ...READING, machine_id: undefined, machine_model: undefined })
    ).json();
    assert.ok(Math.abs(fp.data[0] - viaJson.failure_probability) < 1e-12, "same answer through both APIs");
    res = await post(`/v2/models/${name}/versions/${fx.version}/infer`, {
      inputs: [
        { name: "type", shape: [1], datatype: "BYTES", data: ["L"] },
        { name: "air_temperature", shape: [1], datatype: "FP64", data: [298.1] },
        { name: "process_temperature", shape: [1], datatype: "FP64", data: [308.6] },
        { name: "rotational_speed", shape: [1], datatype: "FP64", data: [1551] },
        { name: "torque", shape: [1], datatype: "FP64", data: [42.8] },
        { name: "tool_wear", shape: [1], datatype: "FP64", data: [108] },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    res = await post("/v2/models/nope/infer", { inputs: [] });
    assert.equal(res.statusCode, 404);
    assert.equal(typeof res.json().error, "string");
    res = await post(`/v2/models/${name}/infer`, {
      inputs: [{ name: "input", shape: [1, 6], datatype: "FP64", data: [0, 1, 2] }],
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error, /needs 6 values/);
  });

  test("metrics, model card and docs", async () => {
    const m = (await app.inject("/metrics")).body;
    for (const name of [
      "millwright_predictions_total",
      "millwright_http_request_duration_seconds_bucket",
      "millwright_model_info",
      "millwright_prediction_log_commit_duration_seconds",
      "process_resident_memory_bytes",
    ])
      assert.ok(m.includes(name), name);
    assert.match(
      m,
      new RegExp(
        `millwright_model_info\\{name="millwright-failure",version="${fx.version.replace(/\./g, "\\.")}"\\} 1`,
      ),
    );
    const card = (await app.inject("/v1/model")).json();
    assert.equal(card.version, fx.version);
    assert.ok(card.metrics.test.pr_auc > 0);
    assert.ok(card.lineage.data.rows > 0);
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
    let res = await post("/v1/admin/reload", { model: fx.version });
    assert.equal(res.statusCode, 401);
    const { writeFileSync } = await import("node:fs");
    const { cpSync } = await import("node:fs");
    cpSync(fx.registry.versionDir(fx.version), fx.registry.versionDir("9.0.0"), { recursive: true });
    writeFileSync(
      join(fx.registry.versionDir("9.0.0"), "model.json"),
      '{"format":"millwright-model","formatVersion":1,"heads":',
    );
    res = await post("/v1/admin/reload", { model: "9.0.0" }, { authorization: `Bearer ${TOKENS.admin}` });
    assert.equal(res.statusCode, 500);
    assert.equal(res.json().code, "MW_MODEL_CORRUPT");
    assert.match(res.json().detail, /9\.0\.0\/model\.json/);
    const p = (await post("/v1/predict", READING)).json();
    assert.equal(p.model.version, fx.version, "old model still serves");
    rmSync(fx.registry.versionDir("9.0.0"), { recursive: true });
    res = await post("/v1/admin/reload", { model: fx.version }, { authorization: `Bearer ${TOKENS.admin}` });
    assert.equal(res.statusCode, 200);
  });

  test("unknown endpoint is a problem+json 404", async () => {
    const res = await app.inject("/v1/nothing");
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, "MW_NOT_FOUND");
  });
});

test("token-protected routes are rate limited per client (429 MW_RATE_LIMITED)", async () => {
  const fx = trainedRegistry({ machines: 6, days: 6 });
  const dir = mkdtempSync(join(tmpdir(), "mw-rl-"));
  const store = new SqliteStore({ path: join(dir, "p.db") });
  await store.init();
  const app = await buildApp({
    registry: fx.registry,
    store,
    tokens: TOKENS,
    rateLimit: { authPerMinute: 5 },
  });
  try {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await app.inject({
        method: "POST",
        url: "/v1/admin/reload",
        payload: {},
        headers: { authorization: "Bearer guess" },
      });
      codes.push(r.statusCode);
      if (r.statusCode === 429) assert.equal(r.json().code, "MW_RATE_LIMITED");
    }
    assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429]);
    const p = await app.inject({ method: "POST", url: "/v1/predict", payload: READING });
    assert.equal(p.statusCode, 200, "prediction is not limited by default");
  } finally {
    await app.close();
    await store.close();
    fx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("security headers on the dashboard; no CORS headers", async () => {
  const fx = trainedRegistry({ machines: 6, days: 6 });
  const dir = mkdtempSync(join(tmpdir(), "mw-sec-"));
  const store = new SqliteStore({ path: join(dir, "p.db") });
  await store.init();
  const web = join(dir, "web");
  (await import("node:fs")).mkdirSync(web);
  (await import("node:fs")).writeFileSync(join(web, "index.html"), "<!doctype html><title>x</title>");
  const app = await buildApp({ registry: fx.registry, store, webDir: web });
  try {
    const r = await app.inject({ url: "/", headers: { origin: "https://evil.example" } });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers["content-security-policy"]), /default-src 'self'/);
    assert.equal(r.headers["x-frame-options"], "DENY");
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    assert.equal(r.headers["access-control-allow-origin"], undefined);
    const api = await app.inject({
      method: "POST",
      url: "/v1/predict",
      payload: READING,
      headers: { origin: "https://evil.example" },
    });
    assert.equal(api.headers["access-control-allow-origin"], undefined);
  } finally {
    await app.close();
    await store.close();
    fx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

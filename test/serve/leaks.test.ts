// Issue 18 item 13: no absolute paths in answers, security headers on the report, /docs and JSON,
// problem+json for URLs Fastify cannot route, formula-safe CSV exports, a private prediction log.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { formatCsv } from "../../src/data/csv.js";
import { redactPaths } from "../../src/serve/problem.js";
import { privateDatabase } from "../../src/serve/server.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { runCli } from "../helpers/cli.js";
import { READING, type TrainedFixture } from "../helpers/model.js";
import { startAi4iApp } from "../helpers/ai4i-app.js";

describe("what answers give away", () => {
  let fx: TrainedFixture;
  let app: FastifyInstance;
  let close: () => Promise<void>;

  before(async () => {
    ({ fx, app, close } = await startAi4iApp({ machines: 4, days: 6 }, () => ({ tokens: { admin: "a" } })));
  });
  after(() => close());

  test("unauthenticated 404s and 500s carry no absolute path", async () => {
    for (const url of [
      "/v1/models/9.9.9/report",
      "/v1/models/latest-and-greatest/report",
      "/v2/models/x/versions/9.9.9",
    ]) {
      const res = await app.inject(url);
      assert.equal(res.statusCode, 404, url);
      assert.ok(!res.body.includes(fx.registry.dir), `${url}: ${res.body}`);
      assert.ok(!res.body.includes(tmpdir()), `${url}: ${res.body}`);
    }
    const res = await app.inject("/v1/models/9.9.9/report");
    assert.match(res.json().detail, /not found in the registry/);
  });

  test("redactPaths: roots become words, other absolute paths keep two segments, API paths stay", () => {
    const roots = [{ dir: "/srv/mw/models", name: "the registry" }];
    assert.equal(redactPaths("x not found in /srv/mw/models", roots), "x not found in the registry");
    assert.equal(
      redactPaths("/etc/mw/technicians.yaml: technicians file not found"),
      "…/mw/technicians.yaml: technicians file not found",
    );
    assert.equal(redactPaths("cannot read '/var/lib/millwright/p.db'"), "cannot read '…/millwright/p.db'");
    assert.equal(redactPaths("no such endpoint: GET /v1/models/x/y"), "no such endpoint: GET /v1/models/x/y");
    assert.equal(redactPaths("body[3].torque: 1/2 is odd"), "body[3].torque: 1/2 is odd");
  });

  test("the model report: CSP, nosniff, no framing", async () => {
    const res = await app.inject(`/v1/models/${fx.version}/report`);
    assert.equal(res.statusCode, 200);
    const csp = String(res.headers["content-security-policy"]);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /script-src/);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.equal(res.headers["x-frame-options"], "DENY");
    assert.doesNotMatch(res.body, /<script/i, "the report needs no script, so none is allowed");
  });

  test("/docs, JSON answers and problems are nosniff", async () => {
    for (const url of ["/docs/", "/docs/json", "/v1/model", "/v2/health/live", "/v1/nothing", "/metrics"]) {
      const res = await app.inject(url);
      assert.equal(res.headers["x-content-type-options"], "nosniff", url);
    }
    const p = await app.inject({ method: "POST", url: "/v1/predict", payload: READING });
    assert.equal(p.headers["x-content-type-options"], "nosniff");
  });

  test("GET /% and an over-long parameter answer problem+json", async () => {
    const bad = await app.inject("/%");
    assert.equal(bad.statusCode, 400);
    assert.match(String(bad.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(bad.json().code, "MW_BAD_INPUT");
    assert.equal(bad.headers["x-content-type-options"], "nosniff");
    const long = await app.inject(`/v1/machines/${"m".repeat(500)}`);
    assert.equal(long.statusCode, 404);
    assert.match(String(long.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(long.json().code, "MW_NOT_FOUND");
  });
});

test("CSV for people: text cells that start like a formula get an apostrophe (OWASP)", () => {
  const csv = formatCsv(
    ["machine_id", "torque"],
    [
      ['=HYPERLINK("http://evil.example","x")', -5],
      ["@SUM(1+1)", 1],
      ["+1", 2],
      ["-1", 3],
      ["\tx", 4],
      ["\rx", 5],
      ["M01", 6],
    ],
    { formulaSafe: true },
  );
  assert.deepEqual(csv.split("\n"), [
    "machine_id,torque",
    `"'=HYPERLINK(""http://evil.example"",""x"")",-5`,
    "'@SUM(1+1),1",
    "'+1,2",
    "'-1,3",
    "'\tx,4",
    `"'\rx",5`,
    "M01,6",
    "",
  ]);
  // Data files Millwright reads back are written as they are.
  assert.equal(formatCsv(["a"], [["=1"]]), "a\n=1\n");
});

test("predictions export defuses formula cells end to end", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-export-"));
  try {
    const store = new SqliteStore({ path: join(dir, "predictions.db") });
    await store.init();
    const reading = {
      ...READING,
      machine_id: '=HYPERLINK("http://evil.example")',
      machine_model: "@SUM(1+1)",
    };
    await store.logPredictions([
      {
        id: "p1",
        requestId: "r1",
        modelName: "m",
        modelVersion: "1.0.0",
        predictedAt: Date.parse("2026-11-27T08:00:00Z"),
        reading: reading as never,
        failureProbability: 0.1,
        failurePredicted: false,
        modes: {},
      },
    ]);
    await store.close();
    const out = join(dir, "export.csv");
    const r = await runCli(["predictions", "export", "--out", out], { env: { MILLWRIGHT_DATA_DIR: dir } });
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(out, "utf8");
    assert.ok(text.includes(`"'=HYPERLINK(""http://evil.example"")"`), text);
    assert.ok(text.includes("'@SUM(1+1)"), text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the prediction log and its -wal/-shm files are 0600", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-mode-"));
  try {
    const path = join(dir, "predictions.db");
    privateDatabase(path);
    const store = new SqliteStore({ path });
    await store.init();
    await store.logPredictions([
      {
        id: "p1",
        requestId: "r1",
        modelName: "m",
        modelVersion: "1.0.0",
        predictedAt: Date.now(),
        reading: READING as never,
        failureProbability: 0.1,
        failurePredicted: false,
        modes: {},
      },
    ]);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    await store.close();
    // A log left world-readable by an older version is tightened at the next start.
    writeFileSync(`${path}-wal`, "");
    chmodSync(path, 0o644);
    chmodSync(`${path}-wal`, 0o644);
    privateDatabase(path);
    for (const f of [path, `${path}-wal`]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Issue 18 item 13: no absolute paths in answers, security headers on the report, /docs and JSON,
// problem+json for URLs Fastify cannot route, formula-safe CSV, a private history log. On the server
// `millwright serve` starts for the AI4I example (the contract server; issue 15 retired the AI4I app).
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { formatCsv } from "../../src/data/csv.js";
import { redactPaths } from "../../src/serve/problem.js";
import { AI4I_READING, startAi4iContractApp } from "../helpers/ai4i-contract.js";

const READING = AI4I_READING;

describe("what answers give away", () => {
  let dir: string;
  let app: FastifyInstance;
  let close: () => Promise<void>;

  before(async () => {
    ({ dir, app, close } = await startAi4iContractApp("mw-leaks-"));
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
      assert.ok(!res.body.includes(dir), `${url}: ${res.body}`);
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
    const res = await app.inject("/v1/models/1.0.0/report");
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
    assert.equal(p.statusCode, 200, p.body);
    assert.equal(p.headers["x-content-type-options"], "nosniff");
  });

  test("the history log and its -wal/-shm files are 0600", async () => {
    const p = await app.inject({ method: "POST", url: "/v1/predict", payload: { ...READING, timestamp: 2 } });
    assert.equal(p.statusCode, 200, p.body);
    const path = join(dir, "data", "history-ai4i-2020.db");
    for (const f of [path, `${path}-wal`, `${path}-shm`]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
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

// Issue 18 items 1 and 14: strings bounded before they are built, limits that agree, real ISO 8601
// timestamps, and server timeouts. Each test reproduces the probe from the issue. On the server
// `millwright serve` starts for the AI4I example (the contract server; issue 15 retired the AI4I app).
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { isDateTime, MAX_ID_LENGTH } from "../../src/core/limits.js";
import { AI4I_READING, startAi4iContractApp } from "../helpers/ai4i-contract.js";

const READING = AI4I_READING;

describe("request limits", () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;

  before(async () => {
    ({ app, close } = await startAi4iContractApp("mw-limits-", { MILLWRIGHT_MAX_BATCH: "100" }));
  });
  after(() => close());

  const post = (url: string, payload: string) =>
    app.inject({ method: "POST", url, payload, headers: { "content-type": "application/json" } });

  test("the same over HTTP: a short 400 for the batch and the object, quickly", async () => {
    for (const body of [
      [{ ...READING, machine_id: "x".repeat(15_000_000) }],
      { ...READING, machine_id: "x".repeat(15_000_000) },
      { ...READING, type: "L".repeat(15_000_000) },
      { ...READING, ["k".repeat(15_000_000)]: 1 },
    ]) {
      const t0 = performance.now();
      const res = await post("/v1/predict", JSON.stringify(body));
      const ms = performance.now() - t0;
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, "MW_VALIDATION");
      assert.ok(res.body.length < 1000, `the answer echoes the field: ${res.body.length} bytes`);
      assert.ok(ms < 10_000, `${ms.toFixed(0)} ms`); // a sanity bound
    }
  });

  test("a counter timestamp that is not a whole number is refused on both paths, naming the field", async () => {
    for (const ts of ["1", 1.5, "tomorrow", null]) {
      const one = await post("/v1/predict", JSON.stringify({ ...READING, timestamp: ts }));
      assert.equal(one.statusCode, 400, `${ts}: ${one.body}`);
      assert.match(one.json().field, /timestamp$/);
      const many = await post("/v1/predict", JSON.stringify([READING, { ...READING, timestamp: ts }]));
      assert.equal(many.statusCode, 400, String(ts));
      assert.match(many.json().field, /\[1\]\.timestamp$/);
    }
  });

  test("isDateTime: RFC 3339 date-times, nothing else", () => {
    assert.ok(isDateTime("2026-11-27T08:00:00Z"));
    assert.ok(isDateTime("2026-11-27t08:00:00.123456789z"));
    assert.ok(isDateTime("2000-02-29T00:00:00+14:00"));
    for (const s of [
      "1",
      "2026-11-27",
      "2026-11-27T08:00:00",
      "2026-13-01T00:00:00Z",
      "1900-02-29T00:00:00Z",
      "2026-11-27T24:00:00Z",
      "2026-11-27T08:00:00.Z",
      "2026-11-27T08:00:00.1234567890Z",
      "2026-11-27T08:00:00+0100",
      "2026-11-27T08:00:00Z ",
      "２026-11-27T08:00:00Z",
    ])
      assert.equal(isDateTime(s), false, s);
  });

  test(`a machine_id of ${MAX_ID_LENGTH} characters can be looked up; one longer is refused`, async () => {
    const id = "m".repeat(MAX_ID_LENGTH);
    const ok = await post("/v1/predict", JSON.stringify({ ...READING, machine_id: id, timestamp: 5 }));
    assert.equal(ok.statusCode, 200, ok.body);
    const got = await app.inject({ method: "GET", url: `/v1/machines/${id}` });
    assert.equal(got.statusCode, 200, got.body);
    assert.equal(got.json().machine_id, id);
    const long = await post("/v1/predict", JSON.stringify({ ...READING, machine_id: `${id}m` }));
    assert.equal(long.statusCode, 400);
    assert.match(long.json().field, /machine_id$/);
  });
});

describe("server timeouts", () => {
  test("a body sent slowly and headers never finished are cut off (408), not held forever", async () => {
    const { url, close } = await startAi4iContractApp("mw-timeouts-", {}, (cfg) => {
      cfg.timeouts = { requestMs: 800, headersMs: 400, checkIntervalMs: 100 };
    });
    try {
      const port = Number(new URL(url).port);
      const hold = (first: string) =>
        new Promise<{ answer: string; ms: number }>((resolve, reject) => {
          const t0 = performance.now();
          const sock = connect(port, "127.0.0.1", () => sock.write(first));
          let answer = "";
          sock.on("data", (d) => {
            answer += d.toString();
          });
          sock.on("error", reject);
          sock.on("close", () => resolve({ answer, ms: performance.now() - t0 }));
          // A byte now and then: without a request timeout this socket would stay open for good.
          const drip = setInterval(() => sock.writable && sock.write("a"), 50);
          sock.on("close", () => clearInterval(drip));
          setTimeout(() => sock.destroy(new Error("still open after 10 s")), 10_000).unref();
        });
      const slowBody = await hold(
        "POST /v1/predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n[",
      );
      assert.match(slowBody.answer, /^HTTP\/1\.1 408/);
      // problem+json with a code, as every other answer (trial 6: it was Node's own JSON).
      assert.match(slowBody.answer, /\r\nContent-Type: application\/problem\+json\r\n/i);
      const problem = JSON.parse(slowBody.answer.slice(slowBody.answer.indexOf("\r\n\r\n") + 4));
      assert.equal(problem.code, "MW_REQUEST_TIMEOUT");
      assert.equal(problem.status, 408);
      assert.ok(slowBody.ms < 5000, `${slowBody.ms} ms`);
      const slowHeaders = await hold("GET /v2/health/live HTTP/1.1\r\nhost: x\r\nx-slow: ");
      // 408 when the timeout is what ends it; once, on a loaded machine, Node's parser ended it with
      // a 400 first. Either way the socket is answered and closed, not held.
      assert.match(slowHeaders.answer, /^HTTP\/1\.1 4\d\d/);
      assert.ok(slowHeaders.ms < 5000, `${slowHeaders.ms} ms`);
    } finally {
      await close();
    }
  });
});

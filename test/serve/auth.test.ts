// Issue 18 item 12: the token is checked before the body is parsed, failures are limited per client
// across routes, a correct token is never locked out, and a 401 says which scheme it wants. On the
// server `millwright serve` starts for the AI4I example (the contract server; the AI4I app these
// tests ran on first is retired, issue 15).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { AuthFailures } from "../../src/serve/auth-gate.js";
import { AI4I_TOKENS as TOKENS, startAi4iContractApp } from "../helpers/ai4i-contract.js";

describe("authentication", () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  /** The server's warn lines. */
  const logged: string[] = [];

  before(async () => {
    ({ app, close } = await startAi4iContractApp(
      "mw-auth-",
      { MILLWRIGHT_AUTH_RATE_LIMIT_PER_MIN: "20" },
      () => {},
      { level: "warn", stream: { write: (line: string) => logged.push(line) } },
    ));
  });
  after(() => close());

  const post = (url: string, payload: string, token?: string, ip = "10.0.0.1") =>
    app.inject({
      method: "POST",
      url,
      payload,
      remoteAddress: ip,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

  test("an unauthenticated 16 MB body that is not JSON gets 401, not a parse error", async () => {
    const junk = `{${"x".repeat(16 * 1024 * 1024 - 100)}`;
    for (const url of [
      "/v1/feedback",
      "/v1/events",
      "/v1/admin/reload",
      "/v1/hooks/alertmanager",
      "/v1/models/1.0.0/promote",
    ]) {
      const t0 = performance.now();
      const res = await post(url, junk, undefined, "10.0.0.9");
      assert.equal(res.statusCode, 401, `${url}: ${res.body.slice(0, 200)}`);
      assert.equal(res.json().code, "MW_UNAUTHORIZED");
      assert.match(String(res.headers["www-authenticate"]), /^Bearer realm="millwright"/);
      assert.ok(performance.now() - t0 < 10_000); // a sanity bound: the 401-before-400 above is the test
    }
    // Authenticated, the same body is parsed and refused as what it is.
    const res = await post("/v1/feedback", junk, TOKENS.feedback, "10.0.0.9");
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, "MW_INVALID_JSON");
  });

  test("every route the docs mark as needing a token refuses a missing or wrong one: the gate is its only check", async () => {
    // The handlers no longer check the token again, so without the gate every one of these would
    // act on the request: the list comes from the OpenAPI document (tokenRoute sets both).
    const doc = (await app.inject("/docs/json")).json() as { paths: Record<string, Record<string, object>> };
    const secured = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => "security" in op)
        .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{\w+\}/g, "x")}`),
    );
    for (const route of [
      "POST /v1/feedback",
      "POST /v1/events",
      "POST /v1/models/x/promote",
      "POST /v1/admin/reload",
      "POST /v1/models/rollback",
      "POST /v1/models/shadow",
      "DELETE /v1/models/shadow",
      "POST /v1/monitor/run",
      "PUT /v1/machines/x",
      "POST /v1/retrain",
      "POST /v1/hooks/alertmanager",
      "POST /v1/plan",
      "POST /v1/plan/tasks/x/done",
      "POST /v1/plan/tasks/x/skipped",
      "PUT /v1/plan/technicians",
      "PUT /v1/plan/costs",
    ])
      assert.ok(secured.includes(route), `${route} is not marked as needing a token`);
    for (const [i, route] of secured.entries()) {
      const [method, url] = route.split(" ") as ["POST", string];
      for (const token of [undefined, "guess"]) {
        const res = await app.inject({
          method,
          url,
          payload: "{}",
          remoteAddress: `10.0.1.${i}`,
          headers: {
            "content-type": "application/json",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        });
        assert.equal(res.statusCode, 401, `${route} with ${token ?? "no"} token: ${res.body.slice(0, 200)}`);
      }
    }
  });

  test("failures count per client over all routes; a correct token still passes; other clients are not affected", async () => {
    const codes: number[] = [];
    // The plan's routes too: their own check once let a guesser try there without limit (session 21).
    const routes = [
      "/v1/admin/reload",
      "/v1/feedback",
      "/v1/hooks/alertmanager",
      "/v1/monitor/run",
      "/v1/plan",
      "/v1/plan/tasks/x/done",
    ];
    for (let i = 0; i < 600; i++)
      codes.push((await post(routes[i % routes.length], "{}", "guess", "10.0.0.2")).statusCode);
    assert.deepEqual(codes.slice(0, 20), new Array(20).fill(401));
    assert.ok(
      codes.slice(20).every((c) => c === 429),
      "after 20 failures on any route: 429",
    );
    // Each counted failure is logged (trial 8: none was), the 429s past the limit are not: 20 lines
    // for 600 guesses, so a guesser cannot flood the log.
    const warned = logged
      .map(
        (l) =>
          JSON.parse(l) as { msg: string; client?: string; token?: string; url?: string; reqId?: string },
      )
      .filter((l) => l.msg === "a missing or wrong token" && l.client === "10.0.0.2");
    assert.equal(warned.length, 20, JSON.stringify(warned.slice(0, 2)));
    assert.deepEqual(
      new Set(warned.map((l) => l.url)),
      new Set(routes),
      "every route's failures are logged with the route",
    );
    assert.ok(!JSON.stringify(warned).includes("guess"), "the token itself is never logged");
    // No child logger per request (a cost on every request): the line names its request itself.
    assert.equal(
      new Set(warned.map((l) => l.reqId)).size,
      20,
      `each line names its own request: ${JSON.stringify(warned.slice(0, 2).map((l) => l.reqId))}`,
    );
    assert.ok(warned.every((l) => typeof l.reqId === "string" && l.reqId.length > 0));
    const limited = await post("/v1/feedback", "{}", "guess", "10.0.0.2");
    assert.equal(limited.json().code, "MW_RATE_LIMITED");
    assert.ok(Number(limited.headers["retry-after"]) >= 1);
    // The right token from the same address is never locked out, on any route.
    const ok = await post(
      "/v1/admin/reload",
      JSON.stringify({ model: "champion" }),
      TOKENS.admin,
      "10.0.0.2",
    );
    assert.equal(ok.statusCode, 200, ok.body);
    const fb = await post(
      "/v1/feedback",
      JSON.stringify({ prediction_id: "nope", machine_failure: 0 }),
      TOKENS.feedback,
      "10.0.0.2",
    );
    assert.equal(fb.statusCode, 404, "authenticated: answered on its merits");
    // Another address still gets a plain 401 for a wrong token.
    assert.equal((await post("/v1/admin/reload", "{}", "guess", "10.0.0.3")).statusCode, 401);
  });

  test("the failure window: fixed one-minute windows, bounded in clients", () => {
    let now = 0;
    const f = new AuthFailures(3, 2, () => now);
    for (let i = 0; i < 3; i++) f.fail("a");
    assert.equal(f.blockedFor("a"), 60);
    now = 30_000;
    assert.equal(f.blockedFor("a"), 30);
    now = 60_000;
    assert.equal(f.blockedFor("a"), 0);
    f.fail("b");
    f.fail("c");
    f.fail("d"); // over two clients: the oldest entry goes
    assert.equal(f.blockedFor("b"), 0);
  });
});

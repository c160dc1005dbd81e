// Issue 18 item 2: unauthenticated requests must neither block the event loop (explanations) nor
// change what everyone sees (made-up machines on the board and in the plan, re-planning).
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { planRoutes } from "../../src/serve/routes/plan.js";
import { READING } from "../helpers/model.js";
import { startAi4iApp } from "../helpers/ai4i-app.js";

const ADMIN = "admin-secret";
const REAL = Array.from({ length: 12 }, (_, i) => `M${String(i + 1).padStart(2, "0")}`);

describe("shared state and the event loop", () => {
  let app: FastifyInstance;
  let dir: string;
  let close: () => Promise<void>;

  const post = (url: string, body: unknown, token?: string) =>
    app.inject({
      method: "POST",
      url,
      payload: JSON.stringify(body),
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

  before(async () => {
    ({ app, dir, close } = await startAi4iApp({ machines: 6, days: 8 }, (dir) => ({
      tokens: { admin: ADMIN },
      knownMachines: REAL.map((machine_id) => ({ machine_id, machine_model: "Haas VF-2" })),
      machinesFile: join(dir, "machines.json"),
      // A stopped clock: the budget never refills here, whatever the machine's load.
      explain: { maxPerRequest: 100, perSecond: 150, clock: () => 0 },
      plugins: [(a, ctx) => void planRoutes(a, ctx)],
    })));
    const res = await post(
      "/v1/predict",
      REAL.map((machine_id, i) => ({ ...READING, machine_id, tool_wear: 20 * i })),
    );
    assert.equal(res.statusCode, 200, res.body);
  });
  after(() => close());

  const board = async (query = "") => {
    const res = await app.inject(`/v1/fleet${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  test("1,000 made-up machine_ids are answered but never push a real machine off the board", async () => {
    const fake = Array.from({ length: 1000 }, (_, i) => ({ ...READING, machine_id: `fake-${i}` }));
    const res = await post("/v1/predict", fake);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().predictions.length, 1000);
    const all = await board("?limit=200");
    assert.deepEqual(
      all.machines.map((m: { machine_id: string }) => m.machine_id),
      REAL,
    );
    assert.equal(all.total, 12);
    assert.equal(all.next_cursor, null);
    assert.ok(all.unregistered.recent <= 100);
    // An unknown machine is still answered and can be looked at, but it is not planned.
    assert.equal((await app.inject("/v1/machines/fake-999")).json().registered, false);
  });

  test("GET /v1/fleet is paged by cursor; bad paging is a 400", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await board(`?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      assert.ok(page.machines.length <= 5);
      seen.push(...page.machines.map((m: { machine_id: string }) => m.machine_id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, REAL);
    for (const q of ["?limit=0", "?limit=201", "?limit=x", `?cursor=${"c".repeat(200)}`]) {
      const res = await app.inject(`/v1/fleet${q}`);
      assert.equal(res.statusCode, 400, q);
      assert.equal(res.json().code, "MW_VALIDATION");
    }
  });

  test("explain=true: 10,000 readings are refused at once (413) and liveness stays fast", async () => {
    const many = new Array(10_000).fill(READING);
    // The loop's longest stall while the request is handled: ~9 s when all 10,000 were explained.
    let last = performance.now();
    let stall = 0;
    const tick = setInterval(() => {
      const t = performance.now();
      stall = Math.max(stall, t - last);
      last = t;
    }, 5);
    const slow = post("/v1/predict?explain=true", many);
    const t0 = performance.now();
    const live = await app.inject("/v2/health/live");
    const liveMs = performance.now() - t0;
    const res = await slow;
    await new Promise((r) => setTimeout(r, 30));
    clearInterval(tick);
    // Bounds with room for a loaded machine (load 16 on 2 cores was seen): the old code took 11.7 s.
    assert.ok(stall < 4000, `the event loop stalled ${stall.toFixed(0)} ms`);
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().code, "MW_BATCH_TOO_LARGE");
    assert.match(res.json().detail, /explain/);
    assert.equal(live.statusCode, 200);
    assert.ok(liveMs < 4000, `liveness took ${liveMs.toFixed(0)} ms`);
    const ok = await post("/v1/predict?explain=true", new Array(100).fill(READING));
    assert.equal(ok.statusCode, 200);
    // The budget (150 a second here) is shared: a second 100 right away waits.
    const again = await post("/v1/predict?explain=true", new Array(100).fill(READING));
    assert.equal(again.statusCode, 429);
    assert.equal(again.json().code, "MW_RATE_LIMITED");
    assert.ok(Number(again.headers["retry-after"]) >= 1);
    // Without explain the same batch is never limited.
    assert.equal((await post("/v1/predict", new Array(100).fill(READING))).statusCode, 200);
  });

  test("machines are registered and removed by the admin, and kept in machines.json (0600)", async () => {
    assert.equal((await post("/v1/machines", { machine_id: "NEW-1" })).statusCode, 401);
    const bad = await post("/v1/machines", [{ machine_id: "" }], ADMIN);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, "body[0].machine_id");
    assert.equal((await post("/v1/predict", { ...READING, machine_id: "NEW-1" })).statusCode, 200);
    assert.equal((await board()).total, 12, "not on the board before it is registered");
    const reg = await post(
      "/v1/machines",
      { machines: [{ machine_id: "NEW-1", machine_model: "Mazak" }] },
      ADMIN,
    );
    assert.equal(reg.statusCode, 200, reg.body);
    assert.equal(reg.json().new, 1);
    assert.equal((await post("/v1/predict", { ...READING, machine_id: "NEW-1" })).statusCode, 200);
    const withNew = await board();
    assert.equal(withNew.total, 13);
    const one = (await app.inject("/v1/machines/NEW-1")).json();
    assert.equal(one.registered, true);
    assert.equal(one.history.length, 2, "what it sent before registration came along");
    const file = join(dir, "machines.json");
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o077, 0);
    assert.ok(
      JSON.parse(readFileSync(file, "utf8")).machines.some(
        (m: { machine_id: string }) => m.machine_id === "NEW-1",
      ),
    );
    const listed = (await app.inject("/v1/machines?limit=200")).json();
    assert.equal(listed.total, 13);
    const del = await app.inject({
      method: "DELETE",
      url: "/v1/machines/NEW-1",
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.equal(del.statusCode, 200, del.body);
    assert.equal((await board()).total, 12);
    assert.equal((await app.inject({ method: "DELETE", url: "/v1/machines/NEW-1" })).statusCode, 401);
  });
  // Last: the planner's solve leaves work behind (~1.6 s of it after the answer, measured here)
  // that would count as the explain test's stall.
  test("POST /v1/plan needs the admin token; the plan covers only known machines", async () => {
    const anon = await post("/v1/plan", { horizon_shifts: 1, cost_per_hour: 0 });
    assert.equal(anon.statusCode, 401);
    assert.equal(anon.json().code, "MW_UNAUTHORIZED");
    const wrong = await post("/v1/plan", { horizon_shifts: 1 }, "guess");
    assert.equal(wrong.statusCode, 401);
    const ok = await post("/v1/plan", { horizon_shifts: 3 }, ADMIN);
    assert.equal(ok.statusCode, 200, ok.body);
    for (const t of ok.json().tasks as { machine_id: string }[]) assert.ok(REAL.includes(t.machine_id));
  });
});

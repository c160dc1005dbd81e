// The live AI4I simulator on a data-contract server (up --fleet ai4i-contract --simulate, in
// process): a real contract server on 127.0.0.1 with its SQLite history, the AI4I contract trained
// here, the simulator posting readings in the contract's names and the ground truth by prediction
// id. A scenario switched over HTTP (GET /v1/sim, POST /v1/sim/scenario: the AI4I app's shapes and
// auth) drifts the readings the server's monitor sees; the labels give realised quality; a bad
// scenario is a 400 naming it; a server without a simulator has neither route (404, problem body).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadContract } from "../../src/contract/load.js";
import { MillwrightError } from "../../src/core/errors.js";
import { contractWire } from "../../src/sim/contract-wire.js";
import {
  AI4I_MACHINES,
  AI4I_TOKENS,
  type Ai4iContractServed,
  ai4iContractShop,
  removeShop,
  serveAi4iContract,
} from "../helpers/ai4i-contract.js";
import { jsonClient } from "../helpers/http.js";

interface Feature {
  feature: string;
  drifted: boolean;
  score: number;
  threshold: number;
}
interface Report {
  current_rows: number;
  drift_window: { rows: number; full: boolean } | null;
  drift: { dataset_drift: boolean; features: Feature[] } | null;
  quality: { n: number; positives: number; f1: number | null };
}
interface Sim {
  running: boolean;
  scenario: string | null;
  clock: { shop_time: string | null; speedup: number } | null;
  stats: { sent: number; labelled: number; errors: number; dropped: number; pending: number } | null;
  scenarios: { name: string; description: string }[];
}

let shop: { dir: string; registryDir: string } | undefined;
let live: Ai4iContractServed | undefined;
before(async () => {
  shop = ai4iContractShop("mw-ai4i-contract-");
  live = await serveAi4iContract(shop, { dataDir: "live", simulate: true });
});
after(async () => {
  await live?.close();
  removeShop(shop);
});

const call = jsonClient(() => live?.url ?? "");
const sim = async () => (await call("GET", "/v1/sim")).body as Sim;
const monitor = async () => (await call("GET", "/v1/monitor")).body as Report;
const air = (r: Report) => r.drift?.features.find((f) => f.feature === "air_temperature");

/** Waits until the simulator has had `n` readings answered (a tick is 24 readings). */
async function sentAtLeast(n: number): Promise<Sim> {
  for (let i = 0; i < 1200; i++) {
    const s = await sim();
    if ((s.stats?.sent ?? 0) >= n) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${n} readings sent: ${JSON.stringify((await sim()).stats)}`);
}

describe("the live AI4I simulator on a contract server", { timeout: 180_000 }, () => {
  test("GET /v1/sim: running, the scenarios, and the server says it in its /v2 metadata", async () => {
    const s = await sim();
    assert.equal(s.running, true);
    assert.equal(s.scenario, null);
    assert.deepEqual(
      s.scenarios.map((x) => x.name),
      ["hot-summer", "new-tool-supplier", "heavy-load", "new-machine-model"],
    );
    const meta = (await call("GET", "/v2")).body as { extensions: string[] };
    assert.deepEqual(meta.extensions, ["data-contract", "live-simulation"]);
  });

  test("hot-summer switched over HTTP drifts the readings the monitor sees; labels give realised quality", async () => {
    // A full window of baseline readings (5,000 on a counter contract): air temperature is calm.
    await sentAtLeast(5_200);
    const calm = await monitor();
    assert.equal(calm.drift_window?.full, true, JSON.stringify(calm.drift_window));
    assert.equal(air(calm)?.drifted, false, JSON.stringify(air(calm)));
    const sw = await call("POST", "/v1/sim/scenario", { scenario: "hot-summer" }, AI4I_TOKENS.admin);
    assert.equal(sw.status, 200, JSON.stringify(sw.body));
    assert.deepEqual(sw.body, { scenario: "hot-summer" });
    const switchedAt = (await sim()).stats?.sent ?? 0;
    assert.equal((await sim()).scenario, "hot-summer", "GET /v1/sim shows the switched scenario");
    // A window of readings after the switch (and a tick in flight): ambient +6 K shows as drift.
    await sentAtLeast(switchedAt + 5_000 + 2 * AI4I_MACHINES);
    const hot = await monitor();
    assert.equal(air(hot)?.drifted, true, JSON.stringify(air(hot)));
    assert.equal(hot.drift?.dataset_drift, true, JSON.stringify(hot.drift?.features));
    // The ground truth went through POST /v1/feedback by prediction id, every label taken.
    assert.ok(hot.quality.n > 0, JSON.stringify(hot.quality));
    const s = await sim();
    assert.ok((s.stats?.labelled ?? 0) > 0, JSON.stringify(s.stats));
    assert.equal(s.stats?.errors, 0, "no request refused (no undeclared field such as rnf)");
    assert.equal(s.stats?.dropped, 0, JSON.stringify(s.stats));
  });

  test("an unknown scenario is a 400 naming it; the switch needs the admin token; null switches it off", async () => {
    const bad = await call("POST", "/v1/sim/scenario", { scenario: "monsoon" }, AI4I_TOKENS.admin);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "MW_VALIDATION");
    assert.match(bad.body.detail, /body\.scenario: unknown 'monsoon'; one of hot-summer, /);
    const anon = await call("POST", "/v1/sim/scenario", { scenario: null });
    assert.equal(anon.status, 401, JSON.stringify(anon.body));
    const wrong = await call("POST", "/v1/sim/scenario", { scenario: null }, AI4I_TOKENS.feedback);
    assert.equal(wrong.status, 401, JSON.stringify(wrong.body));
    const off = await call("POST", "/v1/sim/scenario", { scenario: null }, AI4I_TOKENS.admin);
    assert.equal(off.status, 200);
    assert.equal((await sim()).scenario, null);
  });

  test("a contract server started without a simulator: both routes are 404 with a problem body", async () => {
    const bare = await serveAi4iContract(shop as { dir: string; registryDir: string }, {
      dataDir: "bare",
      simulate: false,
    });
    try {
      for (const [method, body] of [
        ["GET", undefined],
        ["POST", { scenario: "hot-summer" }],
      ] as const) {
        const path = method === "GET" ? "/v1/sim" : "/v1/sim/scenario";
        const r = await fetch(`${bare.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${AI4I_TOKENS.admin}`,
            ...(body ? { "content-type": "application/json" } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.match(r.headers.get("content-type") ?? "", /application\/problem\+json/);
        const p = (await r.json()) as { code: string; detail: string };
        assert.equal(p.code, "MW_NOT_FOUND");
        assert.match(p.detail, new RegExp(`${method} ${path}`));
      }
      const meta = (await (await fetch(`${bare.url}/v2`)).json()) as { extensions: string[] };
      assert.deepEqual(meta.extensions, ["data-contract"], "the dashboard asks it for no /v1/sim");
    } finally {
      await bare.close();
    }
  });

  test("the simulator refuses a contract it cannot feed, naming why", () => {
    const { contract } = loadContract("examples/contracts/historian.yaml");
    assert.throws(
      () => contractWire(contract),
      (e: unknown) =>
        e instanceof MillwrightError &&
        e.code === "MW_CONFIG" &&
        /cannot feed contract 'historian-fleet': it reads spindle_speed/.test(e.message),
    );
  });
});

// Issue 18, item 8: after 408 alerts the retraining history still shows the decision (first), and
// the rest pages; the same through `millwright retrain history`. A real SQLite file, a real CLI.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { buildApp } from "../../src/serve/app.js";
import { monitorRoutes } from "../../src/serve/routes/monitor.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { runCli } from "../helpers/cli.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";

describe("retraining history after an alert storm", () => {
  let fx: TrainedFixture;
  let dataDir: string;
  before(async () => {
    fx = trainedRegistry({ machines: 6, days: 8 });
    dataDir = mkdtempSync(join(tmpdir(), "mw-hist-"));
    const store = new SqliteStore({ path: join(dataDir, "predictions.db"), writerThread: true });
    await store.init();
    const t0 = Date.UTC(2026, 11, 1);
    await store.appendAudit({
      at: t0,
      kind: "alert",
      payload: { alertname: "MillwrightQualityLow", status: "firing" },
    });
    await store.appendAudit({
      at: t0 + 1,
      kind: "trigger",
      payload: { source: "alertmanager", alertname: "MillwrightQualityLow" },
    });
    await store.appendAudit({
      at: t0 + 60_000,
      kind: "decision",
      payload: { verdict: "promoted", reason: "challenger wins" },
    });
    await store.appendAudit({ at: t0 + 60_001, kind: "promotion", payload: { from: "1.0.0", to: "1.1.0" } });
    for (let i = 0; i < 408; i++)
      await store.appendAudit({
        at: t0 + 70_000 + i,
        kind: "alert",
        payload: { alertname: "MillwrightQualityLow", status: "firing" },
      });
    await store.close();
  });
  after(() => {
    fx.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("GET /v1/retrain/history: the decision first, every event reachable by paging", async () => {
    const store = new SqliteStore({ path: join(dataDir, "predictions.db") });
    await store.init();
    const app = await buildApp({ registry: fx.registry, store, plugins: [monitorRoutes(null, null)] });
    try {
      const h = (await app.inject({ url: "/v1/retrain/history" })).json();
      assert.equal(h.running, false);
      assert.deepEqual(Object.keys(h).slice(0, 2), ["running", "decisions"]);
      assert.equal(h.decisions[0].payload.verdict, "promoted");
      assert.deepEqual(
        h.events.map((e: { kind: string }) => e.kind),
        ["promotion", "decision", "trigger"],
      );
      assert.equal(h.next, null);
      const kinds: string[] = [];
      let before: number | null = null;
      do {
        const page: { events: { kind: string }[]; next: number | null } = (
          await app.inject({
            url: `/v1/retrain/history?limit=100&alerts=true${before ? `&before=${before}` : ""}`,
          })
        ).json();
        kinds.push(...page.events.map((e: { kind: string }) => e.kind));
        before = page.next;
      } while (before !== null);
      assert.equal(kinds.length, 412);
      assert.equal(kinds.filter((k) => k === "alert").length, 409);
      const bad = await app.inject({ url: "/v1/retrain/history?limit=0" });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().code, "MW_VALIDATION");
    } finally {
      await app.close();
      await store.close();
    }
  });

  test("millwright retrain history shows the decision first and says how to see older events", async () => {
    const env = { MILLWRIGHT_DATA_DIR: dataDir };
    const r = await runCli(["retrain", "history", "--limit", "2"], { env });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], "latest decisions:");
    assert.match(lines[1], /decision\s+promoted: challenger wins/);
    assert.match(r.stdout, /promotion\s+1\.0\.0 → 1\.1\.0/);
    const older = /older: millwright retrain history --before (\d+)/.exec(r.stdout);
    assert.ok(older, r.stdout);
    const r2 = await runCli(["retrain", "history", "--limit", "2", "--before", older[1], "--json"], { env });
    const page = JSON.parse(r2.stdout) as { events: { kind: string }[]; next: number | null };
    assert.deepEqual(
      page.events.map((e) => e.kind),
      ["trigger"],
    );
    assert.equal(page.next, null);
  });
});

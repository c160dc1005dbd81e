// The monitoring and registry pages a data-contract server serves as the AI4I app did (docs/one-server.md,
// gaps 3–5), on a real server (startContractServer on a port): the monitor's kept history and
// "run now" (admin token; the history outlives a restart, is bounded, and a timer adds to it), a
// version's HTML evaluation report (its numbers the version's metrics, to 1e-9), and the machines
// the server knows.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { MONITOR_HISTORY_KEEP } from "../../../src/core/limits.js";
import { fmt } from "../../../src/evaluate/format.js";
import { averagePrecision } from "../../../src/evaluate/ranking.js";
import { SqliteAuditStore } from "../../../src/serve/contract/audit.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { hourlyReading, machineIds, type TrainedShop, trainedShop } from "../../helpers/contract-served.js";
import { jsonClient } from "../../helpers/http.js";

const ADMIN = "admin-token-for-pages";
let shop: TrainedShop;
let server: Awaited<ReturnType<typeof startContractServer>>;
const call = jsonClient(() => server.url);

const start = (intervalMs = 3_600_000, dataDir = "data") =>
  startContractServer(
    readConfig({
      MILLWRIGHT_REGISTRY: shop.registry.dir,
      MILLWRIGHT_DATA_DIR: join(shop.dir, dataDir),
      MILLWRIGHT_ADMIN_TOKEN: ADMIN,
      MILLWRIGHT_MONITOR_INTERVAL_MS: String(intervalMs),
    }),
    { host: "127.0.0.1", port: 0, logger: false },
  );

before(async () => {
  shop = trainedShop("mw-cpages-");
  server = await start();
});
after(async () => server?.close());

test("GET /v1/machines: the machine table's machines, paged, with make/model and the newest reading's time", async () => {
  const ids = machineIds(12);
  const empty = await call("GET", "/v1/machines");
  assert.equal(empty.status, 200, JSON.stringify(empty.body));
  assert.equal(empty.body.total, 12);
  assert.deepEqual(
    empty.body.machines.map((m: { machine_id: string }) => m.machine_id),
    ids,
  );
  const m1 = empty.body.machines[0];
  assert.equal(m1.machine_model, "Haas VF-2");
  assert.equal(m1.attributes.model, "Haas VF-2");
  assert.equal(m1.registered, true);
  assert.equal(m1.last_reading_at, null, "no reading yet");
  assert.equal(empty.body.next_cursor, null);

  const rows = [0, 1, 2].map((h) => hourlyReading("M03", h));
  assert.equal((await call("POST", "/v1/predict", rows)).status, 200);
  const page = await call("GET", "/v1/machines?limit=5");
  assert.deepEqual(
    page.body.machines.map((m: { machine_id: string }) => m.machine_id),
    ids.slice(0, 5),
  );
  assert.equal(page.body.next_cursor, "M05");
  assert.equal(page.body.machines[2].last_reading_at, rows[2].timestamp);
  assert.match(page.body.machines[2].last_seen, /^\d{4}-\d\d-\d\dT/);
  const last = await call("GET", "/v1/machines?limit=5&cursor=M10");
  assert.deepEqual(
    last.body.machines.map((m: { machine_id: string }) => m.machine_id),
    ["M11", "M12"],
  );
  assert.equal(last.body.next_cursor, null);
  for (const bad of ["limit=0", "limit=201", "limit=x"]) {
    const r = await call("GET", `/v1/machines?${bad}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.body.code, "MW_VALIDATION");
    assert.match(r.body.detail, /querystring\.limit/);
  }
});

test("GET /v1/models/{version}/report: a self-contained page whose numbers are the version's metrics", async () => {
  const v = shop.version;
  const r = await fetch(`${server.url}/v1/models/${v}/report`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(r.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  const html = await r.text();
  assert.doesNotMatch(html, /<script|<link|src=|href=|@import|url\(/i, "nothing fetched, nothing run");
  assert.match(html, new RegExp(`<h1>${shop.contract.name} ${v}: evaluation report</h1>`));
  const created = JSON.parse(
    readFileSync(join(shop.registry.versionDir(v), "lineage.json"), "utf8"),
  ).created_at;
  assert.match(html, new RegExp(`Created ${created} by Millwright`));
  const metrics = JSON.parse(readFileSync(join(shop.registry.versionDir(v), "metrics.json"), "utf8"));
  const main = metrics.heads.machine_failure;
  const shown = (cls: string) => {
    const m = html.match(new RegExp(`class="${cls}"><data value="([^"]+)">([^<]+)</data>`));
    assert.ok(m, `${cls} in the report`);
    return { exact: Number(m[1]), text: m[2] };
  };
  const pr = shown("pr-auc");
  assert.ok(Math.abs(pr.exact - main.pr_auc) < 1e-9, `${pr.exact} vs ${main.pr_auc}`);
  assert.ok(Math.abs(shown("roc-auc").exact - main.roc_auc) < 1e-9);
  // The card shows the same PR-AUC, and the stored test part gives it again.
  const card = readFileSync(join(shop.registry.versionDir(v), "card.md"), "utf8");
  assert.match(
    card,
    new RegExp(
      `\\| machine_failure \\| ${main.n} \\| ${main.positives} \\| ${metrics.test_failures.machine_failure} \\| [\\d.]+ \\| ${pr.text} \\|`,
    ),
  );
  // Positive rows are readings within the horizon before a failure: the report says both counts.
  assert.ok(metrics.test_failures.machine_failure < main.positives);
  assert.match(
    html,
    new RegExp(
      `\\(${main.n} rows, ${main.positives} positive rows, ${metrics.test_failures.machine_failure} failures\\)`,
    ),
  );
  const ref = JSON.parse(readFileSync(join(shop.registry.versionDir(v), "reference.json"), "utf8"));
  assert.equal(ref.failure_label.length, main.n);
  const ap = averagePrecision(ref.failure_label, ref.failure_probability);
  assert.ok(ap !== null && Math.abs(ap - main.pr_auc) < 1e-9, `${ap} vs ${main.pr_auc}`);
  assert.match(html, />ROC curve<\/title>/);
  assert.match(html, new RegExp(`PR-AUC \\(AP\\) = ${fmt(main.pr_auc).replace(".", "\\.")}`));
  assert.match(html, new RegExp(`${main.confusion_matrix.tp} \\(TP\\)`));
  assert.match(html, /Feature importance/);

  const alias = await fetch(`${server.url}/v1/models/champion/report`);
  assert.equal(alias.status, 200);
  // The same page but for its SVG ids (numbered per process, unique in a page).
  const ids = (page: string) => page.replace(/\b([td])-\d+\b/g, "$1-n");
  assert.equal(ids(await alias.text()), ids(html));
  for (const ref of ["9.9.9", "nonsense"]) {
    const missing = await call("GET", `/v1/models/${ref}/report`);
    assert.equal(missing.status, 404, ref);
    assert.equal(missing.body.code, "MW_MODEL_NOT_FOUND");
  }
});

test("a version that kept no test labels still has a report, without curves, saying why", async () => {
  const file = join(shop.registry.versionDir(shop.version), "reference.json");
  const kept = readFileSync(file, "utf8");
  const ref = JSON.parse(kept);
  delete ref.failure_label;
  writeFileSync(file, JSON.stringify(ref));
  try {
    const r = await fetch(`${server.url}/v1/models/${shop.version}/report`);
    assert.equal(r.status, 200);
    const html = await r.text();
    assert.match(html, /did not keep its test part's labels/);
    assert.doesNotMatch(html, />ROC curve<\/title>/);
    assert.match(html, /class="pr-auc"><data/);
  } finally {
    writeFileSync(file, kept);
  }
});

test("POST /v1/monitor/run (admin) keeps a point; GET /v1/monitor/history serves them oldest first, after a restart too", async () => {
  assert.deepEqual((await call("GET", "/v1/monitor/history")).body, { points: [] });
  // A day and more of readings: the contract monitor tests drift on a full 24-hour window only.
  const rows = machineIds(12).flatMap((m) => Array.from({ length: 26 }, (_, h) => hourlyReading(m, 10 + h)));
  assert.equal((await call("POST", "/v1/predict", rows)).status, 200);
  const anon = await call("POST", "/v1/monitor/run");
  assert.equal(anon.status, 401);
  assert.equal((await call("POST", "/v1/monitor/run", undefined, "wrong-token")).status, 401);
  assert.deepEqual(
    (await call("GET", "/v1/monitor/history")).body,
    { points: [] },
    "a refused run keeps nothing",
  );

  const run = await call("POST", "/v1/monitor/run", undefined, ADMIN);
  assert.equal(run.status, 200, JSON.stringify(run.body));
  const report = run.body;
  assert.equal(report.model_version, shop.version);
  assert.equal(report.current_rows, 3 + 12 * 26);
  assert.ok(report.drift, "enough readings for a drift verdict");
  const h1 = (await call("GET", "/v1/monitor/history")).body.points;
  assert.equal(h1.length, 1);
  assert.deepEqual(h1[0], {
    at: new Date(report.at).toISOString(),
    model_version: shop.version,
    realised_f1: report.quality.f1,
    realised_recall: report.quality.recall,
    realised_pr_auc: report.quality.pr_auc,
    estimated_f1: null,
    drift_share: report.drift.drift_share,
    dataset_drift: report.drift.dataset_drift,
    prediction_drift: report.prediction_drift.score,
    labels: report.quality.n,
    current_rows: 315,
  });

  assert.equal((await call("POST", "/v1/predict", hourlyReading("M01", 36))).status, 200);
  assert.equal((await call("POST", "/v1/monitor/run", undefined, ADMIN)).status, 200);
  const h2 = (await call("GET", "/v1/monitor/history")).body.points;
  assert.equal(h2.length, 2, "the history grows after a run");
  assert.deepEqual(h2[0], h1[0]);
  assert.equal(h2[1].current_rows, 316);
  assert.ok(h2[1].at >= h2[0].at);
  assert.deepEqual((await call("GET", "/v1/monitor/history?limit=1")).body.points, [h2[1]]);

  for (const bad of ["limit=0", "limit=1001", "limit=x"]) {
    const r = await call("GET", `/v1/monitor/history?${bad}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.body.code, "MW_VALIDATION");
    assert.match(r.body.detail, /querystring\.limit/);
  }
  const doc = (await call("GET", "/docs/json")).body;
  assert.ok(doc.paths["/v1/monitor/run"].post.security, "run documented as token-protected");
  for (const path of ["/v1/monitor/history", "/v1/machines", "/v1/models/{version}/report"])
    assert.ok(doc.paths[path]?.get, `GET ${path} documented`);

  await server.close();
  server = await start();
  assert.deepEqual((await call("GET", "/v1/monitor/history")).body.points, h2, "kept across a restart");
});

test("the history is bounded, and a timer adds a point each interval", async () => {
  const store = new SqliteAuditStore(":memory:");
  const point = (i: number) => ({ at: i, modelVersion: "1.0.0", payload: { at: new Date(i).toISOString() } });
  for (let i = 1; i <= MONITOR_HISTORY_KEEP + 5; i++) assert.equal(await store.saveSnapshot(point(i)), true);
  const all = await store.listSnapshots(MONITOR_HISTORY_KEEP + 10);
  assert.equal(all.length, MONITOR_HISTORY_KEEP);
  assert.equal(all.at(-1)?.at, 6, "the oldest went");
  // A timer's point is not kept when one newer than the bound is (another replica's).
  assert.equal(await store.saveSnapshot(point(20_000), MONITOR_HISTORY_KEEP + 4), false);
  assert.equal(await store.saveSnapshot(point(20_001), MONITOR_HISTORY_KEEP + 5), true);
  store.close();

  const timed = await start(150, "timed");
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const pts = (await jsonClient(() => timed.url)("GET", "/v1/monitor/history")).body.points;
    assert.ok(pts.length >= 3 && pts.length <= 7, `${pts.length} points in 1 s at 150 ms`);
    for (let i = 1; i < pts.length; i++)
      assert.ok(Date.parse(pts[i].at) - Date.parse(pts[i - 1].at) >= 0.9 * 150, "one point per interval");
  } finally {
    await timed.close();
  }
});

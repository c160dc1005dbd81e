// Ground truth by prediction id on a real row-labelled contract server (startContractServer on a
// port, its SQLite history log in the data directory): answers, then POST /v1/feedback with the
// AI4I app's body, then the monitor's realised quality (GET /v1/monitor and /metrics) checked
// against the confusion matrix worked out here from the answers; a restart replays the labels from
// the log. Then the errors: 400 naming the field, 401, 404, 409, and an event-labelled contract's
// 409 MW_EVENT_LABELLED.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { trainedShop } from "../../helpers/contract-served.js";
import { jsonClient } from "../../helpers/http.js";
import { ROW_MACHINES, rowLabelledShop, rowReading } from "../../helpers/row-labelled.js";

const FEEDBACK = "feedback-token-for-labels";
let shop: { dir: string; registryDir: string };
let server: Awaited<ReturnType<typeof startContractServer>> | null = null;

const start = async () => {
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: shop.registryDir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, "data"),
    MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK,
  });
  server = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false });
};

before(async () => {
  shop = rowLabelledShop("mw-cfeedback-");
  await start();
});
after(async () => server?.close());

const call = jsonClient(() => server?.url ?? "");
const post = (body: unknown, token: string | undefined = FEEDBACK) =>
  call("POST", "/v1/feedback", body, token);

interface Answer {
  id: string;
  failure_probability: number;
  failure_predicted: boolean;
}

/** The realised figures worked out by hand: the confusion matrix of `y` against the answers' warnings. */
function expected(answers: Answer[], y: number[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  answers.forEach((a, i) => {
    if (a.failure_predicted) y[i] ? tp++ : fp++;
    else y[i] ? fn++ : tn++;
  });
  const recall = tp / (tp + fn);
  const precision = tp / (tp + fp);
  return {
    n: answers.length,
    positives: tp + fn,
    tp,
    fp,
    recall,
    precision,
    f1: (2 * recall * precision) / (recall + precision),
    accuracy: (tp + tn) / answers.length,
  };
}

/** A gauge's value on /metrics (undefined when absent). */
async function gauge(name: string, labels: string): Promise<number | undefined> {
  const text = await (await fetch(`${server?.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

let answers: Answer[] = [];
let y: number[] = [];

test("labels by prediction id: the monitor's realised quality is their confusion matrix; a restart keeps them", async (t) => {
  const readings = ROW_MACHINES.flatMap((_, m) => Array.from({ length: 12 }, (_, i) => rowReading(m, i)));
  const r = await call("POST", "/v1/predict", readings);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const all = r.body.predictions as Answer[];
  const before = (await call("GET", "/v1/monitor")).body.quality;
  assert.equal(
    before.n,
    0,
    "no label yet: no realised quality (a row-labelled contract learns none by itself)",
  );

  // Label 40 of the 48 answers; the 8 left out must not count.
  answers = all.slice(0, 40);
  y = answers.map((a, i) => (a.failure_predicted ? (i % 4 === 0 ? 0 : 1) : i % 5 === 0 ? 1 : 0));
  const want = expected(answers, y);
  assert.ok(
    want.tp > 0 && want.fp > 0 && want.positives > want.tp,
    `a mixed matrix: ${JSON.stringify(want)}`,
  );
  t.diagnostic(`by hand: ${JSON.stringify(want)}`);
  // The AI4I app's body: {feedback: [...]}; `label`, or `machine_failure` as the AI4I app names it.
  const items = answers.map((a, i) =>
    i % 2
      ? { prediction_id: a.id, label: y[i] }
      : { prediction_id: a.id, machine_failure: y[i], tool_breakage: y[i] },
  );
  const sent = await post({ feedback: items });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.deepEqual(sent.body.summary, { accepted: 40, duplicate: 0, unknown: 0, conflict: 0 });
  assert.deepEqual(sent.body.results[3], { prediction_id: answers[3].id, status: "accepted", code: 200 });

  const check = async (when: string) => {
    const q = (await call("GET", "/v1/monitor")).body.quality;
    assert.equal(q.n, want.n, `${when}: labelled readings`);
    assert.equal(q.positives, want.positives, when);
    for (const k of ["recall", "precision", "f1", "accuracy"] as const)
      assert.ok(Math.abs(q[k] - want[k]) < 1e-12, `${when}: ${k} ${q[k]}, by hand ${want[k]}`);
    assert.ok(q.pr_auc > 0 && q.pr_auc <= 1, `${when}: PR-AUC ${q.pr_auc}`);
    assert.equal(await gauge("millwright_quality_labels", 'window="count"'), want.n, `${when}: /metrics`);
    const recall = await gauge("millwright_quality_realised", 'metric="recall",window="count"');
    assert.ok(
      recall !== undefined && Math.abs(recall - want.recall) < 1e-12,
      `${when}: /metrics recall ${recall}`,
    );
  };
  await check("live");
  await server?.close();
  server = null;
  await start();
  await check("after a restart (labels replayed from the log)");

  // Sent again after the restart: the same label is a duplicate, a different one a conflict (the first stays).
  const again = await post({ prediction_id: answers[1].id, label: y[1] });
  assert.deepEqual(again.body, { prediction_id: answers[1].id, status: "duplicate", code: 200 });
  const other = await post({ prediction_id: answers[1].id, label: 1 - y[1] });
  assert.equal(other.status, 409, JSON.stringify(other.body));
  assert.equal(other.body.code, "MW_CONFLICT");
  // The same with a mode told differently: another label, so a conflict too.
  const mode = await post({ prediction_id: answers[0].id, label: y[0], tool_breakage: 1 - y[0] });
  assert.equal(mode.status, 409, JSON.stringify(mode.body));
  await check("after a duplicate and two conflicts");
});

test("feedback errors: 401 without the token, 400 naming the field, 404 for an unknown id, per item in a batch", async () => {
  const id = answers[0].id;
  assert.equal((await post({ prediction_id: id, label: 1 }, "")).status, 401, "no token");
  const wrong = await post({ prediction_id: id, label: 1 }, "guess");
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.code, "MW_UNAUTHORIZED");
  const bad: [unknown, string][] = [
    [{ prediction_id: id }, "body.label"],
    [{ prediction_id: id, label: 2 }, "body.label"],
    [{ prediction_id: id, label: "1" }, "body.label"],
    [{ prediction_id: id, lable: 1 }, "body.lable"],
    [{ prediction_id: id, label: 1, rnf: 0 }, "body.rnf"],
    [{ prediction_id: id, label: 1, tool_breakage: "yes" }, "body.tool_breakage"],
    [{ label: 1 }, "body.prediction_id"],
    [{ prediction_id: id, label: 1, machine_failure: 0 }, "body.machine_failure"],
    [
      [
        { prediction_id: id, label: 1 },
        { prediction_id: 7, label: 1 },
      ],
      "body[1].prediction_id",
    ],
    ["just text", "body"],
  ];
  for (const [body, field] of bad) {
    const r = await post(body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, "MW_VALIDATION");
    assert.equal(r.body.field, field, JSON.stringify(r.body));
  }
  const empty = await post([]);
  assert.equal(empty.status, 400);
  assert.equal(empty.body.code, "MW_EMPTY_BATCH");

  const unknown = await post({ prediction_id: "0190aaaa-0000-7000-8000-000000000000", label: 1 });
  assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
  assert.equal(unknown.body.code, "MW_PREDICTION_NOT_FOUND");
  assert.equal(unknown.body.field, "body.prediction_id");
  // A batch answers per item: nothing of it fails because one id is unknown.
  const batch = await post([
    { prediction_id: "no-such-answer", label: 0 },
    { prediction_id: answers[3].id, label: y[3] },
    { prediction_id: answers[3].id, label: 1 - y[3] },
  ]);
  assert.equal(batch.status, 200, JSON.stringify(batch.body));
  assert.deepEqual(
    batch.body.results.map((r: { status: string; code: number }) => `${r.status} ${r.code}`),
    ["unknown 404", "duplicate 200", "conflict 409"],
  );
  assert.deepEqual(batch.body.summary, { accepted: 0, duplicate: 1, unknown: 1, conflict: 1 });
  const metrics = await (await fetch(`${server?.url}/metrics`)).text();
  assert.match(metrics, /millwright_feedback_total\{outcome="unknown"\} 2/);
});

test("an event-labelled contract's server says its ground truth is the failure events: 409, not 404 or 500", async () => {
  const t = trainedShop("mw-cfeedback-events-");
  const log = new SqliteHistoryLog(join(t.dir, "h.db"));
  const service = await ContractService.open(t.model, t.registry.versionDir(t.version), log);
  const app = await buildContractApp({ service, tokens: { feedback: FEEDBACK } });
  try {
    const r = await app.inject({
      method: "POST",
      url: "/v1/feedback",
      headers: { authorization: `Bearer ${FEEDBACK}` },
      payload: { prediction_id: "anything", label: 1 },
    });
    assert.equal(r.statusCode, 409, r.body);
    const p = r.json();
    assert.equal(p.code, "MW_EVENT_LABELLED");
    assert.match(p.detail, /failure events: send them to POST \/v1\/events \(table 'failures'\)/);
    // Said whatever the body: the route is the wrong one, not the item.
    const junk = await app.inject({
      method: "POST",
      url: "/v1/feedback",
      headers: { authorization: `Bearer ${FEEDBACK}` },
      payload: [],
    });
    assert.equal(junk.json().code, "MW_EVENT_LABELLED");
    const anon = await app.inject({ method: "POST", url: "/v1/feedback", payload: {} });
    assert.equal(anon.statusCode, 401, "the token first, as on every route");
    const doc = (await app.inject({ method: "GET", url: "/docs/json" })).json();
    assert.match(doc.paths["/v1/feedback"].post.description, /failure events/);
  } finally {
    await app.close();
    await log.close();
  }
});

test("MILLWRIGHT_QUALITY_WINDOW: the realised and estimated quality read the last that many readings only", async () => {
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: shop.registryDir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, "data-window"),
    MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK,
    MILLWRIGHT_RETRAIN_MODE: "off",
    MILLWRIGHT_QUALITY_WINDOW: "20",
  });
  assert.equal(readConfig({}).quality.contractWindow, 5000, "unset: the contract server's 5,000 readings");
  const s = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false });
  const at = jsonClient(() => s.url);
  try {
    const readings = ROW_MACHINES.flatMap((_, m) => Array.from({ length: 12 }, (_, i) => rowReading(m, i)));
    const all = (await at("POST", "/v1/predict", readings)).body.predictions as Answer[];
    // Every answer labelled; only the newest 20 readings are the window's.
    const labels = all.map((a, i) => (a.failure_predicted ? (i % 4 === 0 ? 0 : 1) : i % 5 === 0 ? 1 : 0));
    const sent = await at(
      "POST",
      "/v1/feedback",
      all.map((a, i) => ({ prediction_id: a.id, label: labels[i] })),
      FEEDBACK,
    );
    assert.equal(sent.body.summary.accepted, all.length, JSON.stringify(sent.body.summary));
    const report = (await at("GET", "/v1/monitor")).body;
    const want = expected(all.slice(-20), labels.slice(-20));
    assert.equal(report.quality.n, 20, "labelled readings in the window");
    assert.equal(report.quality.positives, want.positives);
    assert.ok(Math.abs(report.quality.recall - want.recall) < 1e-12, `recall ${report.quality.recall}`);
    // Drift and prediction drift keep their own window: every reading the server holds.
    assert.equal(report.current_rows, all.length);
  } finally {
    await s.close();
  }
});

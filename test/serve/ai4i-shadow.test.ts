// Shadow mode on the AI4I server (issue 19), over HTTP on a real server with a real SQLite file
// (writer thread, as `millwright serve` runs it): refusals, scores equal to what the shadow
// version answers when served, logged beside the champion's, realised figures from /v1/feedback,
// metrics, a full queue dropping, and `millwright models shadow` against it.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { averagePrecision } from "../../src/evaluate/ranking.js";
import { trainAndRegister } from "../../src/registry/training.js";
import type { Ai4iShadow } from "../../src/serve/ai4i-shadow.js";
import { buildApp } from "../../src/serve/app.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import type { PredictionBatch } from "../../src/store/types.js";
import { headProba } from "../../src/train/bundle.js";
import { featureMatrix } from "../../src/features/physics.js";
import { PRODUCT_TYPES, RAW_FEATURES } from "../../src/data/schema.js";
import { HISTORY_FORMAT_VERSION } from "../../src/train/history-model.js";
import { wireReading } from "../../src/sim/wire.js";
import { runCli } from "../helpers/cli.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";

const ADMIN = "admin-secret";
const TOKENS = { admin: ADMIN, feedback: "feedback-secret" };
const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };

interface Answer {
  id: string;
  failure_probability: number;
  failure_predicted: boolean;
}

describe("shadow mode on the AI4I server", () => {
  let fx: TrainedFixture;
  let v2: string;
  let dataDir: string;
  let store: SqliteStore;
  let app: FastifyInstance;
  let url: string;
  const closers: (() => Promise<unknown>)[] = [];

  before(async () => {
    fx = trainedRegistry();
    // Another version: other seed and fewer trees, so its scores differ from the champion's.
    v2 = trainAndRegister(
      fx.registry,
      { rows: fx.rows, data: { file: fx.dataFile, sha256: "test" } },
      { seed: 5, params: { nEstimators: 20 } },
    ).version;
    dataDir = mkdtempSync(join(tmpdir(), "mw-ai4i-shadow-"));
    store = new SqliteStore({ path: join(dataDir, "p.db"), writerThread: true });
    await store.init();
    app = await buildApp({ registry: fx.registry, store, tokens: TOKENS, maxBatch: 1000 });
    url = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await app.close();
    for (const c of closers) await c();
    await store.close();
    fx.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: () => JSON.parse(text), text };
  };
  const shadow = () => app.millwright.shadow as Ai4iShadow;
  const readings = (from: number, n: number) =>
    fx.rows.slice(from, from + n).map((r) => wireReading(r, { machineModel: false, timestamp: false }));

  test("start refuses without the admin token, an unknown version, the champion, a contract model, other features", async () => {
    assert.equal((await call("POST", "/v1/models/shadow", { version: v2 })).status, 401);
    const unknown = await call("POST", "/v1/models/shadow", { version: "9.9.9" }, admin);
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal(unknown.json().code, "MW_MODEL_NOT_FOUND");
    const champ = await call("POST", "/v1/models/shadow", { version: fx.version }, admin);
    assert.equal(champ.status, 409, champ.text);
    assert.match(champ.json().detail, /is the champion/);
    // Versions written by hand beside the real ones: a data-contract model and one of other features.
    const model = JSON.parse(readFileSync(join(fx.registry.versionDir(v2), "model.json"), "utf8"));
    const put = (v: string, obj: object) => {
      mkdirSync(fx.registry.versionDir(v), { recursive: true });
      writeFileSync(join(fx.registry.versionDir(v), "model.json"), JSON.stringify(obj));
    };
    put("9.0.0", { ...model, version: "9.0.0", formatVersion: HISTORY_FORMAT_VERSION });
    put("9.0.1", { ...model, version: "9.0.1", featureNames: ["type", "torque"] });
    for (const [v, why] of [
      ["9.0.0", /9\.0\.0 is a data-contract model/],
      ["9.0.1", /9\.0\.1 was trained on other features/],
    ] as const) {
      const r = await call("POST", "/v1/models/shadow", { version: v }, admin);
      assert.equal(r.status, 409, r.text);
      assert.equal(r.json().code, "MW_CONFLICT");
      assert.match(r.json().detail, why);
    }
    const idle = (await call("GET", "/v1/models/shadow")).json();
    assert.deepEqual([idle.active, idle.version, idle.champion], [false, null, fx.version]);
  });

  test("every answer (single, columnar batch, explained batch) is scored as v2 would serve it, logged and compared", async () => {
    const started = await call("POST", "/v1/models/shadow", { version: v2 }, admin);
    assert.equal(started.status, 200, started.text);
    assert.deepEqual(started.json(), { version: v2, replaced: null, active: true });
    // 300 readings with failures among them, so both classes are labelled.
    const all = readings(0, fx.rows.length);
    const fails = fx.rows.map((r, i) => (r.machine_failure === 1 ? i : -1)).filter((i) => i >= 0);
    assert.ok(fails.length >= 10, `the fixture has ${fails.length} failures`);
    const picked = [
      ...fails.slice(0, 30),
      ...all
        .map((_, i) => i)
        .filter((i) => !fails.includes(i))
        .slice(0, 270),
    ];
    const sent = picked.map((i) => all[i]);
    const answers: Answer[] = [];
    for (const r of sent.slice(0, 5)) answers.push((await call("POST", "/v1/predict", r)).json());
    answers.push(...(await call("POST", "/v1/predict", sent.slice(5, 290))).json().predictions);
    const explained = await call("POST", "/v1/predict?explain=true", sent.slice(290));
    assert.equal(explained.status, 200, explained.text);
    answers.push(...explained.json().predictions);
    assert.equal(answers.length, 300);
    await shadow().idle();

    // What v2 answers when served, from a server following v2.
    const served = await buildApp({
      registry: fx.registry,
      store,
      tokens: TOKENS,
      modelRef: v2,
      maxBatch: 1000,
    });
    closers.push(() => served.close());
    const asServed = (
      await served.inject({
        method: "POST",
        url: "/v1/predict",
        payload: sent,
        headers: { "content-type": "application/json" },
      })
    ).json().predictions as Answer[];

    const logged = await store.shadowScores(1000);
    assert.equal(logged.length, 300);
    const byId = new Map(logged.map((s) => [s.predictionId, s]));
    answers.forEach((a, i) => {
      const s = byId.get(a.id);
      assert.ok(s, `answer ${i} has a shadow score`);
      assert.equal(s.modelVersion, v2);
      assert.equal(s.championVersion, fx.version);
      assert.equal(s.championProbability, a.failure_probability);
      assert.equal(s.failureProbability, asServed[i].failure_probability, `reading ${i}: bit for bit`);
    });
    assert.ok(
      answers.some((a, i) => a.failure_probability !== asServed[i].failure_probability),
      "the two versions differ somewhere (else the comparison proves nothing)",
    );

    // Labels by prediction id: the comparison's realised figures, both models on the same 300.
    const y = picked.map((i) => fx.rows[i].machine_failure);
    const fb = await call(
      "POST",
      "/v1/feedback",
      answers.map((a, i) => ({ prediction_id: a.id, machine_failure: y[i] })),
      { authorization: "Bearer feedback-secret" },
    );
    assert.equal(fb.status, 200, fb.text);
    assert.equal(fb.json().summary.accepted, 300);
    const s = (await call("GET", "/v1/models/shadow")).json();
    assert.equal(s.active, true);
    assert.equal(s.queue.scored, 300);
    assert.equal(s.queue.dropped, 0);
    const c = s.comparison;
    assert.equal(c.n, 300);
    assert.equal(c.labelled, 300);
    assert.equal(c.positives, 30);
    const champP = answers.map((a) => a.failure_probability);
    const shadowP = asServed.map((a) => a.failure_probability);
    assert.equal(c.champion.pr_auc, averagePrecision(y, champP));
    assert.equal(c.shadow.pr_auc, averagePrecision(y, shadowP));
    const recall = (p: number[], t: number) => p.filter((v, i) => y[i] === 1 && v >= t).length / 30;
    assert.equal(c.champion.recall, recall(champP, s.thresholds.champion));
    assert.equal(c.shadow.recall, recall(shadowP, s.thresholds.shadow));
    const same = answers.filter((a, i) => a.failure_predicted === asServed[i].failure_predicted).length;
    assert.equal(c.agreement, same / 300);
    assert.ok(c.distance.value !== null && c.distance.value >= 0);

    const metrics = (await call("GET", "/metrics")).text;
    assert.match(metrics, new RegExp(`millwright_shadow_info\\{version="${v2.replace(/\./g, "\\.")}"\\} 1`));
    assert.match(metrics, /millwright_shadow_scored_total 300/);
    assert.match(metrics, /millwright_shadow_labels 300/);
    assert.match(metrics, /millwright_shadow_quality_realised\{model="shadow",metric="pr_auc"\}/);

    const stop = await call("DELETE", "/v1/models/shadow", undefined, { authorization: `Bearer ${ADMIN}` });
    assert.equal(stop.status, 200, stop.text);
    assert.deepEqual(stop.json(), { stopped: v2, active: false });
    assert.doesNotMatch((await call("GET", "/metrics")).text, /millwright_shadow_info\{/);
    await call("POST", "/v1/predict", sent[0]);
    assert.equal((await store.shadowScores(1000)).length, 300, "a stopped shadow scores nothing");
  });

  test("Open Inference Protocol answers are scored too; a call naming another version is not the champion's", async () => {
    assert.equal((await call("POST", "/v1/models/shadow", { version: v2 }, admin)).status, 200);
    const before = (await store.shadowScores(10_000)).length;
    const infer = (path: string) =>
      call("POST", path, {
        inputs: [
          {
            name: "input",
            shape: [2, 6],
            datatype: "FP64",
            data: [0, 298.1, 308.6, 1551, 42.8, 108, 2, 300, 309, 1400, 60, 220],
          },
        ],
      });
    const res = await infer("/v2/models/millwright-failure/infer");
    assert.equal(res.status, 200, res.text);
    const ids = res.json().outputs.find((o: { name: string }) => o.name === "prediction_id").data as string[];
    // The shadow's own version, asked by name: its answers are no pairs, and the shadow keeps running.
    assert.equal((await infer(`/v2/models/millwright-failure/versions/${v2}/infer`)).status, 200);
    await shadow().idle();
    const rows = (await store.shadowScores(10_000)).slice(before);
    assert.deepEqual(
      rows.map((r) => r.predictionId),
      ids,
    );
    assert.equal(shadow().version, v2);
    assert.equal(shadow().summary().queue?.scored, 2);
    shadow().stop();
  });

  test("one drain of several requests scores each reading as one-at-a-time would; another version's stay out", async () => {
    assert.equal((await call("POST", "/v1/models/shadow", { version: v2 }, admin)).status, 200);
    const before = (await store.shadowScores(10_000)).length;
    const batchOf = (from: number, n: number, version: string): PredictionBatch => {
      const rows = fx.rows.slice(from, from + n);
      return {
        n,
        ids: rows.map((_, i) => `drain-${version}-${from + i}`),
        requestId: `drain-${from}`,
        modelName: "millwright-failure",
        modelVersion: version,
        predictedAt: Date.now(),
        type: Uint8Array.from(rows, (r) => PRODUCT_TYPES.indexOf(r.type)),
        raw: Float64Array.from(rows.flatMap((r) => RAW_FEATURES.map((f) => r[f]))),
        failureProbability: Float64Array.from(rows, (_, i) => (from + i) / 1000),
        failurePredicted: new Uint8Array(n),
        modeKeys: [],
        modes: new Float64Array(0),
        machineId: null,
        machineModel: null,
        timestamp: null,
      };
    };
    // Offered in one turn, so one drain takes them all: a single reading, another version's three
    // (not the champion's answers), four more.
    shadow().offerBatch(batchOf(40, 1, fx.version));
    shadow().offerBatch(batchOf(41, 3, v2));
    shadow().offerBatch(batchOf(44, 4, fx.version));
    await shadow().idle();
    const rows = (await store.shadowScores(10_000)).slice(before);
    const model = fx.registry.load(v2);
    const alone = (i: number) => headProba(model.heads.machine_failure, featureMatrix([fx.rows[i]]))[0];
    assert.deepEqual(
      rows.map((r) => [r.predictionId, r.failureProbability, r.championProbability]),
      [40, 44, 45, 46, 47].map((i) => [`drain-${fx.version}-${i}`, alone(i), i / 1000]),
    );
    shadow().stop();
  });

  test("a full queue drops whole requests and counts them, never delaying the answer", async () => {
    const small = await buildApp({
      registry: fx.registry,
      store,
      tokens: TOKENS,
      shadowQueue: { capacity: 10 },
    });
    closers.push(() => small.close());
    const inject = (u: string, body: unknown, headers: Record<string, string> = {}) =>
      small.inject({
        method: "POST",
        url: u,
        payload: body as object,
        headers: { "content-type": "application/json", ...headers },
      });
    assert.equal((await inject("/v1/models/shadow", { version: v2 }, admin)).statusCode, 200);
    const big = await inject("/v1/predict", readings(0, 12));
    assert.equal(big.statusCode, 200, big.body);
    assert.equal((await inject("/v1/predict", readings(12, 6))).statusCode, 200);
    const sh = small.millwright.shadow as Ai4iShadow;
    await sh.idle();
    const q = sh.summary().queue;
    assert.deepEqual([q?.offered, q?.scored, q?.dropped], [18, 6, 12]);
    const metrics = (await small.inject({ url: "/metrics" })).body;
    assert.match(metrics, /millwright_shadow_dropped_total 12/);
    sh.stop();
  });

  test("`millwright models shadow` starts and stops it on the AI4I server", async () => {
    const env = { MILLWRIGHT_ADMIN_TOKEN: ADMIN };
    const on = await runCli(["models", "shadow", v2, "--url", url], { env });
    assert.equal(on.code, 0, on.stderr);
    assert.equal(shadow().version, v2);
    const wrong = await runCli(["models", "shadow", v2, "--url", url, "--token", "nope"]);
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(wrong.stderr, /wrong admin token/);
    const off = await runCli(["models", "shadow", "--off", "--url", url, "--json"], { env });
    assert.equal(off.code, 0, off.stderr);
    assert.deepEqual(JSON.parse(off.stdout), { stopped: v2, active: false });
    assert.equal(shadow().version, null);
  });
});

// Batch workers (src/serve/batch-pool.ts): a batch predicted in a worker thread gets exactly the
// answer, the log records and the errors the main thread gives, and a worker that fails hands its
// batch back instead of failing the request. Real worker threads, real SQLite files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { RAW_FEATURES } from "../../src/data/schema.js";
import { buildApp } from "../../src/serve/app.js";
import { BatchPool } from "../../src/serve/batch-pool.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";

const MAX_BATCH = 250;

describe("batch workers", () => {
  let fx: TrainedFixture;
  let dir: string;
  /** With two batch workers, and with none (everything on the main thread). */
  const apps: { pool: FastifyInstance; main: FastifyInstance } = {} as never;
  const stores: SqliteStore[] = [];
  let readings: Record<string, unknown>[];

  before(async () => {
    fx = trainedRegistry();
    dir = mkdtempSync(join(tmpdir(), "mw-batch-pool-"));
    readings = fx.rows.slice(0, 240).map((r) => ({
      type: r.type,
      ...Object.fromEntries(RAW_FEATURES.map((f) => [f, r[f]])),
      machine_id: r.machine_id,
      timestamp: r.timestamp,
    }));
    for (const [name, workers] of [
      ["pool", 2],
      ["main", 0],
    ] as const) {
      const store = new SqliteStore({ path: join(dir, `${name}.db`), writerThread: true });
      await store.init();
      stores.push(store);
      apps[name] = await buildApp({
        registry: fx.registry,
        store,
        maxBatch: MAX_BATCH,
        batchWorkers: workers,
      });
    }
  });
  after(async () => {
    await apps.pool.close();
    await apps.main.close();
    for (const s of stores) await s.close();
    fx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (app: FastifyInstance, payload: string) =>
    app.inject({
      method: "POST",
      url: "/v1/predict",
      payload,
      headers: { "content-type": "application/json" },
    });
  const stats = () => apps.pool.millwright.batchPool?.stats ?? { predicted: 0, handedBack: 0 };
  /** Sends `body` while another batch keeps the main thread busy, so it goes to a worker. */
  const throughWorker = async (app: FastifyInstance, body: string) => {
    const [, res] = await Promise.all([post(app, JSON.stringify(readings)), post(app, body)]);
    return res;
  };

  test("concurrent batches: a worker answers what the main thread answers, and logs every answer", async () => {
    const body = JSON.stringify(readings);
    assert.ok(body.length > 16 * 1024, "big enough for the workers");
    const before = stats().predicted;
    const [want, ...got] = await Promise.all([
      post(apps.main, body),
      ...[1, 2, 3, 4].map(() => post(apps.pool, body)),
    ]);
    assert.ok(stats().predicted > before, "at least one batch was predicted in a worker");
    const expected = want.json().predictions as Record<string, unknown>[];
    const ids = new Set<string>();
    for (const res of got) {
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.headers["content-type"] as string, /^application\/json/);
      const answers = res.json().predictions as Record<string, unknown>[];
      assert.equal(answers.length, readings.length);
      answers.forEach((a, i) => {
        const { id, ...rest } = a;
        const { id: _other, ...restWanted } = expected[i];
        assert.deepEqual(rest, restWanted, `answer ${i}`);
        assert.match(id as string, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        ids.add(id as string);
      });
      // Every answer is in the log, with the reading and the probability that was answered.
      for (const i of [0, 117, readings.length - 1]) {
        const logged = await stores[0].getPrediction(answers[i].id as string);
        assert.ok(logged, `answer ${i} is logged`);
        assert.equal(logged.failureProbability, answers[i].failure_probability);
        assert.equal(logged.reading.torque, readings[i].torque);
        assert.equal(logged.reading.machine_id, readings[i].machine_id);
        assert.equal(logged.reading.timestamp, readings[i].timestamp);
      }
    }
    assert.equal(ids.size, readings.length * got.length, "ids are unique");
    assert.equal(await stores[0].countPredictions(), readings.length * got.length);
    const machine = readings.at(-1)?.machine_id as string;
    assert.ok(apps.pool.millwright.fleet.history(machine)?.length, "the fleet board sees the batch");
  });

  test("bad batches through a worker get exactly the error the main thread gives", async () => {
    const big = (mutate: (rs: Record<string, unknown>[]) => void) => {
      const rs = readings.map((r) => ({ ...r }));
      mutate(rs);
      return JSON.stringify(rs);
    };
    const bodies = {
      impossible: big((rs) => {
        rs[200].torque = -1;
      }),
      unknownField: big((rs) => {
        rs[17].spindle = 3;
      }),
      wrongType: big((rs) => {
        rs[99].type = "X";
      }),
      tooMany: JSON.stringify([...readings, ...readings.slice(0, MAX_BATCH - readings.length + 1)]),
      truncated: JSON.stringify(readings).slice(0, -40),
      protoPoisoning: `${JSON.stringify(readings).slice(0, -1)},{"__proto__":{"x":1}}]`,
    };
    const before = stats().handedBack;
    for (const [name, body] of Object.entries(bodies)) {
      const want = await post(apps.main, body);
      const got = await throughWorker(apps.pool, body);
      assert.ok(want.statusCode >= 400 && want.statusCode < 500, `${name}: ${want.statusCode} ${want.body}`);
      assert.equal(got.statusCode, want.statusCode, `${name}: ${got.body}`);
      const { instance: _a, ...g } = got.json();
      const { instance: _b, ...w } = want.json();
      assert.deepEqual(g, w, name);
    }
    assert.ok(stats().handedBack - before >= Object.keys(bodies).length, "each went to a worker first");
  });

  test("a worker that dies hands its batch back (null) instead of failing it", async () => {
    const crash = join(dir, "crash.mjs");
    writeFileSync(crash, "throw new Error('worker boom');\n");
    const pool = new BatchPool(1, pathToFileURL(crash));
    const bundle = apps.pool.millwright.models.require().bundle;
    const res = await pool.run(bundle, Buffer.from(JSON.stringify(readings)), "req-1", MAX_BATCH);
    assert.equal(res, null);
    assert.deepEqual(pool.stats, { predicted: 0, handedBack: 1 });
    await pool.close();
    assert.equal(await pool.run(bundle, Buffer.from("[]"), "req-2", MAX_BATCH), null, "closed: main thread");
  });
});

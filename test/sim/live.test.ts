import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { createFleet } from "../../src/data/simulate.js";
import type { FleetReading } from "../../src/data/simulate.js";
import { type LiveOptions, type LiveWire, startLiveSimulation } from "../../src/sim/live.js";

// A wire in the simulator's own (canonical) names, written out here, so what live.ts sends is
// compared with what the fleet produced rather than with a server's renaming (contract-wire.ts has
// its own test, contract-live.test.ts).
const toWire = (r: FleetReading) => ({
  type: r.type,
  air_temperature: r.air_temperature,
  process_temperature: r.process_temperature,
  rotational_speed: r.rotational_speed,
  torque: r.torque,
  tool_wear: r.tool_wear,
  machine_id: r.machine_id,
  machine_model: r.machine_model,
  timestamp: r.timestamp,
});
const WIRE: LiveWire = {
  reading: toWire,
  label: (id, r) => ({
    prediction_id: id,
    machine_failure: r.machine_failure,
    twf: r.twf,
    hdf: r.hdf,
    pwf: r.pwf,
    osf: r.osf,
    rnf: r.rnf,
  }),
};
const startSim = (o: Omit<LiveOptions, "wire">) => startLiveSimulation({ wire: WIRE, ...o });

// A stand-in for the Millwright server: a real HTTP server on 127.0.0.1 that records every call.
interface Call {
  at: number;
  body: unknown;
  auth?: string;
}

interface Recorder {
  app: FastifyInstance;
  url: string;
  predicts: Call[];
  feedbacks: Call[];
  /** Status codes to answer instead of 200, consumed one per call. */
  failPredict: number[];
  failFeedback: number[];
  /** From now on, every label the server receives is for an unknown prediction id. */
  forget(): void;
}

async function startRecorder(): Promise<Recorder> {
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  const rec: Recorder = {
    app,
    url: "",
    predicts: [],
    feedbacks: [],
    failPredict: [],
    failFeedback: [],
    forget: () => {},
  };
  let nextId = 0;
  let forgotten = false;
  rec.forget = () => {
    forgotten = true;
  };
  app.post("/v1/predict", async (req, reply) => {
    rec.predicts.push({ at: Date.now(), body: req.body });
    const fail = rec.failPredict.shift();
    if (fail) return reply.code(fail).send({ code: "MW_INTERNAL" });
    const rows = req.body as unknown[];
    return {
      predictions: rows.map(() => ({
        id: `p-${++nextId}`,
        failure_probability: 0.01,
        failure_predicted: false,
        modes: { twf: 0, hdf: 0, pwf: 0, osf: 0 },
        model: { name: "millwright", version: "1.0.0" },
      })),
    };
  });
  app.post("/v1/feedback", async (req, reply) => {
    rec.feedbacks.push({ at: Date.now(), body: req.body, auth: req.headers.authorization });
    if (req.headers.authorization !== "Bearer s3cret")
      return reply.code(401).send({ code: "MW_UNAUTHORIZED" });
    const fail = rec.failFeedback.shift();
    if (fail) return reply.code(fail).send({ code: "MW_STORE_UNAVAILABLE" });
    // Millwright's answer: a status per item and a summary.
    const items = (req.body as { feedback: { prediction_id: string }[] }).feedback;
    const status = items.map(() => (forgotten ? "unknown" : "accepted"));
    const accepted = status.filter((s) => s === "accepted").length;
    return {
      results: items.map((it, i) => ({ prediction_id: it.prediction_id, status: status[i] })),
      summary: { accepted, duplicate: 0, unknown: items.length - accepted, conflict: 0 },
    };
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const addr = app.server.address();
  if (addr === null || typeof addr === "string") throw new Error("no port");
  rec.url = `http://127.0.0.1:${addr.port}`;
  return rec;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => {
  unhandled.push(e);
};
before(() => process.on("unhandledRejection", onUnhandled));
after(() => {
  process.off("unhandledRejection", onUnhandled);
  assert.deepEqual(unhandled, []);
});

const START = "2026-03-02T06:00:00Z";
// What the API takes of a reading, in order: written out here, so a label or row id sent by
// toWire by mistake fails the test instead of being compared with itself.
const CANONICAL =
  "type air_temperature process_temperature rotational_speed torque tool_wear machine_id machine_model timestamp".split(
    " ",
  );

test("streams every machine each interval, labels follow after the delay, stop() drains", async () => {
  const rec = await startRecorder();
  const logs: string[] = [];
  const sim = startSim({
    baseUrl: rec.url,
    feedbackToken: "s3cret",
    machines: 6,
    seed: 42,
    intervalMs: 40,
    labelDelayMs: 150,
    start: START,
    log: (m) => logs.push(m),
  });
  await sleep(600);
  await sim.stop();
  const callsAtStop = rec.predicts.length + rec.feedbacks.length;
  await sleep(120);
  await rec.app.close();
  assert.equal(rec.predicts.length + rec.feedbacks.length, callsAtStop, "calls after stop()");

  assert.ok(rec.predicts.length >= 5, `${rec.predicts.length} predict calls`);
  const batches = rec.predicts.map((c) => c.body as Record<string, unknown>[]);
  assert.ok(batches.every((b) => Array.isArray(b) && b.length === 6));
  // Canonical fields only, exactly what the simulator produced for the same seed and start.
  const fleet = createFleet({ machines: 6, seed: 42, start: START });
  const expected = batches.map(() => fleet.tick());
  for (let t = 0; t < batches.length; t++)
    for (let j = 0; j < 6; j++) {
      const r = expected[t][j];
      assert.deepEqual(Object.keys(batches[t][j]), CANONICAL);
      assert.deepEqual(batches[t][j], toWire(r));
    }

  // Every prediction got its label (the drain sent the last ones), with the true labels, once.
  const labels = rec.feedbacks.flatMap((c) => (c.body as { feedback: Record<string, unknown>[] }).feedback);
  assert.ok(rec.feedbacks.every((c) => c.auth === "Bearer s3cret"));
  const truth = expected.flat();
  assert.equal(labels.length, truth.length);
  assert.deepEqual(
    labels.map((l) => l.prediction_id),
    truth.map((_, i) => `p-${i + 1}`),
  );
  for (let i = 0; i < truth.length; i++) {
    const { machine_failure, twf, hdf, pwf, osf, rnf } = truth[i];
    assert.deepEqual(labels[i], { prediction_id: `p-${i + 1}`, machine_failure, twf, hdf, pwf, osf, rnf });
  }
  // Labels sent before stop() waited their delay after the prediction that they label.
  const firstFeedback = rec.feedbacks[0];
  assert.ok(firstFeedback.at - rec.predicts[0].at >= 140, `${firstFeedback.at - rec.predicts[0].at} ms`);

  const s = sim.stats();
  assert.equal(s.sent, truth.length);
  assert.equal(s.labelled, truth.length);
  assert.equal(s.errors, 0);
  assert.equal(s.pending, 0);
  assert.ok(logs.some((m) => m.includes("6 machines")));
  assert.ok(!logs.join("\n").includes("s3cret"), "the token must never be logged");
});

test("a scenario switched on while running shifts the readings that follow", async () => {
  const rec = await startRecorder();
  const sim = startSim({
    baseUrl: rec.url,
    feedbackToken: "s3cret",
    machines: 8,
    seed: 1,
    intervalMs: 20,
    labelDelayMs: 0,
  });
  await sleep(250);
  const before = rec.predicts.length;
  sim.setScenario("new-machine-model");
  await sleep(250);
  await sim.stop();
  await rec.app.close();
  const sizes = rec.predicts.map((c) => (c.body as unknown[]).length);
  assert.ok(sizes.slice(0, before).every((n) => n === 8));
  assert.equal(sizes.at(-1), 10);
  assert.throws(() => sim.setScenario("winter" as never), /'winter' is unknown/);
});

test("server errors are counted and retried, never thrown; rejected labels are not retried forever", async () => {
  const rec = await startRecorder();
  rec.failPredict.push(500, 503);
  rec.failFeedback.push(503);
  const sim = startSim({
    baseUrl: rec.url,
    feedbackToken: "s3cret",
    machines: 3,
    seed: 9,
    intervalMs: 25,
    labelDelayMs: 0,
  });
  await sleep(400);
  await sim.stop();
  const s = sim.stats();
  assert.equal(s.errors, 3);
  assert.equal(s.sent, (rec.predicts.length - 2) * 3);
  assert.equal(s.labelled, s.sent, "the 503'd batch was retried");

  // A wrong token: 401 is not retryable, the labels are dropped and counted.
  const bad = startSim({
    baseUrl: rec.url,
    feedbackToken: "wrong",
    machines: 2,
    seed: 9,
    intervalMs: 25,
    labelDelayMs: 0,
  });
  await sleep(200);
  await bad.stop();
  await rec.app.close();
  const b = bad.stats();
  assert.ok(b.sent > 0 && b.labelled === 0);
  assert.equal(b.dropped, b.sent);
  assert.equal(b.pending, 0);
});

test("labels the server does not know are counted as dropped, not labelled", async () => {
  const rec = await startRecorder();
  const sim = startSim({
    baseUrl: rec.url,
    feedbackToken: "s3cret",
    machines: 4,
    seed: 3,
    intervalMs: 20,
    labelDelayMs: 60_000,
  });
  await sleep(150);
  rec.forget();
  await sim.stop();
  await rec.app.close();
  const s = sim.stats();
  assert.ok(s.sent > 0);
  assert.equal(s.labelled, 0);
  assert.equal(s.dropped, s.sent);
  assert.equal(s.errors, 0);
});

test("an unreachable server: errors counted, stop() resolves", async () => {
  const rec = await startRecorder();
  const url = rec.url;
  await rec.app.close();
  const logs: string[] = [];
  const sim = startSim({
    baseUrl: url,
    machines: 2,
    seed: 1,
    intervalMs: 20,
    labelDelayMs: 10,
    log: (m) => logs.push(m),
  });
  await sleep(150);
  await sim.stop();
  const s = sim.stats();
  assert.ok(s.errors >= 2, `${s.errors} errors`);
  assert.equal(s.sent, 0);
  assert.ok(logs.some((m) => m.includes("predict failed")));
});

test("pending labels are bounded while feedback keeps failing", async () => {
  const rec = await startRecorder();
  rec.failFeedback.push(...Array(1000).fill(503));
  const sim = startSim({
    baseUrl: rec.url,
    feedbackToken: "s3cret",
    machines: 10,
    seed: 2,
    intervalMs: 10,
    labelDelayMs: 0,
    maxPendingLabels: 25,
  });
  let maxPending = 0;
  for (let i = 0; i < 20; i++) {
    await sleep(15);
    maxPending = Math.max(maxPending, sim.stats().pending);
  }
  await sim.stop();
  await rec.app.close();
  const s = sim.stats();
  assert.ok(maxPending <= 25, `pending reached ${maxPending}`);
  assert.ok(s.dropped > 0);
  assert.equal(s.labelled, 0);
  assert.equal(s.pending, 0);
});

test("bad options are rejected naming the option", () => {
  const base = { baseUrl: "http://127.0.0.1:1", machines: 2, seed: 1, intervalMs: 10, labelDelayMs: 0 };
  assert.throws(() => startSim({ ...base, baseUrl: "nope" }), /baseUrl 'nope' is not a URL/);
  assert.throws(() => startSim({ ...base, intervalMs: 0 }), /intervalMs/);
  assert.throws(() => startSim({ ...base, labelDelayMs: -1 }), /labelDelayMs/);
});

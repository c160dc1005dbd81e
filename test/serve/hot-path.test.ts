// The hand-written pieces of the prediction hot path give exactly what the general ones give:
// the answer writer = JSON.stringify, BulkHistogram = prom-client's Histogram, and a journal group round-trips
// every record field by field (store/sqlite/journal.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Histogram, Registry } from "prom-client";
import { createMetrics } from "../../src/metrics/ai4i.js";
import { BulkHistogram } from "../../src/metrics/bulk-histogram.js";
import { MODE_HEADS } from "../../src/data/schema.js";
import { batchAnswer, singleAnswer } from "../../src/serve/answers.js";
import type { Explanations } from "../../src/serve/predict-columns.js";
import type { PredictionBatch } from "../../src/store/types.js";
import { decodeGroup, encodeGroup, rowValues, storedGroup } from "../../src/store/sqlite/journal.js";
import { PREDICTION_COLUMNS, predictionValues } from "../../src/store/rows.js";
import { answerObjects } from "../helpers/answers.js";
import { makeRecord } from "../store/records.js";

const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom('M"07', "back\\slash", "Drehbank-Ä-機械-🛠", "</script>", "\u2028line", "a\tb"),
);
const prob = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 5e-324, 1e-300));

/** A batch of predicted answers with hostile strings, null modes and (sometimes) explanations. */
const batchOf = (n: { minLength: number; maxLength: number }) =>
  fc
    .record({
      name: hostile,
      version: fc.constantFrom("1.0.0", "2.10.3"),
      answers: fc.array(
        fc.record({
          p: prob,
          predicted: fc.boolean(),
          modes: fc.tuple(fc.option(prob), fc.option(prob), fc.option(prob), fc.option(prob)),
          machineId: fc.option(hostile, { nil: undefined }),
          explanation: fc.array(
            fc.record({
              feature: hostile,
              value: fc.oneof(prob, hostile),
              contribution: fc.double(),
              text: hostile,
            }),
            { maxLength: 3 },
          ),
        }),
        n,
      ),
      explained: fc.boolean(),
    })
    .map(({ name, version, answers, explained }) => {
      const batch: PredictionBatch = {
        n: answers.length,
        ids: answers.map((_, i) => `0190a1b2-c3d4-7e5f-8a6b-${String(i).padStart(12, "0")}`),
        requestId: "r",
        modelName: name,
        modelVersion: version,
        predictedAt: 0,
        type: new Uint8Array(answers.length),
        raw: new Float64Array(answers.length * 5),
        failureProbability: Float64Array.from(answers, (a) => a.p),
        failurePredicted: Uint8Array.from(answers, (a) => (a.predicted ? 1 : 0)),
        modeKeys: [...MODE_HEADS],
        modes: Float64Array.from(answers.flatMap((a) => a.modes.map((m) => m ?? Number.NaN))),
        machineId: answers.some((a) => a.machineId !== undefined) ? answers.map((a) => a.machineId) : null,
        machineModel: null,
        timestamp: null,
      };
      return { batch, explanations: explained ? answers.map((a) => a.explanation) : null };
    });

test("the answer writer writes what JSON.stringify writes of the documented objects, one answer or a batch", () => {
  const check = ({ batch, explanations }: { batch: PredictionBatch; explanations: unknown[][] | null }) => {
    const want = answerObjects(batch, explanations);
    const why = explanations as Explanations | null;
    assert.equal(batchAnswer(batch, why).toString("utf8"), JSON.stringify({ predictions: want }));
    assert.equal(singleAnswer(batch, why), JSON.stringify(want[0]));
  };
  fc.assert(fc.property(batchOf({ minLength: 1, maxLength: 8 }), check), { numRuns: 500, seed: 20261127 });
  // Across the writer's 64-answer chunks.
  for (const b of fc.sample(batchOf({ minLength: 60, maxLength: 200 }), { numRuns: 10, seed: 3 })) check(b);
});

test("BulkHistogram writes the exposition prom-client's Histogram writes for the same values", async () => {
  const values = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { numRuns: 2000, seed: 7 });
  values.push(0.01, 0.9, 1, 0, 0.5, 1e-300, 2); // on bucket bounds, tiny, and above the last one
  const spec = {
    name: "p",
    help: "p help",
    labelNames: ["model_version"],
    buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
  };
  const slowRegistry = new Registry();
  const slow = new Histogram({ ...spec, registers: [slowRegistry] });
  for (const v of values) slow.observe({ model_version: "1.0.0" }, v);
  slow.observe({ model_version: "1.1.0" }, 0.3);
  const fastRegistry = new Registry();
  const fast = new BulkHistogram(spec, [fastRegistry]);
  const series = fast.series("1.0.0", () => ({ model_version: "1.0.0" }));
  series.observeMany(values.slice(0, 1000));
  fast.observe({ model_version: "1.1.0" }, 0.3);
  series.observeMany(Float64Array.from(values.slice(1000)));
  const text = await fastRegistry.metrics();
  assert.equal(text, await slowRegistry.metrics());
  assert.match(text, /p_count\{model_version="1.0.0"\} 2007/);
  assert.deepEqual(await fastRegistry.getMetricsAsJSON(), await slowRegistry.getMetricsAsJSON());
  // A reset empties it, as prom-client's does; a series a caller kept still counts afterwards.
  fastRegistry.resetMetrics();
  slowRegistry.resetMetrics();
  assert.equal(await fastRegistry.metrics(), await slowRegistry.metrics());
  series.observe(0.2);
  slow.observe({ model_version: "1.0.0" }, 0.2);
  assert.equal(await fastRegistry.metrics(), await slowRegistry.metrics());
  assert.match(await fastRegistry.metrics(), /p_count\{model_version="1.0.0"\} 1\n/);
  // Without labels the series is shown from the start (zeros), as prom-client shows it.
  const bare = new Registry();
  new BulkHistogram({ name: "q", help: "q", buckets: [0.5] }, [bare]);
  const bareSlow = new Registry();
  new Histogram({ name: "q", help: "q", buckets: [0.5], registers: [bareSlow] });
  assert.equal(await bare.metrics(), await bareSlow.metrics());
  assert.throws(() => fast.series("x", () => ({ other: "1" })), /labels other are not model_version/);
});

test("the served metrics' hot histograms are BulkHistograms: no slow path to fall back to", async () => {
  const m = createMetrics(new Registry(), { defaults: false });
  for (const h of [m.httpDuration, m.failureProbability, m.commitDuration])
    assert.ok(h instanceof BulkHistogram);
  m.failureProbability.series("1.0.0", () => ({ model_version: "1.0.0" })).observeMany([0.2, 0.95]);
  assert.match(
    await m.registry.metrics(),
    /millwright_failure_probability_count\{model_version="1.0.0"\} 2\n/,
  );
});

test("journal groups round-trip every record exactly: values, nulls, odd modes, repeats and changes", () => {
  const bool = (b: boolean) => (b ? 1 : 0);
  const records = [
    makeRecord(0),
    makeRecord(1),
    makeRecord(2, { modes: { twf: null, hdf: 1e-300, pwf: 0, osf: 1 } }),
    makeRecord(3, { modes: { other: 0.5 } }), // keys differ from the group's: kept as an object
    makeRecord(4, { modes: {} }),
    makeRecord(5, { requestId: 'req "quoted"', modelVersion: "9.9.9" }),
    makeRecord(6, { requestId: 'req "quoted"' }),
    makeRecord(7),
  ];
  const g = encodeGroup(records);
  // Through the stored form, as the thread writes and reads it.
  const d = decodeGroup(
    storedGroup(g.n, new Uint8Array(g.buf, 0, g.numsBytes), new Uint8Array(g.buf, g.numsBytes, g.textBytes)),
  );
  records.forEach((r, i) => {
    const want = predictionValues(r, bool);
    const got = rowValues(d, i);
    for (const [k, c] of PREDICTION_COLUMNS.entries())
      assert.equal(got[k], want[k], `record ${i} column ${c}`);
  });
});

test("journal groups round-trip any id and machine id: quotes, escapes, unicode, lone surrogates", () => {
  const text = fc.oneof(
    fc.string({ unit: "binary", minLength: 1 }),
    fc.string({ unit: "grapheme", minLength: 1 }),
    fc.constantFrom('id"q', "b\\s", "\u0000nul", "\ud800lone", "lone\udfff", "機械-🛠", "\u2028"),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 20 }), (pairs) => {
      const records = pairs.map(([id, machine], i) => {
        const r = makeRecord(i, { id });
        r.reading.machine_id = machine;
        return r;
      });
      const g = encodeGroup(records);
      assert.ok(g.numsBytes + g.textBytes <= g.buf.byteLength);
      const d = decodeGroup(
        storedGroup(
          g.n,
          new Uint8Array(g.buf, 0, g.numsBytes),
          new Uint8Array(g.buf, g.numsBytes, g.textBytes),
        ),
      );
      records.forEach((r, i) => {
        const got = rowValues(d, i);
        assert.equal(got[0], r.id);
        assert.equal(got[PREDICTION_COLUMNS.indexOf("machine_id")], r.reading.machine_id);
      });
    }),
    { numRuns: 300 },
  );
});

test("request metrics kept by series and by metrics.hot: every value is in the next scrape, as direct calls put it", async () => {
  const direct = createMetrics(new Registry(), { defaults: false });
  const buffered = createMetrics(new Registry(), { defaults: false });
  const values = fc.sample(fc.double({ min: 0, max: 2, noNaN: true }), { numRuns: 1500, seed: 11 });
  const keep = [
    "millwright_http",
    "millwright_predictions_total",
    "millwright_failure_probability",
    "millwright_prediction_log",
  ];
  const text = async (m: typeof direct) =>
    (await m.registry.metrics())
      .split("\n")
      .filter((l) => keep.some((k) => l.includes(k)))
      .join("\n");
  for (const [i, v] of values.entries()) {
    const version = i % 3 === 0 ? "1.0.0" : "1.1.0";
    const status = i % 10 === 9 ? "400" : "200"; // 200 first in both: series print in order of appearance
    direct.httpDuration.observe({ route: "/v1/predict", method: "POST", status_code: status }, v);
    buffered.httpDuration
      .series(status, () => ({
        route: "/v1/predict",
        method: "POST",
        status_code: status,
      }))
      .observe(v);
    direct.failureProbability.observe({ model_version: version }, v / 2);
    buffered.failureProbability.series(version, () => ({ model_version: version })).observeMany([v / 2], 1);
    direct.commitDuration.observe(v / 100);
    buffered.commitDuration.series("", () => ({})).observe(v / 100);
    direct.predictions.inc({ model_version: version, outcome: v > 1 ? "failure" : "ok" }, 2);
    buffered.hot.count(
      `${version} ${v > 1}`,
      () => ({ model_version: version, outcome: v > 1 ? "failure" : "ok" }),
      2,
    );
    // A scrape in the middle: buffers are flushed, nothing is counted twice.
    if (i === 700) assert.equal(await text(buffered), await text(direct));
  }
  direct.hot.inFlight = 3; // the gauge exports this number (its collect() sets it)
  buffered.hot.inFlight = 3;
  const want = await text(direct);
  assert.equal(await text(buffered), want);
  assert.match(want, /millwright_failure_probability_count\{model_version="1.1.0"\} 1000/);
  assert.match(await buffered.registry.metrics(), /millwright_http_requests_in_flight 3/);
});

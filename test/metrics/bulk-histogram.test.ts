// The hand-written pieces of the request metrics give exactly what prom-client's own give:
// BulkHistogram = prom-client's Histogram, and the buffered counts (metrics.hot) = direct calls.
// (Kept from test/serve/hot-path.test.ts, deleted with the AI4I app: the server's metrics use both.)
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Histogram, Registry } from "prom-client";
import { BulkHistogram } from "../../src/metrics/bulk-histogram.js";
import { sharedMetrics } from "../../src/metrics/shared.js";

/** The server's request-path metrics (metrics/shared.ts), on a registry of their own. */
function metrics() {
  const registry = new Registry();
  return { registry, ...sharedMetrics(registry) };
}

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
  const m = metrics();
  for (const h of [m.httpDuration, m.failureProbability]) assert.ok(h instanceof BulkHistogram);
  m.failureProbability.series("1.0.0", () => ({ model_version: "1.0.0" })).observeMany([0.2, 0.95]);
  assert.match(
    await m.registry.metrics(),
    /millwright_failure_probability_count\{model_version="1.0.0"\} 2\n/,
  );
});

test("request metrics kept by series and by metrics.hot: every value is in the next scrape, as direct calls put it", async () => {
  const direct = metrics();
  const buffered = metrics();
  const values = fc.sample(fc.double({ min: 0, max: 2, noNaN: true }), { numRuns: 1500, seed: 11 });
  const keep = ["millwright_http", "millwright_predictions_total", "millwright_failure_probability"];
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

// The AI4I server's metrics: those both servers export (metrics/shared.ts) plus its prediction log's
// and the CBPE quality estimate, with help text, base units and bounded labels. The registry is
// passed in (never prom-client's global one), so tests and several apps in one process do not
// collide. Names are the contract with deploy/monitoring/rules.yml and deploy/grafana.
import { Gauge, type Registry, collectDefaultMetrics } from "prom-client";
import { BulkHistogram } from "./bulk-histogram.js";
import { monitorGauges, sharedMetrics } from "./shared.js";

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(registry: Registry, opts: { defaults?: boolean } = {}) {
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry });
  const r = [registry];
  return {
    registry,
    ...sharedMetrics(registry),
    commitDuration: new BulkHistogram(
      {
        name: "millwright_prediction_log_commit_duration_seconds",
        help: "Time from handing predictions to the log until they are durable, in seconds.",
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      },
      r,
    ),
    spoolRecords: new Gauge({
      name: "millwright_store_spool_records",
      help: "Prediction records waiting in the local spool for the database to return.",
      registers: r,
    }),
    ...monitorGauges(registry),
  };
}

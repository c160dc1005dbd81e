import { Registry as PromRegistry } from "prom-client";
import { Monitor } from "../../monitor/monitor.js";
import { createMetrics } from "../../metrics/ai4i.js";
import { createStore } from "../../store/index.js";
import { readConfig, sqlitePath } from "../config.js";
import { out, outJson, parse, outThen } from "../io.js";
import { modelRefOpt, refuseContractChampion, registryOpt } from "../model-opts.js";

export const MONITOR_HELP = `millwright monitor --once [--registry DIR] [--model REF] [--json]

Computes the current monitoring state once and prints it: data drift of recent logged predictions
against the model's training reference, prediction drift, realised quality from labels (count and
time windows) and estimated quality (CBPE). For cron-like use and tests; the server runs the same
computation on a schedule.`;

export async function monitorCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { strings: ["registry", "model"], flags: ["once", "json"] }, MONITOR_HELP);
  if (values.help || !values.once) return outThen(MONITOR_HELP, values.help ? 0 : 2);
  refuseContractChampion(
    values,
    "monitor --once",
    "ask the server: GET /v1/monitor, or POST /v1/monitor/run with the admin token",
  );
  const cfg = readConfig();
  const registry = registryOpt(values);
  const bundle = registry.load(modelRefOpt(values));
  const store = await createStore({ databaseUrl: cfg.databaseUrl, sqlitePath: sqlitePath(cfg) });
  try {
    const monitor = new Monitor({
      registry,
      store,
      metrics: createMetrics(new PromRegistry(), { defaults: false }),
      served: () => ({ version: bundle.version, threshold: bundle.threshold.value }),
      ...cfg.quality,
    });
    const s = await monitor.runOnce();
    if (values.json) outJson(s);
    else if (s) {
      out(`model ${s.model_version}, ${s.current_rows} recent predictions, at ${s.at}`);
      if (s.drift) {
        out(
          `dataset drift: ${s.drift.dataset_drift ? "YES" : "no"} (share ${s.drift.drift_share.toFixed(2)})`,
        );
        for (const f of s.drift.features)
          out(
            `  ${f.feature.padEnd(22)} ${f.test.padEnd(14)} score ${f.score.toFixed(4)} threshold ${f.threshold}  ${f.drifted ? "DRIFTED" : "ok"}`,
          );
      } else out("drift: not enough recent predictions");
      for (const w of ["count", "time"] as const) {
        const r = s.quality.realised[w];
        out(
          `realised quality (${w} window): ${r.status === "ok" ? `F1 ${r.f1.toFixed(3)} recall ${r.recall.toFixed(3)} on ${r.n} labels` : `not enough data: ${r.reason}`}`,
        );
        const e = s.quality.estimated[w];
        out(
          `estimated quality (${w} window): ${"status" in e ? `not enough data: ${e.reason}` : `F1 ${e.f1?.toFixed(3) ?? "n/a"}`}`,
        );
      }
    }
  } finally {
    await store.close();
  }
  return 0;
}

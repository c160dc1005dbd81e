// The shadow's Prometheus metrics (declared in metrics/specs.ts, SHADOW_METRICS), for either
// server: counters move as the shadow scores; the comparison gauges are set from the summary when
// scraped (a prom-client collect hook: a comparison sorts and ranks its window, not a per-request
// cost), so neither server's /metrics route needs to know about the shadow.
import { Counter, Gauge, type Registry as PromRegistry } from "prom-client";
import { SHADOW_METRICS } from "../../metrics/specs.js";
import type { ShadowSummary } from "./control.js";

export type ShadowMetrics = ReturnType<typeof shadowMetrics>;

/** `summary`: read at each scrape (set later with `follow`, as the control is built after). */
export function shadowMetrics(registry: PromRegistry) {
  const r = [registry];
  let source: (() => ShadowSummary) | null = null;
  const g = {
    follow(s: () => ShadowSummary): void {
      source = s;
    },
    info: new Gauge({
      ...SHADOW_METRICS.info,
      registers: r,
      // The gauges from the comparison; no shadow: cleared, not left stale.
      collect() {
        if (!source) return;
        const { version, comparison: c } = source();
        for (const gauge of [g.info, g.agreement, g.distance, g.quality, g.labels]) gauge.reset();
        if (version === null || c === null) return;
        g.info.set({ version }, 1);
        g.labels.set(c.labelled);
        if (c.agreement !== null) g.agreement.set(c.agreement);
        if (c.distance.value !== null) g.distance.set({ stat: c.distance.stat }, c.distance.value);
        for (const model of ["champion", "shadow"] as const)
          for (const metric of ["pr_auc", "recall"] as const) {
            const v = c[model][metric];
            if (v !== null) g.quality.set({ model, metric }, v);
          }
      },
    }),
    scored: new Counter({ ...SHADOW_METRICS.scored, registers: r }),
    dropped: new Counter({ ...SHADOW_METRICS.dropped, registers: r }),
    agreement: new Gauge({ ...SHADOW_METRICS.agreement, registers: r }),
    distance: new Gauge({ ...SHADOW_METRICS.distance, registers: r }),
    quality: new Gauge({ ...SHADOW_METRICS.quality, registers: r }),
    labels: new Gauge({ ...SHADOW_METRICS.labels, registers: r }),
  };
  return g;
}

// The shadow's Prometheus metrics (declared in metrics/specs.ts, SHADOW_METRICS): counters move
// as the shadow scores; the comparison gauges are set from the summary when
// scraped (a prom-client collect hook: a comparison sorts and ranks its window, not a per-request
// cost), so the /metrics route need not know about the shadow.
import { Counter, Gauge, type Registry as PromRegistry } from "prom-client";
import { SHADOW_METRICS } from "../../metrics/specs.js";
import type { ShadowComparison } from "../../monitor/shadow.js";

export type ShadowMetrics = ReturnType<typeof shadowMetrics>;

/** What the gauges read of the shadow's summary (serve/contract/shadow.ts). */
type ShadowNow = { version: string | null; comparison: ShadowComparison | null };

/** `summary`: read at each scrape (set later with `follow`, as the control is built after). */
export function shadowMetrics(registry: PromRegistry) {
  const r = [registry];
  let source: (() => ShadowNow) | null = null;
  const g = {
    follow(s: () => ShadowNow): void {
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

// The AI4I app's shadow: built from the shared context, its metrics registered on the app's
// registry and read at each scrape (shadow/metrics.ts), failures logged as warnings.
import type { FastifyBaseLogger } from "fastify";
import type { Registry as PromRegistry } from "prom-client";
import { Ai4iShadow } from "./ai4i-shadow.js";
import type { Ctx } from "./context.js";
import { shadowMetrics } from "./shadow/metrics.js";

export function ai4iShadow(
  ctx: Ctx,
  registry: PromRegistry,
  log: FastifyBaseLogger,
  queue?: { capacity?: number; batch?: number },
): Ai4iShadow {
  const metrics = shadowMetrics(registry);
  const shadow = new Ai4iShadow({
    registry: ctx.registry,
    models: ctx.models,
    store: ctx.store,
    metrics,
    ...queue,
    warn: (msg) => log.warn(msg),
  });
  metrics.follow(() => shadow.summary());
  return shadow;
}

// The AI4I retraining loop's shadow period (MILLWRIGHT_SHADOW_MIN_LABELS / _HOURS), as the
// data-contract server has it (retrain/shadow-gate.ts): a challenger that passes the offline gate
// goes in the app's shadow, and is made champion (and served) once the live evidence says it is at
// least as good. Null when no shadow period is asked for.
import type { FastifyInstance } from "fastify";
import { ShadowGate, wantsShadow } from "../retrain/shadow-gate.js";
import type { Ai4iShadow } from "./ai4i-shadow.js";
import { shadowPeriod } from "./shadow/control.js";

export function ai4iShadowGate(
  app: FastifyInstance,
  need: { minLabels: number; minHours: number },
  checkMs: number,
): { gate: ShadowGate; stop(): Promise<void> } | null {
  if (!wantsShadow(need)) return null;
  const ctx = app.millwright;
  const shadow = ctx.shadow as Ai4iShadow;
  const m = ctx.metrics;
  const gate = new ShadowGate({
    need,
    period: shadowPeriod(shadow),
    promote: async (v) => {
      await ctx.registry.setAlias("champion", v);
      ctx.models.refresh(); // served from the next request (a pinned server keeps its version)
    },
    audit: ctx.store,
    counters: {
      trigger: () => {},
      decision: (verdict) => m.retrainDecisions.inc({ verdict }),
      running: () => {},
    },
    log: (msg) => app.log.info(msg),
  });
  const timer = setInterval(
    () => void gate.judge().catch((e) => app.log.warn(`shadow gate: ${(e as Error).message}`)),
    checkMs,
  );
  timer.unref();
  return {
    gate,
    async stop() {
      clearInterval(timer);
      await gate.idle();
    },
  };
}

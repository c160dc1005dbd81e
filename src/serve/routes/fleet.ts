// The fleet board's data: each machine's latest risk, likeliest mode, trend and reasons in words.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { featureMatrix } from "../../features/physics.js";
import { type Contribution, explainRow } from "../../train/explain.js";
import type { Ctx } from "../context.js";

/**
 * The board's reasons: what raises the risk; when nothing does (a low risk, as most machines have
 * most of the time), what keeps it low. Showing only the raising ones left most rows empty.
 */
export function fleetReasons(top: Contribution[]): string[] {
  const raising = top.filter((c) => c.contribution > 0);
  return (raising.length > 0 ? raising : top).map((c) => c.text);
}

export function fleetRoutes(app: FastifyInstance, ctx: Ctx): void {
  const tags = ["fleet"];
  app.get(
    "/v1/fleet",
    {
      schema: {
        tags,
        summary:
          "Every machine's current risk, likeliest failure mode, trend and top reasons (what raises the risk, or else what keeps it low); last_reading_at is the reading's own (shop) time",
      },
    },
    async () => {
      const bundle = ctx.models.current?.bundle;
      const machines = ctx.fleet.summary().map((m) => {
        let reasons: string[] = [];
        if (bundle) reasons = fleetReasons(explainRow(bundle, featureMatrix([m.reading]).data, 3).top);
        // The machine's own clock (simulated shop time under `up --simulate`), not the server's.
        const last_reading_at = m.reading.timestamp ?? m.last_seen;
        return { ...m, last_reading_at, reasons };
      });
      return { generated_at: new Date().toISOString(), machines };
    },
  );

  app.get(
    "/v1/machines/:id",
    { schema: { tags, summary: "One machine's readings, risk, labels and planned tasks" } },
    async (req) => {
      const id = (req.params as { id: string }).id;
      const hist = ctx.fleet.history(id);
      if (!hist) throw new MillwrightError("MW_NOT_FOUND", `no predictions for machine '${id}' yet`);
      const labelled = await Promise.all(hist.slice(-100).map((r) => ctx.store.getPrediction(r.id)));
      return {
        machine_id: id,
        machine_model: hist[hist.length - 1].reading.machine_model ?? "unknown",
        history: hist.slice(-100).map((r, i) => ({
          prediction_id: r.id,
          predicted_at: new Date(r.predictedAt).toISOString(),
          reading: r.reading,
          failure_probability: r.failureProbability,
          failure_predicted: r.failurePredicted,
          modes: r.modes,
          label: labelled[i]?.label
            ? { machine_failure: labelled[i]?.label?.machineFailure, modes: labelled[i]?.label?.modes }
            : null,
        })),
        tasks: ctx.plan?.latest?.tasks.filter((t) => t.machine_id === id) ?? [],
      };
    },
  );
}

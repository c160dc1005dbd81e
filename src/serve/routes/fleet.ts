// The fleet board's data: each machine's latest risk, likeliest mode, trend and reasons in words.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { featureMatrix } from "../../features/physics.js";
import { explainRow } from "../../train/explain.js";
import type { Ctx } from "../context.js";

export function fleetRoutes(app: FastifyInstance, ctx: Ctx): void {
  const tags = ["fleet"];
  app.get(
    "/v1/fleet",
    {
      schema: {
        tags,
        summary: "Every machine's current risk, likeliest failure mode, trend and top reasons",
      },
    },
    async () => {
      const bundle = ctx.models.current?.bundle;
      const machines = ctx.fleet.summary().map((m) => {
        let reasons: string[] = [];
        if (bundle) {
          const X = featureMatrix([m.reading]);
          reasons = explainRow(bundle, X.data, 3)
            .top.filter((c) => c.contribution > 0)
            .map((c) => c.text);
        }
        return { ...m, reasons };
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

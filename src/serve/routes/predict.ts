// POST /v1/predict: one reading or many; each answer is logged durably before it is sent.
import type { FastifyInstance } from "fastify";
import { MODE_HEADS, type Reading } from "../../data/schema.js";
import type { PredictionRecord } from "../../store/types.js";
import type { ModelBundle } from "../../train/bundle.js";
import type { Ctx } from "../context.js";
import { uuidv7 } from "../ids.js";
import { predictReadings } from "../model-service.js";
import { parseReadings } from "../reading.js";
import { predictBodySchema, predictResponseSchema } from "../schemas.js";

export interface PredictionJson {
  id: string;
  failure_probability: number;
  failure_predicted: boolean;
  modes: Record<string, number | null>;
  likeliest_mode: string | null;
  model: { name: string; version: string };
  machine_id?: string;
  explanation?: { feature: string; value: number | string; contribution: number; text: string }[];
}

const noValidation = () => (data: unknown) => ({ value: data });

/** Predicts, logs durably, and returns the JSON answers. Shared by /v1/predict and the OIP route. */
export async function predictAndLog(
  ctx: Ctx,
  bundle: ModelBundle,
  readings: Reading[],
  requestId: string,
  explain: boolean,
): Promise<PredictionJson[]> {
  const out = predictReadings(bundle, readings, explain);
  const now = Date.now();
  const version = bundle.version;
  const threshold = bundle.threshold.value;
  const answers: PredictionJson[] = new Array(readings.length);
  const records: PredictionRecord[] = new Array(readings.length);
  let failures = 0;
  for (let i = 0; i < readings.length; i++) {
    const p = out.failure[i];
    const predicted = p >= threshold;
    if (predicted) failures++;
    const modes: Record<string, number | null> = {};
    let best: string | null = null;
    let bestP = -1;
    for (const m of MODE_HEADS) {
      const arr = out.modes[m];
      const v = arr ? arr[i] : null;
      modes[m] = v;
      if (v !== null && v > bestP) {
        bestP = v;
        best = m;
      }
    }
    const id = uuidv7(now);
    const a: PredictionJson = {
      id,
      failure_probability: p,
      failure_predicted: predicted,
      modes,
      likeliest_mode: best,
      model: { name: bundle.name, version },
    };
    if (readings[i].machine_id) a.machine_id = readings[i].machine_id;
    if (out.explanations) a.explanation = out.explanations[i].top;
    answers[i] = a;
    records[i] = {
      id,
      requestId,
      modelName: bundle.name,
      modelVersion: version,
      predictedAt: now,
      reading: readings[i],
      failureProbability: p,
      failurePredicted: predicted,
      modes: modes as Record<string, number>,
    };
    ctx.metrics.failureProbability.observe({ model_version: version }, p);
  }
  const t0 = process.hrtime.bigint();
  await ctx.store.logPredictions(records);
  ctx.metrics.commitDuration.observe(Number(process.hrtime.bigint() - t0) / 1e9);
  if (failures > 0) ctx.metrics.predictions.inc({ model_version: version, outcome: "failure" }, failures);
  if (readings.length - failures > 0)
    ctx.metrics.predictions.inc({ model_version: version, outcome: "ok" }, readings.length - failures);
  ctx.fleet.add(records);
  return answers;
}

export function predictRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.post(
    "/v1/predict",
    {
      schema: {
        summary: "Predict machine failure for one reading or a batch",
        description:
          "Send one reading (object) or many (array, up to the batch limit). Each answer has a prediction id (use it to send the ground truth to /v1/feedback), the calibrated failure probability, the decision at the model's threshold and one probability per failure mode. Every answer is logged durably before it is sent.",
        tags: ["predict"],
        querystring: {
          type: "object",
          properties: {
            explain: { type: "boolean", description: "Add the top TreeSHAP contributions in words" },
          },
        },
        body: predictBodySchema,
        response: { 200: predictResponseSchema },
      },
      validatorCompiler: ({ httpPart }) =>
        httpPart === "body" ? noValidation() : (data: unknown) => ({ value: data }),
    },
    async (req) => {
      const q = req.query as Record<string, unknown>;
      const explain = q.explain === "true" || q.explain === "1" || q.explain === true;
      const { readings, batch } = parseReadings(req.body, ctx.maxBatch);
      const bundle = ctx.models.require().bundle;
      const answers = await predictAndLog(ctx, bundle, readings, req.id, explain);
      return batch ? { predictions: answers } : answers[0];
    },
  );
}

// POST /v1/predict: one reading or many; each answer is logged durably before it is sent.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { logBatch } from "../../store/batch.js";
import type { PredictionBatch } from "../../store/types.js";
import { batchAnswer, singleAnswer } from "../answers.js";
import type { Ctx } from "../context.js";
import type { Metrics } from "../../metrics/ai4i.js";
import { parseReadings } from "../reading.js";
import type { ReadingColumns } from "../reading-rules.js";
import { uuidv7Many } from "../ids.js";
import { predictColumns } from "../predict-columns.js";
import { keepArraysRaw, RawJson } from "../raw-json.js";
import { scanReadings } from "../scan-readings.js";
import { predictBodySchema, predictResponseSchema } from "../schemas.js";

const noValidation = () => (data: unknown) => ({ value: data });

/** Counts logged predictions: their probabilities, outcomes and the commit's duration since `t0`. */
function counted(m: Metrics, version: string, p: ArrayLike<number>, n: number, failures: number, t0: number) {
  const hot = m.hot;
  m.commitDuration.series("", () => ({})).observe((performance.now() - t0) / 1000);
  m.failureProbability.series(version, () => ({ model_version: version })).observeMany(p, n);
  if (failures > 0)
    hot.count(`${version}\u0000failure`, () => ({ model_version: version, outcome: "failure" }), failures);
  if (n - failures > 0)
    hot.count(`${version}\u0000ok`, () => ({ model_version: version, outcome: "ok" }), n - failures);
}

/**
 * Logs what was predicted (durable when this resolves), then counts it in the metrics, the fleet
 * cache and the shadow. Shared by /v1/predict and the OIP route. The store's flush starts before
 * this returns, so the caller can write the answer while the writer thread commits.
 */
export async function logPredicted(ctx: Ctx, b: PredictionBatch, failures: number): Promise<void> {
  const t0 = performance.now();
  await logBatch(ctx.store, b);
  counted(ctx.metrics, b.modelVersion, b.failureProbability, b.n, failures, t0);
  ctx.fleet.addBatch(b);
  ctx.shadow?.offerBatch(b); // scored in a later turn, after the answer is sent
}

/** Explanations run on the event loop: a request may ask for at most ctx.maxExplain of them. */
function explainAllowed(ctx: Ctx, n: number): void {
  if (n > ctx.maxExplain)
    throw new MillwrightError(
      "MW_BATCH_TOO_LARGE",
      `body: ${n} readings with explain=true, the limit is ${ctx.maxExplain}; send larger batches without explain`,
      { limit: ctx.maxExplain },
    );
}

export function predictRoutes(app: FastifyInstance, ctx: Ctx): void {
  // Its own scope, so that its JSON parser (below) applies to this route only.
  void app.register(async (scope) => predictRoute(scope, ctx));
}

function predictRoute(app: FastifyInstance, ctx: Ctx): void {
  // Arrays stay bytes until the handler: it reads them by column when it can (and the explain
  // option is off), and parses them exactly as Fastify would otherwise. Objects are parsed as usual.
  const parse = keepArraysRaw(app);
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
    async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const explain = q.explain === "true" || q.explain === "1" || q.explain === true;
      const bundle = ctx.models.require().bundle;
      reply.type("application/json; charset=utf-8");
      let body = req.body;
      // An array body is read by column straight from its bytes when it can be (scan-readings.ts);
      // anything else (an object, explain, whatever the scanner hands back) is parsed into the same
      // columns by parseReadings, which also writes every error.
      let cols: ReadingColumns | null =
        body instanceof RawJson && !explain ? scanReadings(body.bytes, ctx.maxBatch) : null;
      let single = false;
      if (!cols) {
        if (body instanceof RawJson) body = await parse(req, body);
        if (explain) explainAllowed(ctx, Array.isArray(body) ? body.length : 1);
        const parsed = parseReadings(body, ctx.maxBatch);
        cols = parsed.cols;
        single = !parsed.batch;
        if (explain) ctx.explainBudget.take(cols.n);
      }
      const { batch, failures, explanations } = predictColumns(
        bundle,
        cols,
        req.id,
        Date.now(),
        uuidv7Many,
        explain,
      );
      // The log's flush starts now; the answer is written while the writer thread commits, and sent
      // once the commit is durable. The schema above documents its shape; answers.ts writes it.
      const logged = logPredicted(ctx, batch, failures);
      const answer = single ? singleAnswer(batch, explanations) : batchAnswer(batch, explanations);
      await logged;
      return reply.send(answer);
    },
  );
}

// POST /v1/predict: one reading or many; each answer is logged durably before it is sent.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import type { Reading } from "../../data/schema.js";
import type { ModelBundle } from "../../train/bundle.js";
import { logBatch } from "../../store/batch.js";
import type { PredictionBatch } from "../../store/types.js";
import { answersBuffer, answersJson, type Built, buildPredictions, type PredictionJson } from "../answers.js";
import { batchAnswer, predictColumns } from "../batch-answers.js";
import type { Ctx } from "../context.js";
import type { Metrics } from "../../metrics/ai4i.js";
import { parseReadings } from "../reading.js";
import { scanReadings } from "../scan-readings.js";
import { predictBodySchema, predictResponseSchema } from "../schemas.js";

export { answersBuffer, answersJson, type PredictionJson } from "../answers.js";

const noValidation = () => (data: unknown) => ({ value: data });

/** Predicts, logs durably, and returns the JSON answers. Shared by /v1/predict and the OIP route. */
export async function predictAndLog(
  ctx: Ctx,
  bundle: ModelBundle,
  readings: Reading[],
  requestId: string,
  explain: boolean,
): Promise<PredictionJson[]> {
  const built = buildPredictions(bundle, readings, requestId, explain);
  await logBuilt(ctx, bundle.version, built);
  return built.answers;
}

/** Logs what was predicted (durable when this resolves), then counts it in the metrics and the fleet. */
export async function logBuilt(
  ctx: Ctx,
  version: string,
  b: Pick<Built, "records" | "failures" | "failure">,
): Promise<void> {
  const n = b.records.length;
  const t0 = performance.now();
  await ctx.store.logPredictions(b.records);
  counted(ctx.metrics, version, b.failure, n, b.failures, t0);
  ctx.fleet.add(b.records);
  ctx.shadow?.offerRecords(b.records); // scored in a later turn, after the answer is sent
}

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
 * Logs a columnar batch (durable when this resolves), then counts it in the metrics and the fleet:
 * logBuilt for the batches of scan-readings.ts. The store's flush starts before this returns.
 */
export async function logBatchBuilt(ctx: Ctx, b: PredictionBatch, failures: number): Promise<void> {
  const t0 = performance.now();
  await logBatch(ctx.store, b);
  counted(ctx.metrics, b.modelVersion, b.failureProbability, b.n, failures, t0);
  ctx.fleet.addBatch(b);
  ctx.shadow?.offerBatch(b);
}

/** An array body kept as bytes: read by column (scan-readings.ts), parsed on demand otherwise. */
class RawJson {
  constructor(readonly bytes: Buffer) {}
}

function startsWithBracket(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x5b) return true; // [
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return false;
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
  const parseJson = app.getDefaultJsonParser("error", "error");
  /** Fastify's own JSON parsing, errors included: exactly what every other route gets. */
  const parse = (req: FastifyRequest, text: string) =>
    new Promise<unknown>((resolve, reject) =>
      parseJson(req, text, (err: Error | null, v?: unknown) => (err ? reject(err) : resolve(v))),
    );
  // Arrays stay bytes until the handler: it reads them by column when it can (and the explain
  // option is off), and parses them exactly as Fastify would otherwise. Objects are parsed here.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => {
    const b = body as Buffer;
    if (startsWithBracket(b)) return done(null, new RawJson(b));
    parseJson(req, b.toString("utf8"), done);
  });
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
      const cols = body instanceof RawJson && !explain ? scanReadings(body.bytes, ctx.maxBatch) : null;
      if (cols) {
        const { batch, failures } = predictColumns(bundle, cols, req.id);
        // The log's flush starts now; the answer is written while the writer thread commits.
        const logged = logBatchBuilt(ctx, batch, failures);
        const answer = batchAnswer(batch);
        await logged;
        return reply.send(answer);
      }
      if (body instanceof RawJson) body = await parse(req, body.bytes.toString("utf8"));
      if (explain) explainAllowed(ctx, Array.isArray(body) ? body.length : 1);
      const parsed = parseReadings(body, ctx.maxBatch);
      if (explain) ctx.explainBudget.take(parsed.readings.length);
      const batch = parsed.batch;
      const answers = await predictAndLog(ctx, bundle, parsed.readings, req.id, explain);
      // Sent as is (a string or Buffer with its content type): the schema above documents the shape,
      // answersJson / answersBuffer write it.
      return reply.send(batch ? answersBuffer(answers) : answersJson(answers, false));
    },
  );
}

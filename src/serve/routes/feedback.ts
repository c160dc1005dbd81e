// POST /v1/feedback: the ground truth for earlier predictions. Idempotent per prediction id; an
// unknown id is a 404 for that item only, never a failure of the whole batch.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import type { FeedbackItem, FeedbackOutcome } from "../../store/types.js";
import type { Ctx } from "../context.js";
import { feedbackItemSchema } from "../schemas.js";
import { tokenRoute } from "../auth-gate.js";

const MODES = ["twf", "hdf", "pwf", "osf", "rnf"] as const;
const ALLOWED = new Set(["prediction_id", "machine_failure", ...MODES]);

function parseItem(v: unknown, path: string): FeedbackItem {
  const fail = (field: string, msg: string): never => {
    throw new MillwrightError("MW_VALIDATION", `${path}${field}: ${msg}`, { field: `${path}${field}` });
  };
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail("", "must be an object");
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!ALLOWED.has(k)) fail(`.${k}`, "unknown field");
  if (typeof o.prediction_id !== "string" || o.prediction_id.length === 0 || o.prediction_id.length > 64)
    fail(".prediction_id", "is required: the id /v1/predict returned");
  if (o.machine_failure !== 0 && o.machine_failure !== 1)
    fail(".machine_failure", "is required and must be 0 or 1");
  const modes: FeedbackItem["modes"] = {};
  for (const m of MODES) {
    if (o[m] === undefined) continue;
    if (o[m] !== 0 && o[m] !== 1) fail(`.${m}`, "must be 0 or 1");
    modes[m] = o[m] as 0 | 1;
  }
  return { predictionId: o.prediction_id as string, machineFailure: o.machine_failure as 0 | 1, modes };
}

const STATUS: Record<FeedbackOutcome, number> = {
  accepted: 200,
  duplicate: 200,
  unknown: 404,
  conflict: 409,
};

export function feedbackRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.post(
    "/v1/feedback",
    {
      ...tokenRoute("feedback", {
        summary: "Send the ground truth for earlier predictions",
        description:
          "One item, an array, or {feedback: [...]}. Needs the feedback bearer token. The same label twice counts once (status 'duplicate'); a different label for an already-labelled prediction is kept as first received ('conflict', 409 for that item); an unknown id is a 404 for that item only.",
        tags: ["feedback"],
        body: {
          anyOf: [
            feedbackItemSchema,
            { type: "array", items: feedbackItemSchema },
            { type: "object", properties: { feedback: { type: "array", items: feedbackItemSchema } } },
          ],
        },
      }),
      validatorCompiler: () => (data: unknown) => ({ value: data }),
    },
    async (req, reply) => {
      const body = req.body as unknown;
      let raw: unknown[];
      let single = false;
      if (Array.isArray(body)) raw = body;
      else if (body && typeof body === "object" && Array.isArray((body as { feedback?: unknown }).feedback))
        raw = (body as { feedback: unknown[] }).feedback;
      else {
        raw = [body];
        single = true;
      }
      if (raw.length === 0) throw new MillwrightError("MW_EMPTY_BATCH", "body: no feedback items");
      if (raw.length > ctx.maxBatch)
        throw new MillwrightError(
          "MW_BATCH_TOO_LARGE",
          `body: ${raw.length} items, the limit is ${ctx.maxBatch}`,
        );
      const items = raw.map((r, i) => parseItem(r, single ? "body" : `body[${i}]`));
      const outcomes = await ctx.store.addFeedback(items);
      for (const o of outcomes) ctx.metrics.feedback.inc({ outcome: o });
      ctx.shadow?.labelled(items, outcomes);
      const results = items.map((it, i) => ({
        prediction_id: it.predictionId,
        status: outcomes[i],
        code: STATUS[outcomes[i]],
      }));
      if (single) {
        const r = results[0];
        if (r.status === "unknown")
          throw new MillwrightError("MW_PREDICTION_NOT_FOUND", `no prediction with id '${r.prediction_id}'`, {
            field: "body.prediction_id",
          });
        if (r.status === "conflict")
          throw new MillwrightError(
            "MW_CONFLICT",
            `prediction '${r.prediction_id}' already has a different label`,
          );
        return reply.send(r);
      }
      const summary = { accepted: 0, duplicate: 0, unknown: 0, conflict: 0 };
      for (const o of outcomes) summary[o]++;
      return reply.send({ results, summary });
    },
  );
}

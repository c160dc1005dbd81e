// POST /v1/feedback: the ground truth for earlier predictions. Idempotent per prediction id; an
// unknown id is a 404 for that item only, never a failure of the whole batch. The body and the
// answer are the contract server's too (feedback-body.ts).
import type { FastifyInstance } from "fastify";
import type { Ctx } from "../context.js";
import { feedbackAnswer, feedbackBodySchema, feedbackItems } from "../feedback-body.js";
import { feedbackItemSchema } from "../schemas.js";
import { tokenRoute } from "../auth-gate.js";

const SHAPE = { labelNames: ["machine_failure"], modes: ["twf", "hdf", "pwf", "osf", "rnf"] } as const;

export function feedbackRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.post(
    "/v1/feedback",
    {
      ...tokenRoute("feedback", {
        summary: "Send the ground truth for earlier predictions",
        description:
          "One item, an array, or {feedback: [...]}. Needs the feedback bearer token. The same label twice counts once (status 'duplicate'); a different label for an already-labelled prediction is kept as first received ('conflict', 409 for that item); an unknown id is a 404 for that item only.",
        tags: ["feedback"],
        body: feedbackBodySchema(feedbackItemSchema),
      }),
      validatorCompiler: () => (data: unknown) => ({ value: data }),
    },
    async (req, reply) => {
      const { items, single } = feedbackItems(req.body, ctx.maxBatch, SHAPE);
      const asStored = items.map((it) => ({
        predictionId: it.predictionId,
        machineFailure: it.label,
        modes: it.modes,
      }));
      const outcomes = await ctx.store.addFeedback(asStored);
      for (const o of outcomes) ctx.metrics.feedback.inc({ outcome: o });
      ctx.shadow?.labelled(asStored, outcomes);
      return reply.send(feedbackAnswer(items, outcomes, single));
    },
  );
}

// POST /v1/feedback on a contract server: the ground truth of earlier answers, by their ids, for a
// row-labelled contract (its label is a column of each row, as AI4I's; nothing else tells the
// server). The AI4I app's body and answers (feedback-body.ts), so its clients work unchanged;
// `label` is the contract's label column, `machine_failure` (the AI4I name, and the head's) the
// same. A contract whose ground truth is its failure events answers 409 MW_EVENT_LABELLED.
import type { FastifyInstance } from "fastify";
import type { Counter } from "prom-client";
import { feedbackAnswer, feedbackBodySchema, feedbackItems, feedbackItemSchema } from "../feedback-body.js";
import { tokenRoute } from "../auth-gate.js";
import type { ContractService } from "./contract-service.js";

export function contractFeedbackRoutes(
  app: FastifyInstance,
  svc: ContractService,
  maxBatch: number,
  feedback: Counter<"outcome">,
): void {
  const c = svc.model.contract;
  const shape = { labelNames: ["label", "machine_failure"], modes: c.labels?.modes.map((m) => m.name) ?? [] };
  const words: Record<string, string> = {
    label: `1: the row was a failure (the contract's '${c.labels?.column ?? "label"}' column), 0: it was not`,
    machine_failure: "the same as label (the AI4I app's name for it)",
    ...Object.fromEntries((c.labels?.modes ?? []).map((m) => [m.name, `failure mode '${m.column}': 0 or 1`])),
  };
  app.post(
    "/v1/feedback",
    {
      // Our own checks (feedback-body.ts) name the item and field; the schema is for the docs.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
      // Checked before the body is read: an unauthenticated client cannot make us parse 16 MB (issue 18).
      ...tokenRoute("feedback", {
        summary:
          "The ground truth of earlier answers, by their ids (row-labelled contracts; token: feedback)",
        description: c.failures
          ? `Contract '${c.name}' learns its ground truth from failure events (POST /v1/events): this route answers 409 MW_EVENT_LABELLED.`
          : "One item, an array, or {feedback: [...]}. The label is logged in the history log before the answer, and the monitor's realised quality counts it while its reading is among the last 5,000. The same label twice counts once ('duplicate'); a different label for a labelled prediction is kept as first received ('conflict': 409 for a single item); an unknown id is 'unknown' (404 for a single item).",
        tags: ["feedback"],
        body: feedbackBodySchema(feedbackItemSchema(shape, words)),
      }),
    },
    async (req) => {
      svc.takesFeedback();
      const { items, single } = feedbackItems(req.body, maxBatch, shape);
      const receivedAt = Date.now();
      const outcomes = await svc.labels(
        items.map((it) => ({ id: it.predictionId, label: it.label, modes: it.modes, receivedAt })),
      );
      for (const o of outcomes) feedback.inc({ outcome: o });
      return feedbackAnswer(items, outcomes, single);
    },
  );
}

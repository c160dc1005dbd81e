// POST /v1/feedback on a contract server: the ground truth of earlier answers, by their ids, for a
// row-labelled contract (its label is a column of each row, as AI4I's; nothing else tells the
// server). The retired AI4I app's body and answers, so its clients work unchanged: one item, an
// array, or {feedback: [...]}; a batch answers 200 with an outcome per item and a summary, a single
// item's unknown id is a 404 and its conflicting label a 409. Items are checked here, naming the
// field (`body[3].twf: must be 0 or 1`). `label` is the contract's label column, `machine_failure`
// (the AI4I name, and the head's) the same. A contract whose ground truth is its failure events
// answers 409 MW_EVENT_LABELLED.
import type { FastifyInstance } from "fastify";
import type { Counter } from "prom-client";
import { MillwrightError } from "../../core/errors.js";
import type { LabelIn, LabelOutcome as FeedbackOutcome } from "../../store/history/types.js";
import { tokenRoute } from "../auth-gate.js";
import { closedObject } from "../body-schema.js";
import type { ContractService } from "./contract-service.js";

/** The names the label goes by (any one of them; equal if both). */
const LABEL_NAMES = ["label", "machine_failure"];

/** An item as checked: the label as logged, but for when it was received. */
type FeedbackLabel = Omit<LabelIn, "receivedAt">;

const STATUS: Record<FeedbackOutcome, number> = {
  accepted: 200,
  duplicate: 200,
  unknown: 404,
  conflict: 409,
};

/** `modes`: the contract's mode names. */
function parseItem(v: unknown, path: string, modeNames: readonly string[]): FeedbackLabel {
  const fail = (field: string, msg: string): never => {
    throw new MillwrightError("MW_VALIDATION", `${path}${field}: ${msg}`, { field: `${path}${field}` });
  };
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail("", "must be an object");
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== "prediction_id" && !LABEL_NAMES.includes(k) && !modeNames.includes(k))
      fail(`.${k}`, "unknown field");
  if (typeof o.prediction_id !== "string" || o.prediction_id.length === 0 || o.prediction_id.length > 64)
    fail(".prediction_id", "is required: the id /v1/predict returned");
  const given = LABEL_NAMES.filter((n) => o[n] !== undefined);
  if (given.length === 0) fail(".label", "is required and must be 0 or 1 (or machine_failure)");
  for (const n of given) if (o[n] !== 0 && o[n] !== 1) fail(`.${n}`, "is required and must be 0 or 1");
  if (given.some((n) => o[n] !== o[given[0]])) fail(`.${given[1]}`, `says otherwise than ${given[0]}`);
  const modes: Record<string, 0 | 1> = {};
  for (const m of modeNames) {
    if (o[m] === undefined) continue;
    if (o[m] !== 0 && o[m] !== 1) fail(`.${m}`, "must be 0 or 1");
    modes[m] = o[m] as 0 | 1;
  }
  return { id: o.prediction_id as string, label: o[given[0]] as 0 | 1, modes };
}

/** The items of a body, checked; `single` when it was one item (not an array or {feedback}). */
function feedbackItems(
  body: unknown,
  maxBatch: number,
  modeNames: readonly string[],
): { items: FeedbackLabel[]; single: boolean } {
  const listed: unknown = Array.isArray(body) ? body : (body as { feedback?: unknown } | null)?.feedback;
  const single = !Array.isArray(listed);
  const raw: unknown[] = single ? [body] : listed;
  if (raw.length === 0) throw new MillwrightError("MW_EMPTY_BATCH", "body: no feedback items");
  if (raw.length > maxBatch)
    throw new MillwrightError("MW_BATCH_TOO_LARGE", `body: ${raw.length} items, the limit is ${maxBatch}`);
  return { items: raw.map((r, i) => parseItem(r, single ? "body" : `body[${i}]`, modeNames)), single };
}

/** The answer: one item's result (or its 404/409), or every item's with a summary. */
function feedbackAnswer(
  items: readonly FeedbackLabel[],
  outcomes: readonly FeedbackOutcome[],
  single: boolean,
) {
  const results = items.map((it, i) => ({
    prediction_id: it.id,
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
    return r;
  }
  const summary = { accepted: 0, duplicate: 0, unknown: 0, conflict: 0 };
  for (const o of outcomes) summary[o]++;
  return { results, summary };
}

export function contractFeedbackRoutes(
  app: FastifyInstance,
  svc: ContractService,
  maxBatch: number,
  counter: Counter<"outcome">,
): void {
  const c = svc.model.contract;
  const modeNames = c.labels?.modes.map((m) => m.name) ?? [];
  const words: Record<string, string> = {
    label: `1: the row was a failure (the contract's '${c.labels?.column ?? "label"}' column), 0: it was not`,
    machine_failure: "the same as label (the AI4I app's name for it)",
    ...Object.fromEntries((c.labels?.modes ?? []).map((m) => [m.name, `failure mode '${m.column}': 0 or 1`])),
  };
  const flag = (description: string) => ({ type: "integer", enum: [0, 1], description });
  const item = closedObject(
    {
      prediction_id: {
        type: "string",
        minLength: 1,
        maxLength: 64,
        description: "the id /v1/predict returned",
      },
      ...Object.fromEntries(Object.entries(words).map(([n, w]) => [n, flag(w)])),
    },
    ["prediction_id"],
  );
  const feedback = { type: "array", items: item };
  app.post(
    "/v1/feedback",
    {
      // Our own checks (feedbackItems) name the item and field; the schema is for the docs.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
      // Checked before the body is read: an unauthenticated client cannot make us parse 16 MB (issue 18).
      ...tokenRoute("feedback", {
        summary:
          "The ground truth of earlier answers, by their ids (row-labelled contracts; token: feedback)",
        description: c.failures
          ? `Contract '${c.name}' learns its ground truth from failure events (POST /v1/events): this route answers 409 MW_EVENT_LABELLED.`
          : "One item, an array, or {feedback: [...]}. The label is logged in the history log before the answer, and the monitor's realised quality counts it while its reading is among the last 5,000. The same label twice counts once ('duplicate'); a different label for a labelled prediction is kept as first received ('conflict': 409 for a single item); an unknown id is 'unknown' (404 for a single item).",
        tags: ["feedback"],
        // One item, an array, or {feedback: [...]}.
        body: { anyOf: [item, { type: "array", items: item }, { type: "object", properties: { feedback } }] },
      }),
    },
    async (req) => {
      svc.takesFeedback();
      const { items, single } = feedbackItems(req.body, maxBatch, modeNames);
      const receivedAt = Date.now();
      const outcomes = await svc.labels(items.map((it) => ({ ...it, receivedAt })));
      for (const o of outcomes) counter.inc({ outcome: o });
      return feedbackAnswer(items, outcomes, single);
    },
  );
}

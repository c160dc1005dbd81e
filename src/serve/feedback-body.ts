// POST /v1/feedback's body and answer (contract/routes-feedback.ts), the retired AI4I app's shape,
// so its clients work unchanged: one item, an array, or {feedback: [...]}; a batch answers 200
// with an outcome per item and a summary, a single item's unknown id is a 404 and its conflicting
// label a 409. Items are checked here, naming the field (`body[3].twf: must be 0 or 1`).
import { MillwrightError } from "../core/errors.js";
import type { LabelOutcome as FeedbackOutcome } from "../store/history/types.js";
import { closedObject } from "./body-schema.js";

/** What a server takes: the names its label goes by (any one of them; equal if more), its modes. */
export interface FeedbackShape {
  labelNames: readonly string[];
  modes: readonly string[];
}

export interface FeedbackLabel {
  predictionId: string;
  label: 0 | 1;
  modes: Record<string, 0 | 1>;
}

const STATUS: Record<FeedbackOutcome, number> = {
  accepted: 200,
  duplicate: 200,
  unknown: 404,
  conflict: 409,
};

function parseItem(v: unknown, path: string, shape: FeedbackShape): FeedbackLabel {
  const fail = (field: string, msg: string): never => {
    throw new MillwrightError("MW_VALIDATION", `${path}${field}: ${msg}`, { field: `${path}${field}` });
  };
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail("", "must be an object");
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== "prediction_id" && !shape.labelNames.includes(k) && !shape.modes.includes(k))
      fail(`.${k}`, "unknown field");
  if (typeof o.prediction_id !== "string" || o.prediction_id.length === 0 || o.prediction_id.length > 64)
    fail(".prediction_id", "is required: the id /v1/predict returned");
  const given = shape.labelNames.filter((n) => o[n] !== undefined);
  const [first, ...alias] = shape.labelNames;
  if (given.length === 0)
    fail(`.${first}`, `is required and must be 0 or 1${alias.length ? ` (or ${alias.join(", ")})` : ""}`);
  for (const n of given) if (o[n] !== 0 && o[n] !== 1) fail(`.${n}`, "is required and must be 0 or 1");
  if (given.some((n) => o[n] !== o[given[0]])) fail(`.${given[1]}`, `says otherwise than ${given[0]}`);
  const modes: Record<string, 0 | 1> = {};
  for (const m of shape.modes) {
    if (o[m] === undefined) continue;
    if (o[m] !== 0 && o[m] !== 1) fail(`.${m}`, "must be 0 or 1");
    modes[m] = o[m] as 0 | 1;
  }
  return { predictionId: o.prediction_id as string, label: o[given[0]] as 0 | 1, modes };
}

/** The items of a body, checked; `single` when it was one item (not an array or {feedback}). */
export function feedbackItems(
  body: unknown,
  maxBatch: number,
  shape: FeedbackShape,
): { items: FeedbackLabel[]; single: boolean } {
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
  if (raw.length > maxBatch)
    throw new MillwrightError("MW_BATCH_TOO_LARGE", `body: ${raw.length} items, the limit is ${maxBatch}`);
  return { items: raw.map((r, i) => parseItem(r, single ? "body" : `body[${i}]`, shape)), single };
}

/** The answer: one item's result (or its 404/409), or every item's with a summary. */
export function feedbackAnswer(
  items: readonly FeedbackLabel[],
  outcomes: readonly FeedbackOutcome[],
  single: boolean,
) {
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
    return r;
  }
  const summary = { accepted: 0, duplicate: 0, unknown: 0, conflict: 0 };
  for (const o of outcomes) summary[o]++;
  return { results, summary };
}

/** An item in the OpenAPI document. */
export function feedbackItemSchema(shape: FeedbackShape, words: Record<string, string> = {}) {
  const flag = (n: string) => ({
    type: "integer",
    enum: [0, 1],
    ...(words[n] ? { description: words[n] } : {}),
  });
  return closedObject(
    {
      prediction_id: {
        type: "string",
        minLength: 1,
        maxLength: 64,
        description: "the id /v1/predict returned",
      },
      ...Object.fromEntries([...shape.labelNames, ...shape.modes].map((n) => [n, flag(n)])),
    },
    ["prediction_id"],
  );
}

/** The body in the OpenAPI document: one item, an array, or {feedback: [...]}. */
export function feedbackBodySchema(item: object) {
  return {
    anyOf: [
      item,
      { type: "array", items: item },
      { type: "object", properties: { feedback: { type: "array", items: item } } },
    ],
  };
}

// JSON schemas for the OpenAPI document (/docs). Request bodies of /v1/predict and /v1/feedback are
// validated by hand-written code (reading.ts, feedback route) for precise messages; the reading's
// schema is written from the same rule table (READING_FIELDS in reading-rules.ts), so the docs
// say the rules the parser applies.
import { MODE_HEADS } from "../data/schema.js";
import { type FieldRule, READING_FIELDS } from "./reading-rules.js";

/** One field's JSON schema, from its rule. */
function fieldSchema(f: FieldRule): Record<string, unknown> {
  const described = f.description ? { description: f.description } : {};
  switch (f.kind) {
    case "type":
      return { type: "string", enum: [...f.values], ...described };
    case "number":
      return { type: "number", minimum: f.min, maximum: f.max, ...described };
    case "id":
      return { type: "string", minLength: 1, maxLength: f.maxLength, ...described };
    case "timestamp":
      return { type: "string", format: "date-time", maxLength: f.maxLength, ...described };
  }
}

export const readingSchema = {
  type: "object",
  additionalProperties: false,
  required: READING_FIELDS.filter((f) => f.required).map((f) => f.name),
  properties: Object.fromEntries(READING_FIELDS.map((f) => [f.name, fieldSchema(f)])),
  example: {
    type: "L",
    air_temperature: 298.1,
    process_temperature: 308.6,
    rotational_speed: 1551,
    torque: 42.8,
    tool_wear: 108,
    machine_id: "M07",
  },
};

export const predictBodySchema = {
  description: "One reading, or an array of readings (at most the configured batch limit, default 10,000)",
  anyOf: [readingSchema, { type: "array", minItems: 1, items: readingSchema }],
};

const modesSchema = {
  type: "object",
  description: "Probability per failure mode (null when the model has no head for that mode)",
  properties: Object.fromEntries(MODE_HEADS.map((m) => [m, { type: ["number", "null"] }])),
};

export const predictionSchema = {
  type: "object",
  properties: {
    id: { type: "string", description: "Prediction id: send it back with the ground truth" },
    failure_probability: { type: "number", description: "Calibrated probability of a machine failure" },
    failure_predicted: { type: "boolean", description: "failure_probability ≥ the model's threshold" },
    modes: modesSchema,
    likeliest_mode: { type: ["string", "null"] },
    model: { type: "object", properties: { name: { type: "string" }, version: { type: "string" } } },
    machine_id: { type: "string" },
    explanation: {
      type: "array",
      items: {
        type: "object",
        properties: {
          feature: { type: "string" },
          value: { type: ["number", "string"] },
          contribution: {
            type: "number",
            description: "the reading's push on the model's score (log-odds; positive raises the risk)",
          },
          risk_without: {
            type: "number",
            description: "the failure risk (0-1) if this reading were typical, the rest kept",
          },
          text: { type: "string" },
        },
      },
    },
  },
} as const;

export const predictResponseSchema = {
  description: "A prediction for an object body; {predictions: [...]} in input order for an array body",
  anyOf: [
    {
      type: "object",
      required: ["predictions"],
      properties: { predictions: { type: "array", items: predictionSchema } },
    },
    predictionSchema,
  ],
};

export const problemSchema = {
  type: "object",
  description: "RFC 9457 problem details",
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    code: { type: "string" },
    detail: { type: "string" },
    field: { type: "string" },
    instance: { type: "string" },
  },
} as const;

export const feedbackItemSchema = {
  type: "object",
  required: ["prediction_id", "machine_failure"],
  additionalProperties: false,
  properties: {
    prediction_id: { type: "string" },
    machine_failure: { type: "integer", enum: [0, 1] },
    twf: { type: "integer", enum: [0, 1] },
    hdf: { type: "integer", enum: [0, 1] },
    pwf: { type: "integer", enum: [0, 1] },
    osf: { type: "integer", enum: [0, 1] },
    rnf: { type: "integer", enum: [0, 1] },
  },
} as const;

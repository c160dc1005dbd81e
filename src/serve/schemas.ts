// JSON schemas for the OpenAPI document (/docs). Request bodies of /v1/predict and /v1/feedback are
// validated by hand-written code (reading.ts, feedback route) for precise messages; these schemas
// describe the same rules so the docs stay true.
import { PHYSICAL_LIMITS, RAW_FEATURES } from "../data/schema.js";

const numberField = (f: (typeof RAW_FEATURES)[number], description: string) => ({
  type: "number",
  minimum: PHYSICAL_LIMITS[f].min,
  maximum: PHYSICAL_LIMITS[f].max,
  description,
});

export const readingSchema = {
  type: "object",
  additionalProperties: false,
  required: ["type", ...RAW_FEATURES],
  properties: {
    type: { type: "string", enum: ["L", "M", "H"], description: "Product quality variant" },
    air_temperature: numberField("air_temperature", "Air temperature, K"),
    process_temperature: numberField("process_temperature", "Process temperature, K"),
    rotational_speed: numberField("rotational_speed", "Rotational speed, rpm"),
    torque: numberField("torque", "Torque, Nm"),
    tool_wear: numberField("tool_wear", "Tool wear, min"),
    machine_id: { type: "string", maxLength: 128 },
    machine_model: { type: "string", maxLength: 128, description: "Make and model" },
    timestamp: { type: "string", format: "date-time" },
  },
  example: {
    type: "L",
    air_temperature: 298.1,
    process_temperature: 308.6,
    rotational_speed: 1551,
    torque: 42.8,
    tool_wear: 108,
    machine_id: "M07",
  },
} as const;

export const predictBodySchema = {
  description: "One reading, or an array of readings (at most the configured batch limit, default 10,000)",
  anyOf: [readingSchema, { type: "array", minItems: 1, items: readingSchema }],
};

const modesSchema = {
  type: "object",
  description: "Probability per failure mode (null when the model has no head for that mode)",
  properties: {
    twf: { type: ["number", "null"] },
    hdf: { type: ["number", "null"] },
    pwf: { type: ["number", "null"] },
    osf: { type: ["number", "null"] },
  },
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

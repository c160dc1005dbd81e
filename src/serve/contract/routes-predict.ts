// POST /v1/predict on a data-contract model: one reading (an object) or many (an array), each pushed
// into its machine's history, scored, logged durably, and answered. An array body is read straight
// from its bytes into columns by the contract's own rules (pipeline/scan-readings.ts) when it can
// be; anything else is parsed and checked by toColumns (pipeline/readings.ts), which names the
// reading and field of an error. Either way the answer is written by hand (answer-json.ts) while
// the log commits, and sent once the readings are durable.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import type { HistoryModel } from "../../train/history-model.js";
import { type ReadingColumns, readingSchema } from "../../pipeline/readings.js";
import { scanReadings } from "../../pipeline/scan-readings.js";
import { ACCEPT_ALL } from "../body-schema.js";
import { keepArraysRaw, RawJson } from "../raw-json.js";
import { batchAnswerJson, singleAnswerJson } from "./answer-json.js";
import { queryBool } from "./page.js";
import type { ContractService, ScoredBatch } from "./contract-service.js";

/** One answer's schema (ContractAnswer), for the OpenAPI document: the route writes the JSON itself. */
function answerSchema(m: HistoryModel): Record<string, unknown> {
  const kinds = m.headNames.filter((h) => h !== "machine_failure");
  const probability = { type: "number", minimum: 0, maximum: 1 };
  return {
    type: "object",
    properties: {
      id: {
        type: "string",
        description: "the prediction's id (UUIDv7): the reading's id in the history log",
      },
      machine_id: { type: "string" },
      timestamp: {
        description: "the reading's timestamp as sent (a counter's count; its index without a time)",
      },
      failure_probability: probability,
      failure_predicted: { type: "boolean", description: "at the model's threshold" },
      heads: {
        type: "object",
        description: "probability of a failure of each kind within the horizon (null: a kind without a head)",
        properties: Object.fromEntries(kinds.map((k) => [k, { ...probability, nullable: true }])),
      },
      likeliest_kind: { type: "string", nullable: true, enum: [...kinds, null] },
      model: { type: "object", properties: { name: { type: "string" }, version: { type: "string" } } },
      explanation: {
        type: "array",
        description: "with ?explain=true: the three largest reasons, in the contract's words",
        items: {
          type: "object",
          properties: {
            feature: { type: "string" },
            value: { description: "the feature's value (a category's level name; null when missing)" },
            unit: { type: "string" },
            contribution: { type: "number" },
            risk_without: probability,
            text: { type: "string" },
          },
        },
      },
    },
  };
}

export function contractPredictRoute(
  app: FastifyInstance,
  svc: ContractService,
  maxBatch: number,
  count: (batch: ScoredBatch) => void,
): void {
  // Its own scope, so that its JSON parser (raw-json.ts) applies to this route only.
  void app.register(async (scope) => {
    const reading = readingSchema(svc.model.contract);
    const answer = answerSchema(svc.model);
    const parse = keepArraysRaw(scope);
    scope.post(
      "/v1/predict",
      {
        // Our own checks (pipeline/readings.ts) name the reading's index and field; the schemas are the
        // same contract's, for the docs.
        validatorCompiler: ACCEPT_ALL,
        schema: {
          summary: "Score one reading (an object) or many (an array), each pushed into its machine's history",
          tags: ["predict"],
          body: { oneOf: [reading, { type: "array", items: reading, maxItems: maxBatch }] },
          querystring: {
            type: "object",
            properties: {
              explain: {
                type: "string",
                enum: ["true", "false", "1", "0", "yes", "no"],
                description: "true: each answer carries its explanation (anything else but false: 400)",
              },
            },
          },
          response: {
            200: {
              description: "one answer for an object, {predictions: [...]} in reading order for an array",
              oneOf: [
                answer,
                { type: "object", properties: { predictions: { type: "array", items: answer } } },
              ],
            },
          },
        },
      },
      async (req, reply) => {
        const explain = queryBool((req.query as { explain?: unknown }).explain, "explain");
        const body = req.body;
        // Scanned with the contract served now (a swap serves another version of the same contract).
        let readings: ReadingColumns | unknown[] | null =
          body instanceof RawJson && !explain ? scanReadings(svc.model.contract, body.bytes, maxBatch) : null;
        let single = false;
        if (!readings) {
          const parsed = body instanceof RawJson ? await parse(req, body) : body;
          single = !Array.isArray(parsed);
          readings = single ? [parsed] : (parsed as unknown[]);
          if (readings.length === 0) throw new MillwrightError("MW_EMPTY_BATCH", "the batch is empty");
          if (readings.length > maxBatch)
            throw new MillwrightError(
              "MW_BATCH_TOO_LARGE",
              `${readings.length} readings: at most ${maxBatch} per request`,
            );
        }
        let json: Buffer | string = "";
        const batch = await svc.predict(readings, single, explain, (b) => {
          json = single ? singleAnswerJson(b) : batchAnswerJson(b);
        });
        count(batch);
        return reply.type("application/json; charset=utf-8").send(json);
      },
    );
  });
}

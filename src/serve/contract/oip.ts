// Open Inference Protocol v2 inference for a data-contract model (POST /v2/models/{name}/infer and
// the same by version): the request's tensors read into readings (pipeline/oip-tensors.ts), scored by
// the one pipeline /v1/predict scores with, and answered as the model's output tensors. Metadata and
// readiness: oip-models.ts.
import type { FastifyInstance } from "fastify";
import { readInfer, tensorsOf } from "../../pipeline/oip-tensors.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { ACCEPT_ALL } from "../body-schema.js";
import type { ReadyState } from "../readiness.js";
import type { ContractService, ScoredBatch } from "./contract-service.js";
import { modelUrls, oipModelRoutes, servedModel } from "./oip-models.js";

const INFER_VERSION = { type: "string", description: "the served version; any other is a 404" };

export function oipContractRoutes(
  app: FastifyInstance,
  svc: ContractService,
  maxBatch: number,
  counted: (batch: ScoredBatch) => void,
  registry: ModelRegistry | undefined,
  readiness: () => ReadyState,
): void {
  oipModelRoutes(app, svc, registry, readiness);
  // For the docs only (the handler checks and names the tensor): the start model's tensor names.
  const start = tensorsOf(svc.model);
  const bodySchema = {
    type: "object",
    required: ["inputs"],
    properties: {
      id: { type: "string", description: "echoed in the answer" },
      outputs: {
        type: "array",
        description: "the outputs to answer (default: all)",
        items: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
      },
      inputs: {
        type: "array",
        items: {
          type: "object",
          required: ["name", "datatype", "shape", "data"],
          properties: {
            name: { type: "string", enum: start.inputs.map((i) => i.name) },
            datatype: {
              type: "string",
              description: "the model's (GET /v2/models/{name}): BYTES, or FP64 (any number type is taken)",
            },
            shape: { type: "array", items: { type: "integer" }, description: "[N] or [N, 1]: N values" },
            data: { type: "array", maxItems: maxBatch },
          },
        },
      },
    },
  };
  const answerSchema = {
    type: "object",
    properties: {
      model_name: { type: "string" },
      model_version: { type: "string", description: "the version that scored the readings" },
      id: { type: "string" },
      outputs: {
        type: "array",
        description: `${start.outputs.map((o) => o.name).join(", ")}: shape [N], in input order; prediction_id is each reading's id, as /v1/predict's \`id\` (POST /v1/feedback takes it)`,
        items: {
          type: "object",
          properties: {
            name: { type: "string" },
            datatype: { type: "string" },
            shape: { type: "array", items: { type: "integer" } },
            data: { type: "array" },
          },
        },
      },
    },
  };
  for (const [url, params] of modelUrls("/infer", { type: "string" }, INFER_VERSION))
    app.post(
      url,
      {
        validatorCompiler: ACCEPT_ALL,
        schema: {
          tags: ["oip"],
          summary: "Score readings given as tensors, each pushed into its machine's history",
          params,
          body: bodySchema,
          response: { 200: answerSchema },
        },
      },
      async (req) => {
        const m = servedModel(svc, registry, req.params);
        const { items, asked, id } = readInfer(m, req.body, maxBatch);
        const n = items.length;
        const scored = await svc.predict(items, false);
        counted(scored);
        // The outputs of the version the URL named (a swap between the check and the scoring serves
        // another version of the same contract: model_version says which scored); a kind the scoring
        // model has no head for answers null for every row, as its answers' heads do.
        const { outputs, kinds } = tensorsOf(m);
        const head = (k: string) => {
          const p = scored.heads[scored.kinds.indexOf(k)];
          return p ? Array.from(p) : new Array<null>(n).fill(null);
        };
        const data = [Array.from(scored.failure), ...kinds.map(head), scored.ids];
        return {
          model_name: scored.model.name,
          model_version: scored.model.version,
          ...(id !== undefined ? { id } : {}),
          outputs: outputs
            .map((o, i) => ({ ...o, shape: [n], data: data[i] }))
            .filter((o) => asked === null || asked.has(o.name)),
        };
      },
    );
}

// Open Inference Protocol v2 inference for a data-contract model: one input tensor per contract
// field (machine_id and timestamp as BYTES, each reading FP64 or BYTES for a category), shape [N];
// outputs failure_probability, one <kind>_probability per head and prediction_id (each reading's id,
// the `id` /v1/predict answers, so a label can be joined to it later). The tensors become the same
// reading objects /v1/predict takes, so one pipeline scores both. Metadata and readiness:
// oip-models.ts.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { isEpoch } from "../../data/time-format.js";
import type { ModelRegistry } from "../../registry/registry.js";
import type { HistoryModel } from "../../train/history-model.js";
import { ACCEPT_ALL, invalid } from "../body-schema.js";
import type { ReadyState } from "../readiness.js";
import type { ContractService, ScoredBatch } from "./contract-service.js";
import { modelUrls, type OipTensor, oipModelRoutes, servedModel, tensorsOf } from "./oip-models.js";

interface Tensor extends OipTensor {
  data: unknown[];
}

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
      async (req) => infer(svc, servedModel(svc, registry, req.params), req.body, maxBatch, counted),
    );
}

async function infer(
  svc: ContractService,
  m: HistoryModel,
  raw: unknown,
  maxBatch: number,
  counted: (batch: ScoredBatch) => void,
) {
  const { inputs, outputs, kinds } = tensorsOf(m);
  const body = raw as { id?: unknown; inputs?: unknown; outputs?: unknown };
  if (!body || typeof body !== "object" || !Array.isArray(body.inputs))
    throw invalid("inputs", "inputs: must be a list of tensors");
  const want = new Map(inputs.map((i) => [i.name, i.datatype]));
  const byName = new Map<string, Tensor>();
  for (const t of body.inputs as Tensor[]) {
    if (!t || typeof t !== "object" || typeof t.name !== "string" || !Array.isArray(t.data))
      throw invalid("inputs", "inputs[]: each tensor needs a name and a flat data list");
    if (!want.has(t.name))
      throw invalid(
        "inputs",
        `inputs: unknown tensor '${t.name.slice(0, 64)}' (expected ${inputs.map((i) => i.name).join(", ")})`,
      );
    byName.set(t.name, t);
  }
  const ids = byName.get("machine_id");
  if (!ids) throw invalid("inputs", "inputs: the machine_id tensor is required");
  const n = ids.data.length;
  if (n === 0) throw new MillwrightError("MW_EMPTY_BATCH", "the batch is empty");
  if (n > maxBatch)
    throw new MillwrightError("MW_BATCH_TOO_LARGE", `${n} rows: at most ${maxBatch} per request`);
  const epoch = isEpoch(m.contract.time?.format);
  for (const t of byName.values()) {
    if (t.data.length !== n)
      throw invalid(
        "inputs",
        `inputs: tensor '${t.name}' has ${t.data.length} values, machine_id has ${n} (shape [N], flat data)`,
      );
    // The declared shape and datatype must say what the data is (trial 6: shape [3] with one value
    // scored one row, and an INT32 tensor for an FP64 input was taken): a client that built the
    // wrong tensor is told, not answered for rows it did not mean.
    const s = t.shape as unknown;
    const fits = Array.isArray(s) && s[0] === n && (s.length === 1 || (s.length === 2 && s[1] === 1));
    if (!fits)
      throw invalid(
        "inputs",
        `inputs: tensor '${t.name}' has shape ${shapeWords(s)} for its ${n} values (shape [${n}] or [${n}, 1], flat data)`,
      );
    const expected = want.get(t.name);
    const numeric = typeof t.datatype === "string" && NUMERIC.test(t.datatype);
    const ok =
      t.datatype === expected ||
      (expected === "FP64" && numeric) ||
      // An epoch time may come as a number, as /v1/predict takes it.
      (t.name === "timestamp" && epoch && numeric);
    if (!ok)
      throw invalid(
        "inputs",
        `inputs: tensor '${t.name}' has datatype ${typeof t.datatype === "string" ? `'${t.datatype.slice(0, 20)}'` : "none (not a string)"}; the model takes ${expected}${expected === "FP64" ? " (or another number type)" : ""} (GET /v2/models/${m.name})`,
      );
  }
  const asked = requestedOutputs(
    body,
    outputs.map((o) => o.name),
  );
  const items = Array.from({ length: n }, (_, i) => {
    const o: Record<string, unknown> = {};
    for (const [k, t] of byName) o[k] = t.data[i];
    return o;
  });
  const scored = await svc.predict(items, false);
  counted(scored);
  // The outputs of the version the URL named (a swap between the check and the scoring serves
  // another version of the same contract: model_version says which scored); a kind the scoring
  // model has no head for answers null for every row, as its answers' heads do.
  const head = (k: string) => {
    const p = scored.heads[scored.kinds.indexOf(k)];
    return p ? Array.from(p) : new Array<null>(n).fill(null);
  };
  const data = [Array.from(scored.failure), ...kinds.map(head), scored.ids];
  return {
    model_name: scored.model.name,
    model_version: scored.model.version,
    ...(typeof body.id === "string" ? { id: body.id } : {}),
    outputs: outputs
      .map((o, i) => ({ ...o, shape: [n], data: data[i] }))
      .filter((o) => asked === null || asked.has(o.name)),
  };
}

/** A declared shape in a message, without stringifying whatever a client sent (it may nest 8,000 deep). */
function shapeWords(s: unknown): string {
  if (!Array.isArray(s)) return "none (not a list)";
  if (s.length > 4 || !s.every((d) => typeof d === "number")) return "that is not a short list of numbers";
  return `[${s.join(", ")}]`;
}

/** Numbers of any OIP number type: JSON carries them alike. */
const NUMERIC = /^(FP(16|32|64)|U?INT(8|16|32|64))$/;

/**
 * The outputs a request asks for (`outputs: [{name}]`), or null for all; an unknown name is a 400
 * naming the outputs there are (it was ignored, and every output answered: trial 6).
 */
function requestedOutputs(body: { outputs?: unknown }, names: string[]): Set<string> | null {
  if (body.outputs === undefined) return null;
  if (!Array.isArray(body.outputs)) throw invalid("outputs", "outputs: must be a list of {name}");
  const asked = new Set<string>();
  for (const o of body.outputs as { name?: unknown }[]) {
    const name = o && typeof o === "object" ? o.name : undefined;
    if (typeof name !== "string" || !names.includes(name))
      throw invalid(
        "outputs",
        `outputs: unknown output ${typeof name === "string" ? `'${name.slice(0, 64)}'` : "(a name must be a string)"} (the model answers ${names.join(", ")})`,
      );
    asked.add(name);
  }
  return asked;
}

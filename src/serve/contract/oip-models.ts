// Open Inference Protocol v2 model metadata and readiness for a data-contract server:
// GET /v2/models/{name}[/versions/{version}] and the same with /ready. A server serves one model
// (the contract's) at one version, the one its alias points to now, so that version answers and
// every other is a 404 MW_MODEL_NOT_FOUND naming it. A version the registry holds but this server
// does not serve is a 404 too, not a 200 {ready: false}: OIP clients (tritonclient, KServe's) read
// only the status of a ready call, and that version cannot take an infer here; its detail says
// which version is served and how to serve the asked one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { tensorsOf } from "../../pipeline/oip-tensors.js";
import type { HistoryModel } from "../../train/history-model.js";
import { notReadyBecause, READY_PROBLEM, type ReadyState } from "../readiness.js";
import type { ContractService } from "./contract-service.js";

const clip = (s: string) => s.slice(0, 100);

/**
 * A model route's two URLs, /v2/models/{name}`suffix` and /v2/models/{name}/versions/{version}`suffix`,
 * each with its parameters' schema (`name`, `version`: each parameter's).
 */
export function modelUrls(suffix: string, name: object, version: object): [string, object][] {
  const params = (p: Record<string, object>) => ({ type: "object", required: Object.keys(p), properties: p });
  return [
    [`/v2/models/:name${suffix}`, params({ name })],
    [`/v2/models/:name/versions/:version${suffix}`, params({ name, version })],
  ];
}

/**
 * The served model when the URL's `name` (and `version`, when it has one) name it; else a 404 naming
 * the parameter that did not match. Read per request: a swap serves another version.
 */
export function servedModel(
  svc: ContractService,
  registry: ModelRegistry | undefined,
  params: unknown,
): HistoryModel {
  const { name, version } = params as { name: string; version?: string };
  const m = svc.model;
  if (name !== m.name)
    throw new MillwrightError("MW_MODEL_NOT_FOUND", `no model named '${clip(name)}'`, {
      field: "params.name",
    });
  if (version === undefined || version === m.version) return m;
  const field = { field: "params.version" };
  // Only a version of this contract is "registered here": another contract's cannot be served by
  // this server at all (a reload refuses it), so it answers as an unknown version.
  const contract = registry?.versions().includes(version)
    ? (registry.readJson(version, "lineage.json")?.contract as { name?: string } | undefined)?.name
    : undefined;
  if (contract === m.contract.name)
    throw new MillwrightError(
      "MW_MODEL_NOT_FOUND",
      `version ${version} of '${m.name}' is registered but not served: this server serves ${m.version} (POST /v1/admin/reload {"model": "${version}"} or POST /v1/models/${version}/promote serves it)`,
      field,
    );
  throw new MillwrightError(
    "MW_MODEL_NOT_FOUND",
    `model '${m.name}' has no version '${clip(version)}' (this server serves ${m.version})`,
    field,
  );
}

const tensorSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    datatype: { type: "string", enum: ["BYTES", "FP64"] },
    shape: { type: "array", items: { type: "integer" } },
  },
};
const NAME = { type: "string", description: "the served model's name (GET /v1/model)" };
const VERSION = {
  type: "string",
  description:
    "the served version; another version, even a registered one, is a 404 MW_MODEL_NOT_FOUND naming it",
};

const METADATA = {
  type: "object",
  properties: {
    name: { type: "string" },
    versions: { type: "array", items: { type: "string" }, description: "the served version" },
    platform: { type: "string" },
    inputs: { type: "array", items: tensorSchema },
    outputs: { type: "array", items: tensorSchema },
  },
};
const MODEL_READY = {
  type: "object",
  required: ["name", "ready"],
  properties: { name: { type: "string" }, ready: { type: "boolean" }, problem: READY_PROBLEM },
};

export function oipModelRoutes(
  app: FastifyInstance,
  svc: ContractService,
  registry: ModelRegistry | undefined,
  readiness: () => ReadyState,
): void {
  const both = (
    suffix: string,
    schema: { summary: string; response: Record<number, object> },
    handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) => {
    for (const [url, params] of modelUrls(suffix, NAME, VERSION))
      app.get(url, { schema: { tags: ["oip"], params, ...schema } }, handler);
  };
  both(
    "",
    {
      summary: "Model metadata: the served version, one input tensor per contract field, the outputs",
      response: { 200: METADATA },
    },
    async (req) => {
      const m = servedModel(svc, registry, req.params);
      const { inputs, outputs } = tensorsOf(m);
      return { name: m.name, versions: [m.version], platform: "millwright-gbdt", inputs, outputs };
    },
  );
  // Ready as the server is (/v2/health/ready): the model is loaded from the start, so it can
  // answer an infer exactly when the history log can take its readings.
  both(
    "/ready",
    {
      summary:
        "Model readiness: 200 {name, ready: true}; 503 {name, ready: false, problem} while the server is not ready",
      response: { 200: MODEL_READY, 503: MODEL_READY },
    },
    async (req, reply) => {
      const m = servedModel(svc, registry, req.params);
      const problem = notReadyBecause(readiness());
      return problem
        ? reply.code(503).send({ name: m.name, ready: false, problem })
        : reply.code(200).send({ name: m.name, ready: true });
    },
  );
}

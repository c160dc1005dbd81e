// The Open Inference Protocol v2 (KServe / Seldon MLServer REST shapes). Inputs accepted:
//  - one FP64/FP32 tensor named "input" (any name works when it is the only tensor) of shape [N, 6],
//    columns in OIP_COLUMNS order, type coded L=0, M=1, H=2; or
//  - one tensor per feature, shape [N] (or [N, 1]), named by the canonical names; `type` as BYTES
//    ("L"/"M"/"H") or an integer code.
// Outputs: failure_probability FP64 [N], failure_predicted BOOL [N], one <mode>_probability FP64 [N]
// per mode head, and prediction_id BYTES [N] (send it to /v1/feedback). Errors are {"error": "..."}.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { MODE_HEADS, PRODUCT_TYPES, RAW_FEATURES } from "../../data/schema.js";
import { MILLWRIGHT_VERSION } from "../../core/version.js";
import type { Ctx } from "../context.js";
import { short } from "../../core/limits.js";
import { predictColumns } from "../predict-columns.js";
import { readingColumns } from "../reading.js";
import type { ReadingColumns } from "../reading-rules.js";
import { logPredicted } from "./predict.js";
import { readyRoute } from "../readiness.js";

export const OIP_COLUMNS = ["type", ...RAW_FEATURES] as const;

interface Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

const NUMERIC = new Set([
  "FP64",
  "FP32",
  "FP16",
  "INT8",
  "INT16",
  "INT32",
  "INT64",
  "UINT8",
  "UINT16",
  "UINT32",
  "UINT64",
]);

function bad(msg: string): never {
  throw new MillwrightError("MW_VALIDATION", msg);
}

/** Dimensions a tensor may declare: ours have one or two. */
const MAX_RANK = 4;

/**
 * A tensor's values in row-major order, nested at most `depth` levels (its rank: OIP allows flat or
 * nested data) and at most `max` values. Array#flat(Infinity) threw a RangeError (a 500) on data
 * nested 8,000 deep, and flattened a 1M-row tensor (1.8 s, 180 MB) before its 413.
 */
function flatten(d: unknown, depth: number, max: number, where: string): unknown[] {
  if (!Array.isArray(d)) bad(`${where}.data must be an array`);
  const out: unknown[] = [];
  const walk = (a: unknown[], level: number): void => {
    for (const x of a) {
      if (Array.isArray(x)) {
        if (level >= depth) bad(`${where}.data is nested deeper than its shape (${depth} levels)`);
        walk(x, level + 1);
      } else {
        if (out.length >= max)
          throw new MillwrightError("MW_BATCH_TOO_LARGE", `${where}.data: more than ${max} values`, {
            limit: max,
          });
        out.push(x);
      }
    }
  };
  walk(d as unknown[], 1);
  return out;
}

function typeFrom(v: unknown, where: string): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < PRODUCT_TYPES.length)
    return PRODUCT_TYPES[v];
  return bad(`${where}: type must be "L", "M", "H" or 0, 1, 2`);
}

/** The request's readings, by column (checked by reading.ts, each row named `row i` in errors). */
export function readingsFromTensors(body: unknown, maxBatch: number): ReadingColumns {
  if (!body || typeof body !== "object") bad("body must be an inference request object with 'inputs'");
  const inputs = (body as { inputs?: unknown }).inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) bad("'inputs' must be a non-empty array of tensors");
  if (inputs.length > OIP_COLUMNS.length)
    bad(
      `'inputs' has ${inputs.length} tensors: one [N, 6] tensor or one per feature (${OIP_COLUMNS.length})`,
    );
  const tensors = inputs.map((t, i) => {
    if (!t || typeof t !== "object") bad(`inputs[${i}] must be a tensor object`);
    const o = t as Partial<Tensor>;
    if (typeof o.name !== "string") bad(`inputs[${i}].name is required`);
    if (
      !Array.isArray(o.shape) ||
      o.shape.length === 0 ||
      o.shape.length > MAX_RANK ||
      !o.shape.every((s) => Number.isInteger(s) && s >= 0)
    )
      bad(`inputs[${i}].shape must be 1 to ${MAX_RANK} non-negative integers`);
    if (typeof o.datatype !== "string") bad(`inputs[${i}].datatype is required`);
    // The row limit first, from the declared shape: before a value is copied.
    if (o.shape[0] > maxBatch)
      throw new MillwrightError(
        "MW_BATCH_TOO_LARGE",
        `inputs[${i}]: ${o.shape[0]} rows, the limit is ${maxBatch}`,
        {
          limit: maxBatch,
        },
      );
    const data = flatten(o.data, o.shape.length, maxBatch * OIP_COLUMNS.length, `inputs[${i}]`);
    return { name: o.name, shape: o.shape, datatype: o.datatype, data } as Tensor;
  });
  let rows: Record<string, unknown>[];
  if (tensors.length === 1 && tensors[0].shape.length === 2 && tensors[0].shape[1] === OIP_COLUMNS.length) {
    const t = tensors[0];
    if (!NUMERIC.has(t.datatype))
      bad(`${short(t.name)}: datatype ${short(t.datatype)}: a [N, 6] tensor must be numeric (FP64)`);
    const n = t.shape[0];
    if (t.data.length !== n * OIP_COLUMNS.length)
      bad(`${short(t.name)}: shape [${t.shape}] needs ${n * 6} values, got ${t.data.length}`);
    if (n > maxBatch) throw new MillwrightError("MW_BATCH_TOO_LARGE", `${n} rows, the limit is ${maxBatch}`);
    rows = [];
    for (let i = 0; i < n; i++) {
      const r: Record<string, unknown> = { type: typeFrom(t.data[i * 6], `${short(t.name)}[${i}, 0]`) };
      for (let c = 1; c < 6; c++) r[OIP_COLUMNS[c]] = t.data[i * 6 + c];
      rows.push(r);
    }
  } else {
    const byName = new Map(tensors.map((t) => [t.name, t]));
    for (const t of tensors)
      if (!(OIP_COLUMNS as readonly string[]).includes(t.name))
        bad(
          `unknown input tensor '${short(t.name)}': expected one [N, 6] tensor or tensors named ${OIP_COLUMNS.join(", ")}`,
        );
    const n = byName.get("type")?.data.length ?? bad("input tensor 'type' is missing");
    if (n === 0) throw new MillwrightError("MW_EMPTY_BATCH", "tensors have no rows");
    if (n > maxBatch) throw new MillwrightError("MW_BATCH_TOO_LARGE", `${n} rows, the limit is ${maxBatch}`);
    for (const c of OIP_COLUMNS) {
      const t = byName.get(c) ?? bad(`input tensor '${c}' is missing`);
      if (t.data.length !== n) bad(`input tensor '${c}' has ${t.data.length} values, 'type' has ${n}`);
      if (c !== "type" && !NUMERIC.has(t.datatype))
        bad(`input tensor '${c}': datatype must be numeric, got ${short(t.datatype)}`);
    }
    rows = [];
    for (let i = 0; i < n; i++) {
      const r: Record<string, unknown> = { type: typeFrom(byName.get("type")?.data[i], `type[${i}]`) };
      for (const c of RAW_FEATURES) r[c] = byName.get(c)?.data[i];
      rows.push(r);
    }
  }
  if (rows.length === 0) throw new MillwrightError("MW_EMPTY_BATCH", "tensors have no rows");
  return readingColumns(rows, (i) => `row ${i}`);
}

function modelMeta(ctx: Ctx, name: string, version?: string) {
  const s = ctx.models.require();
  if (name !== s.bundle.name)
    throw new MillwrightError("MW_MODEL_NOT_FOUND", `unknown model '${short(name)}'`);
  const versions = ctx.registry.versions();
  if (version && !versions.includes(version))
    throw new MillwrightError(
      "MW_MODEL_NOT_FOUND",
      `model '${short(name)}' has no version '${short(version)}'`,
    );
  return {
    name,
    versions,
    platform: "millwright-gbdt",
    inputs: [
      {
        name: "input",
        datatype: "FP64",
        shape: [-1, 6],
        parameters: { columns: OIP_COLUMNS.join(","), type_codes: "L=0,M=1,H=2" },
      },
      ...OIP_COLUMNS.map((c) => ({ name: c, datatype: c === "type" ? "BYTES" : "FP64", shape: [-1] })),
    ],
    outputs: [
      { name: "failure_probability", datatype: "FP64", shape: [-1] },
      { name: "failure_predicted", datatype: "BOOL", shape: [-1] },
      ...MODE_HEADS.map((m) => ({ name: `${m}_probability`, datatype: "FP64", shape: [-1] })),
      { name: "prediction_id", datatype: "BYTES", shape: [-1] },
    ],
  };
}

export function oipRoutes(app: FastifyInstance, ctx: Ctx): void {
  const tags = ["open inference protocol v2"];
  app.get("/v2", { schema: { tags, summary: "Server metadata" } }, async () => ({
    name: "millwright",
    version: MILLWRIGHT_VERSION,
    extensions: [],
  }));
  app.get("/v2/health/live", { schema: { tags, summary: "Liveness" } }, async () => ({ live: true }));
  // Degraded (database away, predictions spooled locally) stays ready: the replica still answers
  // and loses nothing, so it keeps its traffic; the flag and a metric say so.
  readyRoute(app, tags, () => ({
    accepting: ctx.state.accepting,
    model: ctx.models.current !== null,
    problem: ctx.store.writeProblem?.() ?? null,
    degraded: ctx.store.degraded?.() ?? false,
  }));
  // OIP spells every model route twice: for the model, and for one of its versions.
  type ModelParams = { name: string; version?: string };
  const modelRoutes = (suffix: string, summary: string, answer: (p: ModelParams) => unknown) => {
    const handler = async (req: FastifyRequest) => answer(req.params as ModelParams);
    app.get(`/v2/models/:name${suffix}`, { schema: { tags, summary: `Model ${summary}` } }, handler);
    const versioned = { schema: { tags, summary: `Model version ${summary}` } };
    app.get(`/v2/models/:name/versions/:version${suffix}`, versioned, handler);
  };
  modelRoutes("", "metadata", (p) => modelMeta(ctx, p.name, p.version));
  modelRoutes("/ready", "readiness", (p) => {
    modelMeta(ctx, p.name, p.version);
    return { name: p.name, ready: ctx.state.accepting };
  });
  const infer = async (req: FastifyRequest) => {
    const p = req.params as { name: string; version?: string };
    const s = ctx.models.require();
    if (p.name !== s.bundle.name)
      throw new MillwrightError("MW_MODEL_NOT_FOUND", `unknown model '${short(p.name)}'`);
    if (p.version && !ctx.registry.versions().includes(p.version))
      throw new MillwrightError(
        "MW_MODEL_NOT_FOUND",
        `model '${short(p.name)}' has no version '${short(p.version)}'`,
      );
    const bundle = ctx.models.bundleFor(p.version);
    const id = (req.body as { id?: unknown } | null)?.id;
    // Echoed back in the answer: bounded like any other client string.
    if (id !== undefined && (typeof id !== "string" || id.length > 256))
      bad("id: the request id must be a string of at most 256 characters");
    const cols = readingsFromTensors(req.body, ctx.maxBatch);
    const { batch, failures } = predictColumns(bundle, cols, req.id);
    await logPredicted(ctx, batch, failures);
    const n = batch.n;
    const modes = batch.modeKeys.length;
    return {
      model_name: bundle.name,
      model_version: bundle.version,
      ...(typeof id === "string" ? { id } : {}),
      outputs: [
        {
          name: "failure_probability",
          datatype: "FP64",
          shape: [n],
          data: Array.from(batch.failureProbability),
        },
        {
          name: "failure_predicted",
          datatype: "BOOL",
          shape: [n],
          data: Array.from(batch.failurePredicted, (f) => f === 1),
        },
        // Only the heads the model has: their values are never null (NaN in the batch).
        ...MODE_HEADS.flatMap((m, h) =>
          bundle.heads[m] === null
            ? []
            : [
                {
                  name: `${m}_probability`,
                  datatype: "FP64",
                  shape: [n],
                  data: Array.from({ length: n }, (_, i) => batch.modes[i * modes + h]),
                },
              ],
        ),
        { name: "prediction_id", datatype: "BYTES", shape: [n], data: batch.ids },
      ],
    };
  };
  const inferSchema = {
    tags,
    summary: "Inference (OIP v2)",
    description:
      "Inputs: one FP64 tensor [N, 6] with columns type (L=0, M=1, H=2), air_temperature, process_temperature, rotational_speed, torque, tool_wear; or one tensor [N] per feature named by those names (type as BYTES). Every prediction is logged; prediction_id is returned as an output.",
  };
  app.post("/v2/models/:name/infer", { schema: inferSchema }, infer);
  app.post("/v2/models/:name/versions/:version/infer", { schema: inferSchema }, infer);
}

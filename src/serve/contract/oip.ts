// Open Inference Protocol v2 for a data-contract model: one input tensor per contract field
// (machine_id and timestamp as BYTES, each reading FP64 or BYTES for a category), shape [N];
// outputs failure_probability and one <kind>_probability per head. The tensors become the same
// reading objects /v1/predict takes, so one pipeline scores both.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import type { ContractService, ScoredBatch } from "./contract-service.js";

interface Tensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

export function oipContractRoutes(
  app: FastifyInstance,
  svc: ContractService,
  maxBatch: number,
  counted: (batch: ScoredBatch) => void = () => {},
): void {
  const m = svc.model;
  const c = m.contract;
  const inputs = [
    { name: "machine_id", datatype: "BYTES", shape: [-1] },
    ...(c.time ? [{ name: "timestamp", datatype: c.time.counter ? "FP64" : "BYTES", shape: [-1] }] : []),
    ...c.readings.map((r) => ({
      name: r.name,
      datatype: r.kind === "category" ? "BYTES" : "FP64",
      shape: [-1],
    })),
  ];
  const kinds = m.headNames.filter((h) => h !== "machine_failure" && m.heads[h]);
  const outputs = ["failure_probability", ...kinds.map((k) => `${k}_probability`)].map((name) => ({
    name,
    datatype: "FP64",
    shape: [-1],
  }));
  app.get("/v2/models/:name", { schema: { tags: ["oip"] } }, async (req) => {
    const { name } = req.params as { name: string };
    if (name !== m.name)
      throw new MillwrightError("MW_MODEL_NOT_FOUND", `no model named '${name.slice(0, 100)}'`);
    return { name: m.name, versions: [svc.model.version], platform: "millwright-gbdt", inputs, outputs };
  });
  app.post("/v2/models/:name/infer", { schema: { tags: ["oip"] } }, async (req) => {
    const { name } = req.params as { name: string };
    if (name !== m.name)
      throw new MillwrightError("MW_MODEL_NOT_FOUND", `no model named '${name.slice(0, 100)}'`);
    const body = req.body as { id?: unknown; inputs?: unknown };
    if (!body || typeof body !== "object" || !Array.isArray(body.inputs))
      throw new MillwrightError("MW_VALIDATION", "inputs: must be a list of tensors", { field: "inputs" });
    const byName = new Map<string, Tensor>();
    for (const t of body.inputs as Tensor[]) {
      if (!t || typeof t !== "object" || typeof t.name !== "string" || !Array.isArray(t.data))
        throw new MillwrightError(
          "MW_VALIDATION",
          "inputs[]: each tensor needs a name and a flat data list",
          { field: "inputs" },
        );
      if (!inputs.some((i) => i.name === t.name))
        throw new MillwrightError(
          "MW_VALIDATION",
          `inputs: unknown tensor '${t.name.slice(0, 64)}' (expected ${inputs.map((i) => i.name).join(", ")})`,
          { field: "inputs" },
        );
      byName.set(t.name, t);
    }
    const ids = byName.get("machine_id");
    if (!ids)
      throw new MillwrightError("MW_VALIDATION", "inputs: the machine_id tensor is required", {
        field: "inputs",
      });
    const n = ids.data.length;
    if (n === 0) throw new MillwrightError("MW_EMPTY_BATCH", "the batch is empty");
    if (n > maxBatch)
      throw new MillwrightError("MW_BATCH_TOO_LARGE", `${n} rows: at most ${maxBatch} per request`);
    for (const t of byName.values())
      if (t.data.length !== n)
        throw new MillwrightError(
          "MW_VALIDATION",
          `inputs: tensor '${t.name}' has ${t.data.length} values, machine_id has ${n} (shape [N], flat data)`,
          { field: "inputs" },
        );
    const items = Array.from({ length: n }, (_, i) => {
      const o: Record<string, unknown> = {};
      for (const [k, t] of byName) o[k] = t.data[i];
      return o;
    });
    const scored = await svc.predict(items, false);
    counted(scored);
    // A kind the served model has no head for answers null for every row, as its answers' heads do.
    const head = (k: string) => {
      const p = scored.heads[scored.kinds.indexOf(k)];
      return p ? Array.from(p) : new Array<null>(n).fill(null);
    };
    const data = [Array.from(scored.failure), ...kinds.map(head)];
    return {
      model_name: m.name,
      model_version: svc.model.version,
      ...(typeof body.id === "string" ? { id: body.id } : {}),
      outputs: outputs.map((o, i) => ({ ...o, shape: [n], data: data[i] })),
    };
  });
}
